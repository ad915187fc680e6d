#include "loader/file_load.h"

#include "lib/err.h"
#include "lib/log.h"

int kb_file_size(const struct kb_platform *pf, const char *path, uint64_t *size)
{
	int rc = pf->file_size(pf->ctx, path, size);
	if (rc == KB_ENOENT)
		log_error("%s: no such file", path);
	return rc;
}

int kb_file_load(const struct kb_platform *pf, const char *path, uint64_t max, void **buf,
		 uint64_t *size)
{
	*buf = NULL;
	int rc = kb_file_size(pf, path, size);
	if (rc)
		return rc;
	if (*size > max) {
		log_error("%s: %lu bytes, more than the %lu this file may have", path,
			  (unsigned long)*size, (unsigned long)max);
		return KB_ERANGE;
	}
	*buf = pf->pool_alloc(pf->ctx, *size ? (size_t)*size : 1);
	if (!*buf) {
		log_error("%s: no memory for %lu bytes", path, (unsigned long)*size);
		return KB_ENOMEM;
	}
	rc = pf->file_read(pf->ctx, path, 0, *buf, *size);
	if (rc) {
		pf->pool_free(pf->ctx, *buf);
		*buf = NULL;
	}
	return rc;
}

void kb_file_free(const struct kb_platform *pf, void *buf)
{
	if (buf)
		pf->pool_free(pf->ctx, buf);
}
