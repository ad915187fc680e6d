/* SPDX-License-Identifier: BSD-2-Clause */
/* Fatal errors that no caller can handle (a smashed stack in libfdt): one fixed line to the
 * log's sink (lib/sink.h), then the platform's way out (the firmware's Exit while boot services are up), else
 * the CPU halts. The hook keeps lib/ below efi/: the adapter installs it. */
#ifndef KASLBOOT_LIB_PANIC_H
#define KASLBOOT_LIB_PANIC_H

typedef void (*panic_exit_fn)(void);

void panic_set_exit(panic_exit_fn fn);
__attribute__((noreturn)) void kaslboot_panic(const char *msg);

#endif
