/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/cpio.h"

#include <stddef.h>
#include <string.h>

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"

/* newc header: the magic, then 13 fields of 8 hex digits (buffer-format.rst). */
#define CPIO_MAGIC "070701"
#define MAGIC_LEN  6u
#define FIELDS     13u
#define FIELD_LEN  8u
#define HEADER_LEN (MAGIC_LEN + FIELDS * FIELD_LEN)
#define CPIO_ALIGN 4u
/* The longest path a header names: a directory prefix and a file name of at most 255
 * characters (the stub skips longer names: Linux's NAME_MAX). */
#define CPIO_PATH_MAX 512u
/* Leading directories get this mode (pack_cpio_prefix). */
#define CPIO_PREFIX_MODE 0555u

/* systemd-stub's trailer, byte for byte: inode 0, nlink 1, a name size written "0000000B"
 * (upper case, unlike every other field), three NULs of padding and the string's own. */
static const char trailer[] = CPIO_MAGIC "00000000"
					 "00000000"
					 "00000000"
					 "00000000"
					 "00000001"
					 "00000000"
					 "00000000"
					 "00000000"
					 "00000000"
					 "00000000"
					 "00000000"
					 "0000000B"
					 "00000000"
					 "TRAILER!!!\0\0\0";

void cpio_init(struct cpio_writer *w, void *buf, uint64_t size)
{
	w->buf = buf;
	w->size = buf ? size : 0;
	w->used = 0;
	w->inode = 1;
}

/* Room for n more bytes (NULL when counting); KB_ERANGE when they do not fit. */
static int reserve(struct cpio_writer *w, uint64_t n, uint8_t **at)
{
	*at = NULL;
	if (n > UINT64_MAX - w->used)
		return log_error_ret(KB_ERANGE, "cpio: archive larger than 2^64 bytes");
	if (w->buf) {
		if (w->used + n > w->size)
			return log_error_ret(KB_ERANGE, "cpio: %lu bytes do not fit in %lu",
					     (unsigned long)(w->used + n), (unsigned long)w->size);
		*at = w->buf + w->used;
	}
	w->used += n;
	return 0;
}

static void put_word(uint8_t *p, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < FIELD_LEN; i++)
		p[FIELD_LEN - 1 - i] = (uint8_t)hex[(v >> (4 * i)) & 0xf];
}

/* Header, name (a, then '/' and b when b is given) and NUL, padded to 4. */
static int header(struct cpio_writer *w, uint32_t mode, uint64_t len, const char *a, const char *b)
{
	size_t la = strnlen(a, CPIO_PATH_MAX), lb = b ? strnlen(b, CPIO_PATH_MAX) : 0;
	size_t name = la + (b ? 1 + lb : 0) + 1;
	uint8_t *p;
	if (name > CPIO_PATH_MAX)
		return log_error_ret(KB_EINVAL, "cpio: %s%s%s: name too long", a, b ? "/" : "",
				     b ? b : "");
	if (len > UINT32_MAX)
		return log_error_ret(KB_ERANGE,
				     "cpio: %s: %lu bytes, more than a newc header "
				     "can say",
				     b ? b : a, (unsigned long)len);
	if (w->inode == UINT32_MAX)
		return log_error_ret(KB_ERANGE, "cpio: more than 2^32 - 1 inodes");
	if (w->used > UINT64_MAX - HEADER_LEN - CPIO_PATH_MAX - CPIO_ALIGN)
		return log_error_ret(KB_ERANGE, "cpio: archive larger than 2^64 bytes");
	uint64_t total = align_up(w->used + HEADER_LEN + name, CPIO_ALIGN) - w->used;
	int rc = reserve(w, total, &p);
	if (rc)
		return rc;
	uint32_t inode = w->inode++;
	if (!p)
		return 0;
	const uint32_t fields[FIELDS] = { inode, mode,           0, 0, 1, 0, (uint32_t)len, 0, 0, 0,
					  0,     (uint32_t)name, 0 };
	memset(p, 0, total);
	memcpy(p, CPIO_MAGIC, MAGIC_LEN);
	for (unsigned i = 0; i < FIELDS; i++)
		put_word(p + MAGIC_LEN + i * FIELD_LEN, fields[i]);
	memcpy(p + HEADER_LEN, a, la);
	if (b) {
		p[HEADER_LEN + la] = '/';
		memcpy(p + HEADER_LEN + la + 1, b, lb);
	}
	return 0;
}

int cpio_dir(struct cpio_writer *w, const char *path, uint32_t mode)
{
	return header(w, mode | CPIO_S_IFDIR, 0, path, NULL);
}

int cpio_prefix(struct cpio_writer *w, const char *path, uint32_t dir_mode)
{
	char lead[CPIO_PATH_MAX];
	size_t len = strnlen(path, CPIO_PATH_MAX);
	if (len == CPIO_PATH_MAX)
		return log_error_ret(KB_EINVAL, "cpio: directory name too long");
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/' || path[i - 1] == '/')
			continue;
		memcpy(lead, path, i);
		lead[i] = 0;
		int rc = cpio_dir(w, lead, CPIO_PREFIX_MODE);
		if (rc)
			return rc;
	}
	return cpio_dir(w, path, dir_mode);
}

int cpio_file(struct cpio_writer *w, const char *dir, const char *name, uint64_t len, uint32_t mode,
	      uint8_t **data)
{
	uint8_t *p;
	*data = NULL;
	/* header() refuses a len over 32 bits: the padding cannot overflow. */
	int rc = header(w, mode | CPIO_S_IFREG, len, dir, name);
	if (rc)
		return rc;
	uint64_t padded = align_up(len, CPIO_ALIGN);
	rc = reserve(w, padded, &p);
	if (rc || !p)
		return rc;
	memset(p + len, 0, padded - len);
	*data = p;
	return 0;
}

int cpio_trailer(struct cpio_writer *w)
{
	uint8_t *p;
	int rc = reserve(w, sizeof(trailer), &p);
	if (!rc && p)
		memcpy(p, trailer, sizeof(trailer));
	return rc;
}
