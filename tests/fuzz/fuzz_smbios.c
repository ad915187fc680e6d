/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/smbios.c's string lookup and loader/vamap.c's decision on one SMBIOS structure
 * as firmware memory holds it: the input is the structure, readable exactly up to its
 * end. Every string found must lie inside the input, end at a NUL it does not contain, and
 * be the n-th of the set counted by a plain reference walk. */
#include "formats/smbios.h"
#include "fuzz.h"
#include "loader/platform.h"
#include "loader/vamap.h"

/* The reference: the n-th string by walking the set from the formatted area's end. */
FUZZ_REFERENCE static const uint8_t *nth(const uint8_t *rec, size_t size, unsigned n)
{
	size_t at = rec[SMBIOS_OFF_LENGTH];
	for (unsigned i = 1; at < size; i++) {
		size_t len = 0;
		while (at + len < size && rec[at + len])
			len++;
		if (at + len >= size || !len)
			return NULL;
		if (i == n)
			return rec + at;
		at += len + 1;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_log_reset();
	for (unsigned n = 0; n < 256; n++) {
		size_t len = 0;
		const char *s = smbios_string(data, size, (uint8_t)n, &len);
		if (!s) {
			FUZZ_CHECKF(!n || size < SMBIOS_HEADER_LEN ||
					    data[SMBIOS_OFF_LENGTH] < SMBIOS_HEADER_LEN ||
					    !nth(data, size, n),
				    "string %u missed", n);
			continue;
		}
		FUZZ_CHECK(n && size >= SMBIOS_HEADER_LEN);
		FUZZ_CHECK((const uint8_t *)s >= data + data[SMBIOS_OFF_LENGTH]);
		FUZZ_CHECK((const uint8_t *)s + len < data + size);
		FUZZ_CHECK(len > 0 && s[len] == 0 && !memchr(s, 0, len));
		FUZZ_CHECKF((const uint8_t *)s == nth(data, size, n), "string %u", n);
	}
	struct kb_firmware fw;
	memset(&fw, 0, sizeof(fw));
	fw.smbios_type4 = size ? data : NULL;
	fw.smbios_type4_max = size;
	(void)vamap_needed(&fw);
	FUZZ_CHECK(fuzz_errors == 0);
	return 0;
}
