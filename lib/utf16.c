/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/utf16.h"

/* RFC 3629 section 3: lead-byte classes and the smallest value each length may encode. */
#define UTF8_CONT_MASK 0xc0
#define UTF8_CONT      0x80
#define SURROGATE_LO   0xd800
#define SURROGATE_HI   0xdfff
#define BMP_LIMIT      0x10000

/* One code point from s; *len gets its byte length. -1 for an invalid sequence. */
static long utf8_decode(const unsigned char *s, size_t *len)
{
	unsigned n;
	uint32_t cp, min;
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & UTF8_CONT_MASK) != UTF8_CONT) /* also stops at the NUL */
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= SURROGATE_LO && cp <= SURROGATE_HI))
		return -1;
	*len = n;
	return (long)cp;
}

long utf16_from_utf8(const char *s, uint16_t *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	if (!n)
		return -1;
	while (*p) {
		size_t len;
		long cp = utf8_decode(p, &len);
		if (cp < 0 || cp >= BMP_LIMIT || i + 1 >= n) {
			out[0] = 0;
			return -1;
		}
		out[i++] = (uint16_t)cp;
		p += len;
	}
	out[i] = 0;
	return (long)i;
}

bool utf16_to_utf8(const uint16_t *w, size_t max, char *out, size_t size)
{
	size_t o = 0;
	bool ok = true;
	size_t i;
	if (!size)
		return false;
	for (i = 0; w && i < max && w[i]; i++) {
		uint32_t c = w[i];
		unsigned char b[3];
		size_t len;
		if (c >= SURROGATE_LO && c <= SURROGATE_HI) {
			c = '?';
			ok = false;
		}
		if (c < 0x80) {
			b[0] = (unsigned char)c, len = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xc0 | c >> 6);
			b[1] = (unsigned char)(0x80 | (c & 0x3f));
			len = 2;
		} else {
			b[0] = (unsigned char)(0xe0 | c >> 12);
			b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (c & 0x3f));
			len = 3;
		}
		if (o + len + 1 > size) {
			ok = false;
			break;
		}
		for (size_t k = 0; k < len; k++)
			out[o++] = (char)b[k];
	}
	out[o] = 0;
	return ok;
}
