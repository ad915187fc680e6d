/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/file_load.h"

#include "lib/err.h"
#include "lib/log.h"

int kb_file_open(const struct kb_platform *pf, const char *path, void **fh, uint64_t *size)
{
	int rc = pf->file_open(pf->ctx, path, fh, size);
	if (rc == KB_ENOENT)
		log_error("%s: no such file", path);
	else if (rc == KB_EINVAL)
		log_error("%s: is a directory, not a file", path);
	return rc;
}

int kb_file_load_open(const struct kb_platform *pf, const char *path, void *fh, uint64_t max,
		      void **buf, uint64_t size)
{
	if (size > max)
		return log_error_ret(KB_ERANGE,
				     "%s: %lu bytes, more than the %lu this file may have", path,
				     (unsigned long)size, (unsigned long)max);
	*buf = pf->pool_alloc(pf->ctx, size ? (size_t)size : 1);
	if (!*buf)
		return log_error_ret(KB_ENOMEM, "%s: no memory for %lu bytes", path,
				     (unsigned long)size);
	int rc = pf->file_read(pf->ctx, fh, 0, *buf, size);
	if (rc) {
		pf->pool_free(pf->ctx, *buf);
		*buf = NULL;
	}
	return rc;
}

int kb_file_load(const struct kb_platform *pf, const char *path, uint64_t max, void **buf,
		 uint64_t *size)
{
	void *fh;
	*buf = NULL;
	int rc = kb_file_open(pf, path, &fh, size);
	if (rc)
		return rc;
	rc = kb_file_load_open(pf, path, fh, max, buf, *size);
	pf->file_close(pf->ctx, fh);
	return rc;
}

int kb_file_load_optional(const struct kb_platform *pf, const char *path, uint64_t max,
			  void **buf, uint64_t *size)
{
	void *fh;
	*buf = NULL;
	if (pf->file_open(pf->ctx, path, &fh, size))
		return KB_ENOENT;
	int rc = kb_file_load_open(pf, path, fh, max, buf, *size);
	pf->file_close(pf->ctx, fh);
	return rc;
}

void kb_file_free(const struct kb_platform *pf, void *buf)
{
	if (buf)
		pf->pool_free(pf->ctx, buf);
}

bool kb_file_exists(const struct kb_platform *pf, const char *path)
{
	void *fh;
	uint64_t size;
	if (pf->file_open(pf->ctx, path, &fh, &size))
		return false;
	pf->file_close(pf->ctx, fh);
	return true;
}
