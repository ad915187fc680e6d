/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/devicetree.h"

#include <string.h>

#include "dtb/buffer.h"
#include "dtb/compatible.h"
#include "dtb/overlay.h"
#include "dtb/validate.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/sizes.h"
#include "loader/file_load.h"
#include "loader/measure.h"

static int open_firmware_dt(const struct kb_boot *b, void *buf)
{
	/* The firmware's blob, as big as its header says (AAVMF's is ~1 MiB, mostly free
	 * space that dt_open drops); dt_open validates it against that size. */
	if (b->fw->fdt)
		return b->fw->fdt_valid ? dt_open_valid(b->fw->fdt, "firmware devicetree", buf,
							BOOT_DT_MAX_SIZE) :
					  dt_open(b->fw->fdt, b->fw->fdt_size,
						  "firmware devicetree", buf, BOOT_DT_MAX_SIZE);
	return dt_create_minimal(buf, BOOT_DT_MAX_SIZE);
}

/* A DT file, open: read, validated into buf, measured as read. */
static int load_dt_file(const struct kb_platform *pf, const char *path, void *fh, uint64_t size,
			void *buf)
{
	void *file = NULL;
	int rc = kb_file_load_open(pf, path, fh, BOOT_DT_MAX_SIZE, &file, size);
	pf->file_close(pf->ctx, fh);
	if (!rc)
		rc = dt_open(file, (size_t)size, path, buf, BOOT_DT_MAX_SIZE);
	if (!rc)
		measure_devicetree(pf, path, file); /* PCR 1, as read */
	kb_file_free(pf, file);
	return rc;
}

/* FdtFile, as ASCII (a UTF-16 value is taken too), into name. False when unset or unusable. */
static bool fdtfile_name(const struct kb_platform *pf, char *name, size_t size)
{
	static const struct kb_guid guid = DT_FDTFILE_GUID;
	uint8_t v[KB_PATH_MAX];
	size_t n = sizeof(v), at = 0;
	if (pf->var_get(pf->ctx, &guid, DT_FDTFILE_VAR, v, &n, NULL) || !n)
		return false;
	size_t step = n >= 2 && v[1] == 0 ? 2 : 1; /* UTF-16LE: the high bytes are zero */
	for (size_t i = 0; i < n && v[i] && at + 1 < size; i += step) {
		name[at] = (char)v[i];
		/* Relative to the directory: nothing with ".." climbs out of it. */
		if (at && name[at] == '.' && name[at - 1] == '.')
			return false;
		at++;
	}
	name[at] = 0;
	return at != 0;
}

/* The board's file in dir: FdtFile first, then the firmware DT's compatible strings in
 * order. 0 with path, *fh and *size for the one opened; KB_ENOENT when none is there. */
static int pick_board_dt(const struct kb_boot *b, const char *dir, char *path, void **fh,
			 uint64_t *size)
{
	const struct kb_platform *pf = b->pf;
	char name[KB_PATH_MAX];
	const char *c;
	if (fdtfile_name(pf, name, sizeof(name))) {
		kfmt_snprintf(path, KB_PATH_MAX, "%s/%s", dir, name + (name[0] == '/'));
		if (!pf->file_open(pf->ctx, path, fh, size)) {
			log_info("devicetree %s: named by the FdtFile variable", path);
			return 0;
		}
		log_warn("FdtFile names %s, which is not there: matching the firmware's "
			 "compatible instead",
			 path);
	}
	for (int i = 0; b->fw->fdt && (c = dt_root_compatible(b->fw->fdt, i)); i++) {
		if (!dt_compatible_path(dir, c, path, KB_PATH_MAX))
			continue;
		int rc = pf->file_open(pf->ctx, path, fh, size);
		if (!rc) {
			log_info("devicetree %s: matches the firmware's compatible \"%s\"", path,
				 c);
			return 0;
		}
		if (rc != KB_ENOENT && rc != KB_EINVAL)
			return rc;
	}
	return KB_ENOENT;
}

/* EFI_DT_FIXUP_PROTOCOL on a tree from a file: the firmware adds what only it knows. The
 * buffer already has the most the kernel takes (BOOT_DT_MAX_SIZE, booting.rst), so a
 * firmware that asks for more cannot get it. */
static int firmware_fixup(const struct kb_platform *pf, void *fdt, const char *path)
{
	size_t size = BOOT_DT_MAX_SIZE;
	int rc = pf->dt_fixup(pf->ctx, fdt, &size);
	if (rc == KB_ENOENT) {
		log_debug("%s: the firmware has no EFI_DT_FIXUP_PROTOCOL: used as it is", path);
		return 0;
	}
	if (rc == KB_ENOMEM)
		return log_error_ret(KB_ERANGE,
				     "%s: the firmware's fixups want %zu bytes, over the kernel's "
				     "%llu-byte limit (booting.rst)",
				     path, size, BOOT_DT_MAX_SIZE);
	if (rc)
		return log_error_ret(rc, "%s: the firmware's devicetree fixups failed", path);
	/* The firmware wrote into the tree: it is checked again before anything reads it. */
	rc = dt_validate(fdt, BOOT_DT_MAX_SIZE, "devicetree after the firmware's fixups");
	if (!rc)
		log_info("%s: the firmware's devicetree fixups applied", path);
	return rc;
}

static int load_entry_dt(const struct kb_boot *b, const struct kb_entry *e, void *buf)
{
	const struct kb_platform *pf = b->pf;
	char path[KB_PATH_MAX];
	void *fh;
	uint64_t size;
	int rc = pf->file_open(pf->ctx, e->devicetree, &fh, &size);
	memcpy(path, e->devicetree, sizeof(path));
	if (rc == KB_EINVAL) { /* a directory of <vendor>/<board>.dtb */
		rc = pick_board_dt(b, e->devicetree, path, &fh, &size);
		if (rc == KB_ENOENT) {
			log_info("devicetree %s: no file for this board (FdtFile, compatible): "
				 "the firmware's devicetree",
				 e->devicetree);
			return open_firmware_dt(b, buf);
		}
	}
	if (rc == KB_ENOENT)
		return log_error_ret(rc, "%s: no such file (devicetree of entry '%s')", path,
				     e->id);
	if (rc)
		return rc;
	rc = load_dt_file(pf, path, fh, size, buf);
	return rc ? rc : firmware_fixup(pf, buf, path);
}

static int apply_overlays(const struct kb_platform *pf, const struct kb_entry *e, void *fdt)
{
	for (unsigned i = 0; i < e->overlay_count; i++) {
		const char *path = e->overlay[i];
		void *ovl;
		uint64_t len;
		int rc = kb_file_load(pf, path, BOOT_DT_MAX_SIZE, &ovl, &len);
		if (!rc)
			rc = dt_validate(ovl, (size_t)len, path);
		if (!rc) {
			measure_devicetree(pf, path, ovl); /* as read: libfdt rewrites it */
			rc = dt_overlay_apply(fdt, ovl, path);
		}
		kb_file_free(pf, ovl);
		if (rc)
			return log_error_ret(rc, "entry '%s': devicetree overlay %s not applied",
					     e->id, path);
	}
	return 0;
}

int boot_dt_fill(struct kb_boot *b, const struct kb_entry *e, void *buf)
{
	/* A UKI's .dtb/.dtbauto was verified with the UKI (b->image_verified): only files read
	 * from the ESP are unsigned. */
	bool unsigned_dt = e->devicetree[0] && !b->image_verified;
	if (b->fw->secure_boot && (unsigned_dt || e->overlay_count)) {
		log_warn("entry '%s': Secure Boot is on: its unsigned %s skipped, booting with the "
			 "firmware's devicetree",
			 e->id,
			 !e->overlay_count ? "devicetree" :
			 unsigned_dt       ? "devicetree and overlays" :
					     "devicetree overlays");
		return open_firmware_dt(b, buf);
	}
	int rc = e->devicetree[0] ? load_entry_dt(b, e, buf) : open_firmware_dt(b, buf);
	return rc ? rc : apply_overlays(b->pf, e, buf);
}
