/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/fmt.c against glibc's vsnprintf, byte for byte: the input is read as a list of
 * conversions in the subset kaslboot supports (lib/fmt.h), each with literal text around
 * it, flags, width and precision (digits or '*'), a length modifier and a value, printed
 * into buffers of several sizes. Output, return value, truncation and the NUL must match,
 * and nothing past the buffer may be written. Only what C99 7.19.6.1 defines is generated:
 * '#' only with o/x/X, '0' not with c/s/p, no precision with c/p, no length with c/s/p,
 * %p only for non-NULL pointers (its form is implementation-defined: glibc and kfmt both
 * print 0x%x), %s only with a string. */
#include <inttypes.h>
#include <stdarg.h>

#include "fuzz.h"
#include "lib/fmt.h"

#define FMT_MAX       96   /* one format string */
#define OUT_MAX       512  /* the full output of one conversion always fits */
#define CANARY        0x5a
#define MAX_CONVS     16   /* conversions per input */
#define STR_MAX       48   /* bytes of a %s argument */
#define NUM_MAX       99   /* widths and precisions: two digits, or '*' in [-99, 99] */

enum arg_type {
	T_INT, T_UINT, T_LONG, T_ULONG, T_LLONG, T_ULLONG, T_SIZE, T_INTMAX, T_UINTMAX,
	T_PTRDIFF, T_STR, T_PTR,
};

/* Prints with both implementations into buffers of `size` bytes and compares. */
static void compare(size_t size, const char *fmt, ...)
{
	char want[OUT_MAX + 1], got[OUT_MAX + 1];
	va_list a, b;
	int wn, gn;

	memset(want, CANARY, sizeof(want));
	memset(got, CANARY, sizeof(got));
	va_start(a, fmt);
	va_copy(b, a);
	wn = vsnprintf(want, size, fmt, a);
	gn = kfmt_vsnprintf(got, size, fmt, b);
	va_end(b);
	va_end(a);
	FUZZ_CHECKF(wn == gn, "format \"%s\" size %zu: glibc returns %d, kfmt %d", fmt, size, wn, gn);
	FUZZ_CHECKF(memcmp(want, got, sizeof(want)) == 0,
		    "format \"%s\" size %zu: glibc \"%.*s\", kfmt \"%.*s\"", fmt, size,
		    (int)(size ? size - 1 : 0), want, (int)(size ? size - 1 : 0), got);
	FUZZ_CHECK(got[size] == (char)CANARY); /* nothing written past the buffer */
}

/* Calls compare() with the stars' ints first, then the value as its real type: every
 * argument is read back with the type it was passed as. */
#define CALL_T(size, fmt, nstar, s1, s2, T, v)                                                 \
	do {                                                                                   \
		if ((nstar) == 0)                                                              \
			compare(size, fmt, (T)(v));                                            \
		else if ((nstar) == 1)                                                         \
			compare(size, fmt, s1, (T)(v));                                        \
		else                                                                           \
			compare(size, fmt, s1, s2, (T)(v));                                    \
	} while (0)

static void call(size_t size, const char *fmt, int nstar, int s1, int s2, enum arg_type t,
		 uint64_t v, const char *str)
{
	switch (t) {
	case T_INT: CALL_T(size, fmt, nstar, s1, s2, int, (int64_t)v); break;
	case T_UINT: CALL_T(size, fmt, nstar, s1, s2, unsigned int, v); break;
	case T_LONG: CALL_T(size, fmt, nstar, s1, s2, long, (int64_t)v); break;
	case T_ULONG: CALL_T(size, fmt, nstar, s1, s2, unsigned long, v); break;
	case T_LLONG: CALL_T(size, fmt, nstar, s1, s2, long long, (int64_t)v); break;
	case T_ULLONG: CALL_T(size, fmt, nstar, s1, s2, unsigned long long, v); break;
	case T_SIZE: CALL_T(size, fmt, nstar, s1, s2, size_t, v); break;
	case T_INTMAX: CALL_T(size, fmt, nstar, s1, s2, intmax_t, (int64_t)v); break;
	case T_UINTMAX: CALL_T(size, fmt, nstar, s1, s2, uintmax_t, v); break;
	case T_PTRDIFF: CALL_T(size, fmt, nstar, s1, s2, ptrdiff_t, (int64_t)v); break;
	case T_STR: CALL_T(size, fmt, nstar, s1, s2, const char *, str); break;
	case T_PTR: CALL_T(size, fmt, nstar, s1, s2, void *, (uintptr_t)(v | 0x1000)); break;
	}
}

/* Literal text: printable ASCII and bytes >= 0x80, never '%' or NUL. */
static size_t literal(struct fuzz_in *in, char *out, size_t max)
{
	size_t n = fuzz_u8(in) % 4, i;

	for (i = 0; i < n && i < max; i++) {
		uint8_t c = fuzz_u8(in);
		out[i] = (char)(c < ' ' || c == '%' || c == 0x7f ? 'a' + c % 26 : c);
	}
	return i;
}

/* A '*' (its int argument goes to stars[]) or a literal number, appended to the format. */
static size_t number(struct fuzz_in *in, char *f, size_t n, bool star, int *stars, int *nstar)
{
	if (star) {
		stars[(*nstar)++] = (int)(fuzz_u8(in) % (2 * NUM_MAX + 1)) - NUM_MAX;
		f[n++] = '*';
	} else {
		n += (size_t)snprintf(f + n, 4, "%u", 1u + fuzz_u8(in) % NUM_MAX);
	}
	return n;
}

static void one_conversion(struct fuzz_in *in)
{
	static const char convs[] = "diuxXocsp";
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	static const enum arg_type signed_types[] = { T_INT, T_INT, T_INT, T_LONG, T_LLONG,
						      T_SIZE, T_INTMAX, T_PTRDIFF };
	static const enum arg_type unsigned_types[] = { T_UINT, T_UINT, T_UINT, T_ULONG,
							T_ULLONG, T_SIZE, T_UINTMAX, T_PTRDIFF };
	char f[FMT_MAX], str[STR_MAX + 1];
	uint8_t sel = fuzz_u8(in), flags = fuzz_u8(in), wp = fuzz_u8(in), lensel = fuzz_u8(in);
	char conv = convs[sel % (sizeof(convs) - 1)];
	int stars[2] = { 0, 0 }, nstar = 0;
	enum arg_type t;
	size_t n = 0, got, i;
	uint64_t v = fuzz_u64(in);
	const uint8_t *sb;

	n += literal(in, f + n, 8);
	f[n++] = '%';
	if (sel >= 0xf8) { /* a plain "%%" now and then */
		f[n++] = '%';
		n += literal(in, f + n, 8);
		f[n] = '\0';
		compare(OUT_MAX, f);
		compare(fuzz_u8(in) % 16, f);
		return;
	}
	if (flags & 1)
		f[n++] = '-';
	if ((flags & 2) && !strchr("csp", conv))
		f[n++] = '0';
	if ((flags & 4) && !strchr("p", conv))
		f[n++] = '+';
	if ((flags & 8) && !strchr("p", conv))
		f[n++] = ' ';
	if ((flags & 16) && strchr("oxX", conv))
		f[n++] = '#';
	if (wp & 3)
		n = number(in, f, n, (wp & 3) == 3, stars, &nstar);
	if (((wp >> 2) & 3) && !strchr("cp", conv)) {
		f[n++] = '.';
		if (((wp >> 2) & 3) >= 2)
			n = number(in, f, n, ((wp >> 2) & 3) == 3, stars, &nstar);
	}
	if (strchr("diuxXo", conv)) {
		size_t l = lensel % 8;
		memcpy(f + n, lens[l], strlen(lens[l]));
		n += strlen(lens[l]);
		t = strchr("di", conv) ? signed_types[l] : unsigned_types[l];
	} else {
		t = conv == 's' ? T_STR : conv == 'p' ? T_PTR : T_INT;
	}
	f[n++] = conv;
	n += literal(in, f + n, 8);
	f[n] = '\0';

	/* %s: a string from the input, NUL-free, NUL-terminated. */
	sb = fuzz_take(in, fuzz_u8(in) % (STR_MAX + 1), &got);
	for (i = 0; i < got; i++)
		str[i] = sb[i] ? (char)sb[i] : 'z';
	str[got] = '\0';

	/* The whole output, then cut at a size from the input (0 included). */
	call(OUT_MAX, f, nstar, stars[0], stars[1], t, v, str);
	call(fuzz_u8(in) % 64, f, nstar, stars[0], stars[1], t, v, str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	for (int i = 0; i < MAX_CONVS && in.n; i++)
		one_conversion(&in);
	return 0;
}
