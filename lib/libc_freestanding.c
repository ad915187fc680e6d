/* SPDX-License-Identifier: BSD-2-Clause */
/* The few C library functions that the PE's own code, libfdt.a and zlib's inflate name
 * (`aarch64-linux-gnu-nm -u`): the PE runs freestanding under UEFI with no libc. memcpy
 * and memset move a word at a time when both ends allow it (the PE is built with
 * -mstrict-align: no unaligned access, the MMU may be off); the rest are plain loops. */
#include <stddef.h>
#include <stdint.h>

#include "lib/libc.h"
#include "lib/panic.h"

/* GCC may turn a copy or fill loop into a call to memcpy or memset (loop distribution),
 * which here would call itself. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

#define WORD sizeof(uint64_t)

/* Forward copy, a word at a time where both ends share their alignment; also right for
 * an overlapping move to a lower address (every word is read before it is written over,
 * and later reads are above what was written). */
NO_LIBCALL static void copy_forward(uint8_t *d, const uint8_t *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
		while (n && ((uintptr_t)d & (WORD - 1))) {
			*d++ = *s++;
			n--;
		}
		for (; n >= 4 * WORD; n -= 4 * WORD, d += 4 * WORD, s += 4 * WORD) {
			uint64_t a = ((const uint64_t *)s)[0], b = ((const uint64_t *)s)[1];
			uint64_t c = ((const uint64_t *)s)[2], e = ((const uint64_t *)s)[3];
			((uint64_t *)d)[0] = a;
			((uint64_t *)d)[1] = b;
			((uint64_t *)d)[2] = c;
			((uint64_t *)d)[3] = e;
		}
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(uint64_t *)d = *(const uint64_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

/* The same from the end down, for an overlapping move to a higher address. */
NO_LIBCALL static void copy_backward(uint8_t *d, const uint8_t *s, size_t n)
{
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & (WORD - 1)) == 0) {
		while (n && ((uintptr_t)d & (WORD - 1))) {
			*--d = *--s;
			n--;
		}
		for (; n >= 4 * WORD; n -= 4 * WORD) {
			d -= 4 * WORD;
			s -= 4 * WORD;
			uint64_t a = ((const uint64_t *)s)[3], b = ((const uint64_t *)s)[2];
			uint64_t c = ((const uint64_t *)s)[1], e = ((const uint64_t *)s)[0];
			((uint64_t *)d)[3] = a;
			((uint64_t *)d)[2] = b;
			((uint64_t *)d)[1] = c;
			((uint64_t *)d)[0] = e;
		}
		for (; n >= WORD; n -= WORD) {
			d -= WORD;
			s -= WORD;
			*(uint64_t *)d = *(const uint64_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t w = (uint8_t)c * 0x0101010101010101ULL;
	while (n && ((uintptr_t)d & (WORD - 1))) {
		*d++ = (uint8_t)c;
		n--;
	}
	for (; n >= 4 * WORD; n -= 4 * WORD, d += 4 * WORD) {
		((uint64_t *)d)[0] = w;
		((uint64_t *)d)[1] = w;
		((uint64_t *)d)[2] = w;
		((uint64_t *)d)[3] = w;
	}
	for (; n >= WORD; n -= WORD, d += WORD)
		*(uint64_t *)d = w;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

/* libfdt moves whole trees with it (fdt_open_into copies the firmware's 1 MiB blob, most
 * of it free space; every fdt_setprop shifts the rest of the tree): word-sized, both
 * directions. */
void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		copy_forward(d, s, n);
	else
		copy_backward(d, s, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const uint8_t *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (uint8_t)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* libfdt uses strtoul only for decimal/hex numbers in paths (fdt_path_offset's
 * "node@unit" handling does not call it; fdt_get_max_phandle-style helpers might). */
unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9') d = *s - '0';
		else if (*s >= 'a' && *s <= 'z') d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z') d = *s - 'A' + 10;
		else break;
		if (d >= base)
			break;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)s;
	return v;
}

/* zlib's zutil.o names malloc/free for its default allocator; kaslboot always passes its
 * own zalloc/zfree (formats/gzip.c), so these are never reached with real work. */
void *malloc(size_t n)
{
	(void)n;
	return NULL;
}

void free(void *p)
{
	(void)p;
}

/* Debian builds libfdt with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5a17b0075eedf00dULL;

void __stack_chk_fail(void)
{
	kaslboot_panic("stack protector: stack smashed");
}
