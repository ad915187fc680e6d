/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/mem_files.h"

#include <string.h>

#include "lib/err.h"

/* The view's state is static, like loader/firmware_time.c's: the copied table keeps the
 * inner ctx, which the overrides below hand on for the names they do not serve. */
struct mem_file {
	const char *name;
	const uint8_t *data;
	uint64_t len;
};

static struct {
	const struct kb_platform *inner;
	struct kb_platform view;
	struct mem_file files[MEM_FILES_MAX];
	unsigned n;
} mf;

static struct mem_file *ours(const void *fh)
{
	const struct mem_file *f = fh;
	return f >= mf.files && f < mf.files + mf.n ? (struct mem_file *)f : NULL;
}

static int m_file_open(void *ctx, const char *path, void **fh, uint64_t *size)
{
	for (unsigned i = 0; i < mf.n; i++)
		if (!strcmp(mf.files[i].name, path)) {
			*fh = &mf.files[i];
			*size = mf.files[i].len;
			return 0;
		}
	return mf.inner->file_open(ctx, path, fh, size);
}

static int m_file_read(void *ctx, void *fh, uint64_t offset, void *buf, uint64_t size)
{
	const struct mem_file *f = ours(fh);
	if (!f)
		return mf.inner->file_read(ctx, fh, offset, buf, size);
	if (offset > f->len || size > f->len - offset)
		return KB_ERANGE;
	memcpy(buf, f->data + offset, size);
	return 0;
}

static void m_file_close(void *ctx, void *fh)
{
	if (!ours(fh))
		mf.inner->file_close(ctx, fh);
}

const struct kb_platform *mem_files_wrap(const struct kb_platform *inner)
{
	mf.inner = inner;
	mf.view = *inner;
	mf.view.file_open = m_file_open;
	mf.view.file_read = m_file_read;
	mf.view.file_close = m_file_close;
	mf.n = 0;
	return &mf.view;
}

int mem_files_add(const char *name, const void *data, uint64_t len)
{
	if (mf.n == MEM_FILES_MAX)
		return KB_ENOMEM;
	mf.files[mf.n++] = (struct mem_file){ name, data, len };
	return 0;
}
