/* SPDX-License-Identifier: BSD-2-Clause */
/* Where the time outside kaslboot's own code goes: every platform call timed with the
 * counter and added up by kind (file reads, directory listings, variable writes, ...), so
 * that the phase timings (loader/phase_time.h) can say how much of a phase the firmware
 * spent. The flow runs on the wrapped platform; the wrapper changes no argument and no
 * result. One set of totals per boot: firmware_time_wrap starts it again. */
#ifndef KASLBOOT_LOADER_FIRMWARE_TIME_H
#define KASLBOOT_LOADER_FIRMWARE_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/platform.h"

enum fw_call_kind {
	FW_MEMORY,       /* memory map, page and pool allocations */
	FW_FILE_OPEN,    /* opening and closing files */
	FW_FILE_READ,
	FW_DIR_LIST,
	FW_FILE_WRITE,   /* writes and renames, each flushed to the medium */
	FW_VAR_GET,
	FW_VAR_SET,
	FW_RNG,
	FW_VERIFY,       /* Secure Boot's check of a kernel */
	FW_TPM,          /* measurements and the event log */
	FW_CONSOLE,      /* the menu's console output (not lib/log.h's lines) */
	FW_OTHER,        /* watchdog, configuration tables */
	FW_CALL_KINDS
};

/* Returns the platform to run on: each call goes to inner, timed. read_key (a person's
 * wait) and exit_boot_services (after the report) pass through untimed. */
const struct kb_platform *firmware_time_wrap(const struct kb_platform *inner);
/* Microseconds and calls of one kind so far. */
uint64_t firmware_time_us(enum fw_call_kind kind);
unsigned firmware_time_calls(enum fw_call_kind kind);
/* The peak of kaslboot's own allocations since the wrap, in bytes: pool, and pages taken
 * outside the phases that place and read the payload (PHASE_PLACE, the kernel and initrd
 * reads, the inflate, the DT). *all_counted false when there were more live allocations
 * than it follows (then the peak is a lower bound). */
uint64_t firmware_time_own_peak(bool *all_counted);
/* One debug line: "firmware calls (ms): file-read 12.1 (6), var-set 6.5 (10), ...,
 * log-lines 4.0 (14); in the firmware 30.2, in kaslboot 3.1": the kinds called
 * (milliseconds, calls), the log's lines written to the console since the wrap, then the
 * phases' time from the configuration on (loader/phase_time.h; not the menu, not the
 * exit) split in two, then kaslboot's own memory peak. */
void firmware_time_report(void);

#endif
