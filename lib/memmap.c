/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/memmap.h"

#include <string.h>

static uint64_t field(const uint8_t *d, size_t off, size_t len)
{
	uint64_t v = 0;
	memcpy(&v, d + off, len);   /* little-endian, as the firmware wrote it */
	return v;
}

bool memmap_from_uefi(const void *buf, uint64_t size, uint64_t desc_size,
		      struct memmap_entry *out, size_t cap, struct memmap *m)
{
	size_t n = 0;
	if (desc_size < UEFI_DESC_MIN_SIZE)
		return false;
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		const uint8_t *d = (const uint8_t *)buf + off;
		if (n == cap)
			return false;
		out[n].type = (uint32_t)field(d, UEFI_DESC_OFF_TYPE, 4);
		out[n].phys = field(d, UEFI_DESC_OFF_PHYS, 8);
		out[n].pages = field(d, UEFI_DESC_OFF_PAGES, 8);
		out[n].attr = field(d, UEFI_DESC_OFF_ATTR, 8);
		n++;
	}
	m->entries = out;
	m->count = n;
	return true;
}
