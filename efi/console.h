/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_CONSOLE_H
#define KASLBOOT_EFI_CONSOLE_H

#include <stddef.h>

#include <efi.h>

/* Routes lib/log.h output to the firmware console. */
void console_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
/* len bytes of UTF-8 on the console, as UCS-2; what is not valid UTF-8 or has no UCS-2
 * form prints as '?'. The first error, or EFI_NOT_READY once detached. */
EFI_STATUS console_output(const char *utf8, size_t len);
/* Stops using the console: called right before ExitBootServices. */
void console_detach(void);

#endif
