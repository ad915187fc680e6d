/* SPDX-License-Identifier: BSD-2-Clause */
/* Where the rest of systemd-stub's duties plug into a native UKI boot (issue 21): the PCR
 * 11/12/13 measurements, the Stub* EFI variables, addons and the cpio packing of
 * credentials and system extensions. loader/boot_uki.c calls uki_hooks_prepared once the
 * file is verified and the profile's sections, the .dtbauto and the command line are
 * chosen, before the kernel is placed; a failure there falls back to the next entry. */
#ifndef KASLBOOT_LOADER_UKI_HOOKS_H
#define KASLBOOT_LOADER_UKI_HOOKS_H

#include <stdint.h>

#include "formats/pe_sections.h"
#include "formats/uki.h"
#include "loader/boot_state.h"

struct uki_loaded {
	const char *path;    /* the UKI on the ESP ("/EFI/Linux/debian.efi") */
	const uint8_t *file; /* all of it, as read once and verified */
	uint64_t size;
	unsigned profile;
	/* The sections booted, in the order of the file, the profile's over the base's and
	 * only the matched .dtbauto: pe_table_get(table, sections[i].index) gives each one's
	 * offset in file, its bytes in the file (size) and VirtualSize (vsize). */
	const struct pe_table *table;
	struct uki_section_ref sections[UKI_SECTION_COUNT];
	unsigned n_sections;
	unsigned dtbauto;    /* table index of the matched .dtbauto, or UKI_NO_SECTION */
	const char *cmdline; /* what Linux gets as bootargs */
};

/* 0, or a negative kb_err (logged) that makes this attempt fail. */
int uki_hooks_prepared(struct kb_boot *b, const struct uki_loaded *u);

#endif
