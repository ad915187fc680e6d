/* SPDX-License-Identifier: BSD-2-Clause */
/* Booting a Unified Kernel Image natively: the file is read once into memory and, under
 * Secure Boot, verified as one PE before any section is trusted; then its `.linux` (an
 * Image or EFI zboot) goes through kaslboot's own kernel path and KASLR, `.ucode` and
 * `.initrd` become the initrd (in that order), and the command line is the UKI's
 * `.cmdline`, replaced by the entry's options (the editor's, or an `options` line) only
 * while Secure Boot is off, as systemd-stub 257 decides. Any failure returns before
 * ExitBootServices: the next entry is tried. */
#ifndef KASLBOOT_LOADER_BOOT_UKI_H
#define KASLBOOT_LOADER_BOOT_UKI_H

#include "loader/boot_state.h"
#include "loader/config.h"

/* e->linux_path names the UKI, e->profile the profile; e->options replace the .cmdline
 * unless e->options_implied (they are the UKI's own, shown in the menu). */
int boot_uki(struct kb_boot *b, const struct kb_entry *e);

/* A BLS `efi` entry (systemd 257): a UKI is booted as boot_uki does (the entry's options
 * under the same rule); any other EFI program is started through the firmware
 * (kb_platform.start_image: LoadImage verifies it under Secure Boot) with the options as
 * its LoadOptions. When it returns, the attempt counts as failed and the next entry runs. */
int boot_efi(struct kb_boot *b, const struct kb_entry *e);

#endif
