/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot Loader Specification Type #2 entries: every \EFI\Linux\*.efi (not "auto-*", not a
 * dot file) that has an `.osrel` is an entry, one per profile, as systemd-boot 257 makes
 * them (src/boot/boot.c boot_entry_add_type2): id the file name in lower case without its
 * boot counter ("debian.efi"), "<id>@<.profile ID>" or "<id>@N" for profile N > 0; title,
 * version and sort key from `.osrel` (bootspec_pick_name_version_sort_key), the profile's
 * TITLE or ID added to the title; `.cmdline` shown as the options. Only the headers and
 * those three small sections are read here; a boot reads (and verifies) the whole file. */
#ifndef KASLBOOT_LOADER_UKI_ENTRY_H
#define KASLBOOT_LOADER_UKI_ENTRY_H

#include <stdbool.h>

#include "loader/config.h"
#include "loader/platform.h"

#define UKI_ENTRIES_DIR "/EFI/Linux"

/* True for a name systemd-boot 257 considers in \EFI\Linux: ends in ".efi" (any case),
 * does not begin with "auto-" (any case) or '.'. */
bool uki_is_entry_file_name(const char *name);

/* The i-th entry past those the caller has (room made for it, and KB_CMDLINE_MAX bytes
 * in the string arena for its options), or NULL when there is no memory for it. The caller
 * counts the entries in only after uki_entries_from_file. */
typedef struct kb_entry *(*uki_entry_slot_fn)(void *ctx, unsigned i);

/* Fills the entries of \EFI\Linux\<name> through slot, their options copied into strings
 * (a .cmdline it has no room for is not shown): 0 and the number filled in *added, or
 * a negative kb_err after one line naming the file (a file that is not a UKI for arm64, a
 * section past its end, an unreadable file); KB_ENOMEM when slot gave out. A file without
 * `.osrel` in any profile adds nothing and is not an error. */
int uki_entries_from_file(const struct kb_platform *pf, const char *name, uki_entry_slot_fn slot,
			  void *ctx, struct str_arena *strings, unsigned *added);

#endif
