/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters the full output has, written or not */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
};

/* Emits an already-converted digit string with sign/prefix, precision and width applied,
 * in the order C99 7.19.6.1 gives: sign, prefix, zeros, digits, or spaces around. */
static void emit_number(struct out *o, const struct spec *s, const char *digits, int ndig,
			const char *prefix)
{
	int plen = (int)strlen(prefix);
	int zeros = s->prec > ndig ? s->prec - ndig : 0;
	int body = plen + zeros + ndig;
	int fill = s->width > body ? s->width - body : 0;

	if (!s->left && !(s->zero && s->prec < 0))
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!s->left && s->zero && s->prec < 0)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	for (int i = 0; i < ndig; i++)
		put(o, digits[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static void fmt_unsigned(struct out *o, const struct spec *s, uintmax_t v, unsigned base,
			 bool upper, bool negative, bool is_signed)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[64];
	int n = 0;
	char prefix[3] = "";

	while (v) {
		tmp[n++] = set[v % base];
		v /= base;
	}
	if (n == 0 && s->prec != 0)
		tmp[n++] = '0';
	if (base == 8 && s->alt && (n == 0 || tmp[n - 1] != '0'))
		tmp[n++] = '0';
	for (int i = 0; i < n / 2; i++) {
		char c = tmp[i];
		tmp[i] = tmp[n - 1 - i];
		tmp[n - 1 - i] = c;
	}
	if (is_signed) {
		if (negative)
			prefix[0] = '-';
		else if (s->plus)
			prefix[0] = '+';
		else if (s->space)
			prefix[0] = ' ';
	} else if (base == 16 && s->alt && !(n == 1 && tmp[0] == '0') && n > 0) {
		prefix[0] = '0';
		prefix[1] = upper ? 'X' : 'x';
	}
	emit_number(o, s, tmp, n, prefix);
}

int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		struct spec s = { .prec = -1 };
		for (;; p++) {
			char f = p[1];
			if (f == '-') s.left = true;
			else if (f == '0') s.zero = true;
			else if (f == '+') s.plus = true;
			else if (f == ' ') s.space = true;
			else if (f == '#') s.alt = true;
			else break;
		}
		p++;
		if (*p == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = true;
				s.width = -s.width;
			}
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				s.width = s.width * 10 + (*p++ - '0');
		}
		if (*p == '.') {
			p++;
			s.prec = 0;
			if (*p == '*') {
				s.prec = va_arg(ap, int);
				if (s.prec < 0)
					s.prec = -1;
				p++;
			} else {
				while (*p >= '0' && *p <= '9')
					s.prec = s.prec * 10 + (*p++ - '0');
			}
		}
		/* length: 0 int, 1 long, 2 long long, 3 size_t, 4 intmax, 5 ptrdiff, -1 short, -2 char */
		int len = 0;
		if (*p == 'h') { len = -1; p++; if (*p == 'h') { len = -2; p++; } }
		else if (*p == 'l') { len = 1; p++; if (*p == 'l') { len = 2; p++; } }
		else if (*p == 'z') { len = 3; p++; }
		else if (*p == 'j') { len = 4; p++; }
		else if (*p == 't') { len = 5; p++; }

		switch (*p) {
		case 'd':
		case 'i': {
			intmax_t v;
			switch (len) {
			case 1: v = va_arg(ap, long); break;
			case 2: v = va_arg(ap, long long); break;
			case 3: v = (intmax_t)va_arg(ap, size_t); break;
			case 4: v = va_arg(ap, intmax_t); break;
			case 5: v = va_arg(ap, ptrdiff_t); break;
			case -1: v = (short)va_arg(ap, int); break;
			case -2: v = (signed char)va_arg(ap, int); break;
			default: v = va_arg(ap, int); break;
			}
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			fmt_unsigned(&o, &s, mag, 10, false, v < 0, true);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uintmax_t v;
			switch (len) {
			case 1: v = va_arg(ap, unsigned long); break;
			case 2: v = va_arg(ap, unsigned long long); break;
			case 3: v = va_arg(ap, size_t); break;
			case 4: v = va_arg(ap, uintmax_t); break;
			case 5: v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
			case -1: v = (unsigned short)va_arg(ap, unsigned int); break;
			case -2: v = (unsigned char)va_arg(ap, unsigned int); break;
			default: v = va_arg(ap, unsigned int); break;
			}
			unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
			fmt_unsigned(&o, &s, v, base, *p == 'X', false, false);
			break;
		}
		case 'p': {
			struct spec ps = s;
			ps.alt = true;
			fmt_unsigned(&o, &ps, (uintptr_t)va_arg(ap, void *), 16, false, false, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			int fill = s.width > 1 ? s.width - 1 : 0;
			if (!s.left)
				pad(&o, ' ', fill);
			put(&o, c);
			if (s.left)
				pad(&o, ' ', fill);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			int n = 0;
			while ((s.prec < 0 || n < s.prec) && str[n]) /* no read past prec: C11 7.21.6.1p8 */
				n++;
			int fill = s.width > n ? s.width - n : 0;
			if (!s.left)
				pad(&o, ' ', fill);
			for (int i = 0; i < n; i++)
				put(&o, str[i]);
			if (s.left)
				pad(&o, ' ', fill);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			p--; /* a lone '%' at the end: stop at the NUL */
			break;
		default: /* unknown conversion: print it as written */
			put(&o, '%');
			put(&o, *p);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kfmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void kfmt_append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	if (!size || *len >= size - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = kfmt_vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size - 1 ? *len + (size_t)n : size - 1;
}
