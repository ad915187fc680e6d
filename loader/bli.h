/* The Boot Loader Interface (systemd's docs/BOOT_LOADER_INTERFACE.md): volatile EFI
 * variables under vendor GUID 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f that tell the booted
 * OS which loader ran and which entry it chose (what `bootctl status` shows). */
#ifndef KASLBOOT_LOADER_BLI_H
#define KASLBOOT_LOADER_BLI_H

#include "loader/platform.h"

/* systemd's loader GUID (BOOT_LOADER_INTERFACE.md, "LoaderInfo" and the others). */
extern const struct kb_guid bli_vendor_guid;

/* LoaderInfo, LoaderFirmwareInfo, LoaderFirmwareType: once, at start. */
void bli_set_loader_info(const struct kb_platform *pf, const struct kb_firmware *fw,
			 const char *loader_info);
/* LoaderEntrySelected: right before an entry is attempted. */
void bli_set_entry_selected(const struct kb_platform *pf, const char *id);

#endif
