/* SPDX-License-Identifier: BSD-2-Clause */
/* The image's own relocation, in place of gnu-efi's _relocate(): the PE carries no
 * base-relocation directory (the firmware loads it anywhere and relocates nothing), and
 * instead of the linker's 24-byte RELA entries it carries the places in RELR form (the
 * gABI's SHT_RELR encoding, written by scripts/pe-pack.py, which also stored each place's
 * link-time value there). This runs before relocation: it must read no pointer from data
 * and touch no global, so the table and base come in as arguments. */
#include "efi/self_relocate.h"

/* RELR: an even word is a place's address (its low bit clear), an odd word a bitmap of the
 * 63 places that follow the last one handled (bit 0 marks the word as a bitmap). */
#define RELR_IS_BITMAP 1u
#define RELR_BITMAP_PLACES 63

void self_relocate(uint64_t image_base, const uint64_t *relr)
{
	uint64_t *where = 0;

	for (; *relr; relr++) {
		uint64_t word = *relr;

		if (!(word & RELR_IS_BITMAP)) {
			where = (uint64_t *)(image_base + word);
			*where++ += image_base;
			continue;
		}
		for (unsigned int i = 0; (word >>= 1) != 0; i++)
			if (word & 1)
				where[i] += image_base;
		where += RELR_BITMAP_PLACES;
	}
}
