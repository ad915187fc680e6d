/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/smbios.h"

#include <string.h>

const char *smbios_string(const uint8_t *rec, size_t max, uint8_t n, size_t *len)
{
	if (!n || max < SMBIOS_HEADER_LEN || rec[SMBIOS_OFF_LENGTH] < SMBIOS_HEADER_LEN ||
	    rec[SMBIOS_OFF_LENGTH] >= max)
		return NULL;
	size_t at = rec[SMBIOS_OFF_LENGTH];
	for (uint8_t i = 1;; i++) {
		const uint8_t *end = memchr(rec + at, 0, max - at);
		if (!end || end == rec + at)
			return NULL; /* runs past max, or the empty string that ends the set */
		if (i == n) {
			*len = (size_t)(end - (rec + at));
			return (const char *)rec + at;
		}
		at = (size_t)(end - rec) + 1;
		if (at >= max)
			return NULL;
	}
}
