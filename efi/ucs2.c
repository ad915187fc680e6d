#include "efi/ucs2.h"

#define ASCII_LIMIT 0x80

size_t ucs2_from_ascii(const char *s, CHAR16 *out, size_t n)
{
	size_t i;
	for (i = 0; s[i] && i + 1 < n; i++)
		out[i] = (unsigned char)s[i] < ASCII_LIMIT ? (unsigned char)s[i] : '?';
	out[i] = 0;
	return i;
}

bool ucs2_to_ascii(const CHAR16 *w, size_t max, char *out, size_t size)
{
	bool ascii = true;
	size_t i;
	for (i = 0; w && i < max && w[i] && i + 1 < size; i++) {
		if (w[i] >= ASCII_LIMIT)
			ascii = false;
		out[i] = w[i] < ASCII_LIMIT ? (char)w[i] : '?';
	}
	out[i] = 0;
	return ascii && (!w || i == max || !w[i]);
}
