/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/config_text.h"

#include <string.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"

/* UTF-8 (RFC 3629 section 4): lead byte ranges and the allowed range of the byte after it. */
#define UTF8_CONT_MIN 0x80
#define UTF8_CONT_MAX 0xbf
#define ASCII_DEL     0x7f
#define ASCII_SPACE   0x20

void config_reader_init(struct config_reader *r, const char *prefix, const char *name,
			const char *text, size_t len)
{
	kfmt_snprintf(r->file, sizeof(r->file), "%s%s", prefix, name);
	r->text = text;
	r->len = text ? len : 0;
	r->pos = 0;
	r->line_no = 0;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool in_range(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

size_t config_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = UTF8_CONT_MIN, hi = UTF8_CONT_MAX; /* range of the 2nd byte */
	size_t len;

	if (c < 0x80)
		return 1;
	if (in_range(c, 0xc2, 0xdf)) {
		len = 2;
	} else if (in_range(c, 0xe0, 0xef)) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;        /* no overlong 3-byte forms */
		else if (c == 0xed)
			hi = 0x9f;        /* no UTF-16 surrogates D800..DFFF */
	} else if (in_range(c, 0xf0, 0xf4)) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;        /* no overlong 4-byte forms */
		else if (c == 0xf4)
			hi = 0x8f;        /* nothing above U+10FFFF */
	} else {
		return 0;                 /* continuation byte, C0, C1, F5..FF */
	}
	if (n < len || !in_range(s[1], lo, hi))
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!in_range(s[i], UTF8_CONT_MIN, UTF8_CONT_MAX))
			return 0;
	return len;
}

/* One clear error per bad line: the first offending byte, with its column. */
static int check_line_bytes(const struct config_reader *r, const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;

	for (size_t i = 0; i < len;) {
		if (s[i] == 0)
			return log_error_ret(KB_EINVAL, "%s:%u: NUL byte at column %zu", r->file,
					     r->line_no, i + 1);
		if ((s[i] < ASCII_SPACE && s[i] != '\t') || s[i] == ASCII_DEL)
			return log_error_ret(KB_EINVAL,
					     "%s:%u: control character 0x%02x at column %zu",
					     r->file, r->line_no, s[i], i + 1);
		size_t n = config_utf8_seq_len(s + i, len - i);
		if (n == 0)
			return log_error_ret(KB_EINVAL, "%s:%u: invalid UTF-8 at column %zu",
					     r->file, r->line_no, i + 1);
		i += n;
	}
	return KB_OK;
}

int config_reader_next(struct config_reader *r, struct config_line *out)
{
	while (r->pos < r->len) {
		const char *line = r->text + r->pos;
		size_t avail = r->len - r->pos;
		const char *nl = memchr(line, '\n', avail);
		size_t len = nl ? (size_t)(nl - line) : avail;
		int err;

		r->pos += nl ? len + 1 : len;
		r->line_no++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		err = check_line_bytes(r, line, len);
		if (err)
			return err;

		while (len > 0 && is_blank(line[0])) {
			line++;
			len--;
		}
		while (len > 0 && is_blank(line[len - 1]))
			len--;
		if (len == 0 || line[0] == '#')
			continue;

		size_t key_len = 0;
		while (key_len < len && !is_blank(line[key_len]))
			key_len++;
		size_t v = key_len;
		while (v < len && is_blank(line[v]))
			v++;
		out->key = line;
		out->key_len = key_len;
		out->value = line + v;
		out->value_len = len - v;
		if (out->value_len == 0)
			return log_error_ret(KB_EINVAL, "%s:%u: '%.*s' has no value", r->file,
					     r->line_no, (int)key_len, line);
		return 1;
	}
	return 0;
}

static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

bool config_key_is(const struct config_line *line, const char *key)
{
	return span_is(line->key, line->key_len, key);
}

bool config_value_is(const struct config_line *line, const char *word)
{
	return span_is(line->value, line->value_len, word);
}

int config_value_copy(const struct config_reader *r, const struct config_line *line,
		      char *dst, size_t size)
{
	if (line->value_len >= size)
		return log_error_ret(KB_ERANGE,
				     "%s:%u: value of '%.*s' is too long (%zu bytes, at most %zu)",
				     r->file, r->line_no, (int)line->key_len, line->key,
				     line->value_len, size - 1);
	memcpy(dst, line->value, line->value_len);
	dst[line->value_len] = '\0';
	return KB_OK;
}

int config_path_copy(const struct config_reader *r, const struct config_line *line,
		     char *dst, size_t size)
{
	const char *v = line->value;
	size_t n = line->value_len;

	/* BLS: "Paths should be normalized, i.e. not include ..": a ".." could also climb
	 * out of a directory a signed entry was meant to stay in. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j] != '/' && v[j] != '\\')
			j++;
		if (j - i == 2 && v[i] == '.' && v[i + 1] == '.')
			return log_error_ret(KB_EINVAL, "%s:%u: path '%.*s' has a '..' component",
					     r->file, r->line_no, (int)n, v);
		i = j + 1;
	}
	return config_value_copy(r, line, dst, size);
}
