/* The Boot Loader Interface (systemd's docs/BOOT_LOADER_INTERFACE.md): volatile EFI
 * variables under vendor GUID 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f that tell the booted
 * OS which loader ran and which entry it chose (what `bootctl status` shows). */
#ifndef KASLBOOT_EFI_BLI_H
#define KASLBOOT_EFI_BLI_H

#include <efi.h>

/* LoaderInfo, LoaderFirmwareInfo, LoaderFirmwareType: once, at start. */
void bli_set_loader_info(EFI_SYSTEM_TABLE *st, const char *loader_info);
/* LoaderEntrySelected: right before an entry is attempted. */
void bli_set_entry_selected(const char *id);

#endif
