/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers for the SHA-256 / DRBG / entropy / KASLR tests: a deterministic non-crypto
 * generator for test inputs and hex decoding (log capture is in log_capture.h). A header of
 * static functions (not a .c helper) so it is not linked into other people's tests. */
#ifndef KASLBOOT_TEST_ENTROPY_TESTUTIL_H
#define KASLBOOT_TEST_ENTROPY_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* xorshift64* (Vigna): reproducible test inputs, never used by the code under test. */
static inline uint64_t tu_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static inline void tu_fill(uint64_t *s, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n--)
		*p++ = (uint8_t)(tu_rand(s) >> 56);
}

/* Decodes hex digits, skipping spaces/colons/newlines; returns the byte count. */
static inline size_t tu_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;
		char c = *hex;
		if (c >= '0' && c <= '9') v = c - '0';
		else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
		else continue;
		if (hi < 0) {
			hi = v;
		} else {
			if (n < max)
				out[n] = (uint8_t)(hi << 4 | v);
			n++;
			hi = -1;
		}
	}
	return n;
}

static inline int tu_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n--)
		if (*b++)
			return 0;
	return 1;
}

#endif
