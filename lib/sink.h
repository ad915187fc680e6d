/* SPDX-License-Identifier: BSD-2-Clause */
/* Where kaslboot's lines go: the firmware console (efi/console.c installs it) or the host
 * tests' capture. Apart from the log's formatting (lib/log.h) so that what must print
 * without it, a panic, depends on nothing that could be what failed: lib/fmt.c uses the
 * C library, whose failures panic. */
#ifndef KASLBOOT_LIB_SINK_H
#define KASLBOOT_LIB_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*log_sink_fn)(const char *text, size_t len);

void log_set_sink(log_sink_fn sink);
/* Writes len bytes as they are; false (nothing written) when no sink is installed. */
bool log_sink_write(const char *text, size_t len);
bool log_sink_installed(void);
/* Counter ticks spent writing to the sink since the start (the firmware's console:
 * loader/firmware_time.h reports them), and how many writes (*lines, if not NULL). */
uint64_t log_sink_ticks(unsigned *lines);

#endif
