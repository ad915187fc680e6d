/* SPDX-License-Identifier: BSD-2-Clause */
/* Which devicetree an entry's kernel gets, and what is done to it before kaslboot's own
 * /chosen edits (policy; the tree operations are dtb/'s):
 *   - Secure Boot on: the entry's `devicetree` and `devicetree-overlay` files carry no
 *     signature and are skipped with one warning; the firmware's DT is used, as
 *     systemd-boot 257 does (src/boot/boot.c).
 *   - `devicetree` naming a file: that file, measured as read (loader/measure.h), then the
 *     firmware's EFI_DT_FIXUP_PROTOCOL fixups, as systemd-boot runs them
 *     (src/boot/devicetree.c; none when the firmware has no such protocol).
 *   - `devicetree` naming a directory: the file the `FdtFile` variable names in it (U-Boot's
 *     proposed convention: a path relative to the DT directory), else
 *     <dir>/<vendor>/<board>.dtb for the first root `compatible` string of the firmware's
 *     DT that has one; without a match, the firmware's DT and one line saying so.
 *   - otherwise the firmware's DT (a minimal tree on ACPI machines).
 *   - then each `devicetree-overlay` file in order, measured as read: a bad one fails the
 *     entry, its name in the error line. */
#ifndef KASLBOOT_LOADER_DEVICETREE_H
#define KASLBOOT_LOADER_DEVICETREE_H

#include "loader/boot_state.h"
#include "loader/config.h"

/* U-Boot's vendor GUID (include/efi_loader.h, U_BOOT_GUID), under which `FdtFile` is read. */
#define DT_FDTFILE_GUID                                                                            \
	{                                                                                          \
		0xe61d73b9, 0xa384, 0x4acc, { 0xae, 0xab, 0x82, 0xe8, 0x28, 0xf3, 0x62, 0x8b }     \
	}
#define DT_FDTFILE_VAR "FdtFile"

/* Fills buf (BOOT_DT_MAX_SIZE bytes, BOOT_DT_ALIGN aligned) with the entry's DT as above. */
int boot_dt_fill(struct kb_boot *b, const struct kb_entry *e, void *buf);

#endif
