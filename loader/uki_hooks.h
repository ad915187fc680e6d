/* SPDX-License-Identifier: BSD-2-Clause */
/* Where the rest of systemd-stub's duties plug into a native UKI boot (issue 21): the PCR
 * 11/12/13 measurements in docs/uki-measurements.md's order, the Stub* EFI variables,
 * addons and the cpio packing of credentials and system extensions. loader/boot_uki.c
 * calls uki_hooks_prepared once the file is verified and the profile's sections, the
 * .dtbauto and the command line are chosen, before the kernel is placed; a failure there
 * falls back to the next entry. */
#ifndef KASLBOOT_LOADER_UKI_HOOKS_H
#define KASLBOOT_LOADER_UKI_HOOKS_H

#include <stdbool.h>
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
	unsigned dtbauto; /* table index of the matched .dtbauto, or UKI_NO_SECTION */
	/* What boot_linux boots: its options are Linux's bootargs (the addons' .cmdline is
	 * appended there), its initrds get the generated archives and the addons'. */
	struct kb_entry *entry;
	/* The options systemd-boot would pass to the stub (the entry's own, "" when
	 * implied), and whether they replaced .cmdline (Secure Boot off). */
	const char *loader_options;
	bool cmdline_replaced;
	/* entry->options' buffer (cmdline_size bytes), which the addons' .cmdline joins. */
	char *cmdline;
	size_t cmdline_size;
};

/* Measures, packs, selects addons and sets the Stub* variables. 0, or a negative kb_err
 * (logged) that makes this attempt fail. */
int uki_hooks_prepared(struct kb_boot *b, struct uki_loaded *u);
/* Frees what uki_hooks_prepared holds for the kernel's loaders (the archives, the addon
 * files), after an attempt that did not enter the kernel. */
void uki_hooks_release(struct kb_boot *b);

#endif
