/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_extras.h"

#include <string.h>

#include "formats/cpio.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/path.h"
#include "loader/esp_list.h"
#include "loader/measure.h"

#define EXTRA_DIR_SUFFIX ".extra.d"

/* stub.c generate_sidecar_initrds, in its order. */
static const struct extra {
	const char *dir; /* NULL: the UKI's .extra.d */
	const char *suffix, *exclude;
	const char *target; /* cpio directory */
	uint32_t dir_mode, mode;
	unsigned pcr;
	const char *desc;
} extras[UKI_EXTRA_KINDS] = {
	[UKI_EXTRA_CREDENTIALS] = { NULL, ".cred", NULL, ".extra/credentials", 0500, 0400,
				    MEASURE_PCR_KERNEL_CONFIG, "Credentials initrd" },
	[UKI_EXTRA_GLOBAL_CREDENTIALS] = { "/loader/credentials", ".cred", NULL,
					   ".extra/global_credentials", 0500, 0400,
					   MEASURE_PCR_KERNEL_CONFIG, "Global credentials initrd" },
	/* "ideally we'd pick up only *.sysext.raw here, but for compat we pick up *.raw
	 * instead ... but then exclude *.confext.raw again" (stub.c) */
	[UKI_EXTRA_SYSEXTS] = { NULL, ".raw", ".confext.raw", ".extra/sysext", 0555, 0444,
				MEASURE_PCR_SYSEXTS, "System extension initrd" },
	[UKI_EXTRA_CONFEXTS] = { NULL, ".confext.raw", NULL, ".extra/confext", 0555, 0444,
				 MEASURE_PCR_KERNEL_CONFIG, "Configuration extension initrd" },
};

int uki_extra_dir(const char *uki_path, char *out, size_t size)
{
	const char *plus = strchr(uki_path, '+');
	size_t head = plus ? (size_t)(plus - uki_path) : strlen(uki_path);
	const char *tail = plus ? plus + 1 : "";
	if (plus) {
		/* "+LEFT" or "+LEFT-DONE", then the end or a '.' (util.c remove_boot_count);
		 * anything else keeps the name as it is. */
		const char *p = tail;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p > tail && *p == '-' && p[1] >= '0' && p[1] <= '9')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (p == tail || (*p && *p != '.'))
			head = strlen(uki_path), tail = "";
		else
			tail = p;
	}
	size_t n = (size_t)kfmt_snprintf(out, size, "%.*s%s" EXTRA_DIR_SUFFIX, (int)head, uki_path,
					 tail);
	if (n >= size)
		return log_error_ret(KB_EINVAL, "%s: its drop-in directory's path is too long",
				     uki_path);
	return 0;
}

struct opened {
	void *fh;
	uint64_t size;
};

/* The archive: pass 1 counts (buf NULL), pass 2 writes and reads each file into place. */
static int pack(const struct kb_platform *pf, const struct extra *x, const char *dir,
		const struct esp_list *l, struct opened *f, struct cpio_writer *w)
{
	uint8_t *data;
	int rc = cpio_prefix(w, x->target, x->dir_mode);
	for (size_t i = 0; !rc && i < l->n; i++) {
		if (!f[i].fh)
			continue;
		rc = cpio_file(w, x->target, l->names[i], f[i].size, x->mode, &data);
		if (!rc && data && pf->file_read(pf->ctx, f[i].fh, 0, data, f[i].size))
			return log_error_ret(KB_EIO, "%s/%s: read failed: no %s", dir, l->names[i],
					     x->desc);
	}
	return rc ? rc : cpio_trailer(w);
}

int uki_extras_pack(const struct kb_platform *pf, const char *extra_dir, enum uki_extra_kind kind,
		    struct uki_initrd *out, struct uki_measured *m)
{
	const struct extra *x = &extras[kind];
	const char *dir = x->dir ? x->dir : extra_dir;
	struct esp_list l;
	struct cpio_writer w;
	char path[KB_PATH_MAX];
	size_t taken = 0;

	out->data = NULL;
	out->len = 0;
	int rc = esp_list(pf, dir, x->suffix, x->exclude, &l);
	if (rc || !l.n)
		return rc;
	struct opened *f = pf->pool_alloc(pf->ctx, l.n * sizeof(*f));
	if (!f) {
		esp_list_free(pf, &l);
		return log_error_ret(KB_ENOMEM, "%s: out of memory for the %s", dir, x->desc);
	}
	for (size_t i = 0; i < l.n; i++) {
		f[i].fh = NULL;
		if ((size_t)kfmt_snprintf(path, sizeof(path), "%s/%s", dir, l.names[i]) >=
			    sizeof(path) ||
		    pf->file_open(pf->ctx, path, &f[i].fh, &f[i].size)) {
			log_warn("%s/%s: cannot be opened: left out of the %s", dir, l.names[i],
				 x->desc);
			f[i].fh = NULL;
			continue;
		}
		taken++;
	}
	if (!taken)
		goto out;
	cpio_init(&w, NULL, 0);
	rc = pack(pf, x, dir, &l, f, &w);
	if (rc)
		goto out;
	out->len = w.used;
	out->data = pf->pool_alloc(pf->ctx, w.used);
	if (!out->data) {
		rc = log_error_ret(KB_ENOMEM, "%s: out of memory for the %s (%lu bytes)", dir,
				   x->desc, (unsigned long)w.used);
		goto out;
	}
	cpio_init(&w, out->data, out->len);
	rc = pack(pf, x, dir, &l, f, &w);
	if (rc)
		goto out;
	log_info("%s: %lu files as the %s (%lu bytes)", dir, (unsigned long)taken, x->desc,
		 (unsigned long)out->len);
	bool done = measure_event(pf, x->pcr, 0, out->data, out->len, x->desc);
	uki_measured_add(kind == UKI_EXTRA_SYSEXTS  ? &m->sysexts :
			 kind == UKI_EXTRA_CONFEXTS ? &m->confexts :
						      &m->parameters,
			 done);
out:
	for (size_t i = 0; i < l.n; i++)
		if (f[i].fh)
			pf->file_close(pf->ctx, f[i].fh);
	pf->pool_free(pf->ctx, f);
	esp_list_free(pf, &l);
	if (rc)
		uki_initrd_free(pf, out);
	return rc == KB_ENOMEM ? rc : 0;
}

void uki_initrd_free(const struct kb_platform *pf, struct uki_initrd *i)
{
	if (i->data)
		pf->pool_free(pf->ctx, i->data);
	i->data = NULL;
	i->len = 0;
}
