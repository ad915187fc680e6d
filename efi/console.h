#ifndef KASLBOOT_EFI_CONSOLE_H
#define KASLBOOT_EFI_CONSOLE_H

#include <efi.h>

/* Routes lib/log.h output to the firmware console. */
void console_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);
/* Stops using the console: called right before ExitBootServices. */
void console_detach(void);

#endif
