/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel command line helpers. The word splitting follows Linux's lib/cmdline.c next_arg()
 * and kernel/params.c parse_args(), which is how the kernel itself reads its parameters. */
#include <string.h>

#include "lib/err.h"
#include "loader/config.h"

#define CMDLINE_QUOTE '"'

/* Linux splits on its own isspace(): space, \t, \n, \v, \f, \r, and 0xa0, which lib/ctype.c
 * classes as a space (Latin-1 NBSP), so the byte 0xa0 inside a UTF-8 sequence ends a word
 * for the kernel. */
#define LINUX_CTYPE_NBSP 0xa0
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (unsigned char)c == LINUX_CTYPE_NBSP;
}

static bool span_eq(const char *s, size_t n, const char *t, size_t m)
{
	return n == m && memcmp(s, t, m) == 0;
}

/* One parameter as Linux sees it: name before the first '=', value after, quotes removed. */
struct cmdline_param {
	const char *name;
	size_t name_len;
	const char *value;  /* NULL without '=' */
	size_t value_len;
};

static void split_param(const char *w, size_t n, struct cmdline_param *prm)
{
	bool quoted = false;

	if (n > 0 && w[0] == CMDLINE_QUOTE) {
		quoted = true;
		w++;
		n--;
	}
	const char *eq = memchr(w, '=', n);
	prm->name = w;
	prm->name_len = eq ? (size_t)(eq - w) : n;
	prm->value = NULL;
	prm->value_len = 0;
	if (!eq) {
		if (quoted && prm->name_len > 0 && w[prm->name_len - 1] == CMDLINE_QUOTE)
			prm->name_len--;
		return;
	}
	const char *v = eq + 1;
	size_t vn = n - prm->name_len - 1;
	if (quoted && vn > 0 && v[vn - 1] == CMDLINE_QUOTE) {
		vn--;
		quoted = false; /* the closing quote is used up */
	}
	if (vn > 0 && v[0] == CMDLINE_QUOTE) {
		v++;
		vn--;
		if (vn > 0 && v[vn - 1] == CMDLINE_QUOTE)
			vn--;
	}
	prm->value = v;
	prm->value_len = vn;
}

bool cmdline_has_option(const char *cmdline, const char *opt)
{
	struct cmdline_param want, got;
	const char *p = cmdline ? cmdline : "";
	size_t opt_len = strlen(opt);

	if (opt_len == 0)
		return false;
	split_param(opt, opt_len, &want);
	while (*p) {
		bool in_quote = false;

		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && (in_quote || !is_space(*p))) {
			if (*p == CMDLINE_QUOTE)
				in_quote = !in_quote;
			p++;
		}
		size_t n = (size_t)(p - w);
		if (n == 0)
			break;
		split_param(w, n, &got);
		/* parse_args(): a bare "--" ends the kernel's parameters; the rest is init's. */
		if (!got.value && span_eq(got.name, got.name_len, "--", 2))
			return false;
		if (!span_eq(got.name, got.name_len, want.name, want.name_len))
			continue;
		if (!want.value)
			return true;
		if (got.value && span_eq(got.value, got.value_len, want.value, want.value_len))
			return true;
	}
	return false;
}

int cmdline_append(char *buf, size_t size, const char *words)
{
	size_t cur = strnlen(buf, size), add = strlen(words);
	size_t sep = (cur > 0 && add > 0) ? 1 : 0;

	if (cur == size || add > size - cur - 1 || sep + add > size - cur - 1)
		return KB_ENOMEM;
	if (sep)
		buf[cur++] = ' ';
	memcpy(buf + cur, words, add + 1);
	return KB_OK;
}

/* shall_be_whitespace (systemd src/boot/util.c): control characters, space and DEL. */
#define CMDLINE_SPACE_MAX 0x20
#define CMDLINE_DEL       0x7f

static bool stub_space(char c)
{
	return (unsigned char)c <= CMDLINE_SPACE_MAX || (unsigned char)c == CMDLINE_DEL;
}

void uki_cmdline_mangle(char *s)
{
	const char *p = s;
	char *q = s, *end = s;
	while (*p && stub_space(*p))
		p++;
	for (; *p; p++) {
		*q++ = stub_space(*p) ? ' ' : *p;
		if (!stub_space(*p))
			end = q;
	}
	*end = 0;
}
