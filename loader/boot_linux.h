/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux chainload (booting.rst): kernel in a random slot, initrds concatenated in the
 * kernel's window, a DT with a fresh kaslr-seed and rng-seed plus the EFI handoff, then
 * ExitBootServices and the MMU-off entry. */
#ifndef KASLBOOT_LOADER_BOOT_LINUX_H
#define KASLBOOT_LOADER_BOOT_LINUX_H

#include "loader/boot_state.h"
#include "loader/config.h"

/* Boots entry e as a Linux arm64 Image. Returns only on failure, with every allocation of
 * the attempt freed and boot services still up. */
int boot_linux(struct kb_boot *b, const struct kb_entry *e);

#endif
