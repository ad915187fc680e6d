/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_hooks.h"

#include <string.h>

#include "dtb/compatible.h"
#include "dtb/validate.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/path.h"
#include "loader/file_load.h"
#include "loader/measure.h"
#include "loader/mem_files.h"
#include "loader/stub_vars.h"
#include "loader/uki_addons.h"
#include "loader/uki_extras.h"

/* Addons taken per boot (systemd-stub has no limit; more are skipped with one line). */
#define ADDONS_MAX 16u
/* An addon is a few small sections; one with an .initrd may be larger. */
#define ADDON_FILE_MAX (256ULL << 20)
/* ":.initrd" or ":.ucode" after an addon's path: the memory file its section is served as. */
#define ADDON_NAME_MAX (KB_PATH_MAX + 8)

/* The memory files of the generated archives (no '/' first: never an ESP path). */
static const char *const gen_names[UKI_EXTRA_KINDS] = {
	[UKI_EXTRA_CREDENTIALS] = "credentials.cpio",
	[UKI_EXTRA_GLOBAL_CREDENTIALS] = "global_credentials.cpio",
	[UKI_EXTRA_SYSEXTS] = "sysext.cpio",
	[UKI_EXTRA_CONFEXTS] = "confext.cpio",
};

/* One attempt's state: the kernel's loaders read the archives and addon sections after
 * uki_hooks_prepared returns. */
static struct {
	struct uki_measured m;
	struct uki_section s[UKI_SECTION_COUNT];
	char extra_dir[KB_PATH_MAX];
	char text[KB_CMDLINE_MAX + 16];
	struct uki_initrd gen[UKI_EXTRA_KINDS];
	void *file[ADDONS_MAX];
	unsigned n_files, n_addons;
	struct uki_addon addon[ADDONS_MAX];
	struct uki_section addon_s[ADDONS_MAX][UKI_SECTION_COUNT];
	char path[ADDONS_MAX][KB_PATH_MAX];
	char names[2 * ADDONS_MAX][ADDON_NAME_MAX];
	unsigned n_names;
	char dt_name[ADDON_NAME_MAX];
	struct pe_table t;
	struct uki_profile_view v;
} h;

/* Sections as measured and used: their bytes in the file (VirtualSize, unless the file
 * holds fewer: the zeros a loader would add are not in the buffer). */
static size_t sections_of(const struct pe_table *t, const uint8_t *file,
			  const struct uki_section_ref *r, unsigned n, struct uki_section *out)
{
	for (unsigned i = 0; i < n; i++) {
		struct pe_section s;
		pe_table_get(t, r[i].index, &s);
		out[i] = (struct uki_section){ uki_section_names[r[i].kind], file + s.offset,
					       s.size };
	}
	return n;
}

/* The addon's first .dtbauto whose root compatible is the firmware DT's, as the stub's
 * section lookup picks it (systemd 257 pe.c, devicetree_match); UKI_NO_SECTION if none. */
static unsigned addon_dtbauto(const struct kb_boot *b, const uint8_t *file)
{
	for (unsigned i = 0; i < h.v.n_dtbauto; i++) {
		struct pe_section s;
		pe_table_get(&h.t, h.v.dtbauto[i], &s);
		if (dt_root_compatible_match(b->fw->fdt, b->fw->fdt_size, file + s.offset, s.size))
			return h.v.dtbauto[i];
	}
	return UKI_NO_SECTION;
}

/* The firmware's (or shim's) check of an addon, as of the UKI. Its lines are debug ones: a
 * refused addon is the caller's one warning, not an error then a warning. */
static bool verified(const struct kb_platform *pf, const void *file, uint64_t len, const char *path)
{
	enum log_level was = log_set_floor(LOG_DEBUG);
	int rc = pf->verify_image(pf->ctx, file, (size_t)len, path);
	log_set_floor(was);
	return !rc;
}

/* One addon file, verified like the UKI under Secure Boot, its base sections parsed. */
static void load_addon(struct kb_boot *b, const char *dir, const char *name)
{
	const struct kb_platform *pf = b->pf;
	unsigned i = h.n_files;
	void *file;
	uint64_t len;
	if (i == ADDONS_MAX) {
		log_warn("%s/%s: more than %u addons: skipped", dir, name, ADDONS_MAX);
		return;
	}
	char *path = h.path[i];
	if ((size_t)kfmt_snprintf(path, KB_PATH_MAX, "%s/%s", dir, name) >= KB_PATH_MAX ||
	    kb_file_load(pf, path, ADDON_FILE_MAX, &file, &len))
		return; /* too long: esp_list keeps names of at most 255 bytes; else logged */
	if (b->fw->secure_boot && !verified(pf, file, len, path)) {
		log_warn("%s: not signed with a key Secure Boot trusts: addon skipped", path);
		kb_file_free(pf, file);
		return;
	}
	h.file[h.n_files++] = file;
	if (pe_table_init(&h.t, file, (size_t)len, len, path) || uki_profile_select(&h.t, 0, &h.v))
		return; /* pe_table_init said why; profile 0 always exists */
	struct uki_section_ref r[UKI_SECTION_COUNT];
	unsigned n = uki_profile_sections(&h.v, addon_dtbauto(b, file), r);
	/* The stub describes an addon's events by its file name. */
	h.addon[h.n_addons++] = (struct uki_addon){ path + strlen(dir) + 1, h.addon_s[i],
						    sections_of(&h.t, file, r, n, h.addon_s[i]) };
}

/* Global addons first, then the UKI's own (stub.c load_all_addons); the usable ones kept. */
static int load_addons(struct kb_boot *b, const struct uki_section *uname)
{
	struct uki_addon_files f;
	int rc = uki_addon_files(b->pf, h.extra_dir, &f);
	if (rc)
		return rc;
	for (unsigned g = 0; g < 2; g++)
		for (size_t i = 0; i < f.lists[g].n; i++)
			load_addon(b, f.dirs[g], f.lists[g].names[i]);
	uki_addon_files_free(b->pf, &f);
	h.n_addons = (unsigned)uki_addons_select(h.addon, h.n_addons, uname);
	return 0;
}

/* The addons' devicetrees in order (global first), each installed over the one before as
 * stub.c install_addon_devicetrees does: the last good one is Linux's DT (with the
 * firmware's fixups, loader/devicetree.h), each measured once applied; a bad one is one
 * line and skipped, as in the stub. */
static int apply_addon_dts(const struct kb_platform *pf, struct kb_entry *e)
{
	const struct uki_section *last = NULL;
	for (unsigned i = 0; i < h.n_addons; i++) {
		const struct uki_section *dt = uki_addon_dt(&h.addon[i]);
		if (!dt || dt_validate(dt->data, (size_t)dt->size, h.addon[i].name))
			continue;
		uki_measure_dt_addon(pf, &h.addon[i], &h.m);
		last = dt;
		/* Its name: a memory file (no '/' first: never an ESP path), fits KB_PATH_MAX
		 * as an esp_list name has at most 255 bytes. */
		kfmt_snprintf(h.dt_name, sizeof(e->devicetree), "%s:%s", h.addon[i].name, dt->name);
	}
	if (!last)
		return 0;
	int rc = mem_files_add(h.dt_name, last->data, last->size);
	if (rc)
		return log_error_ret(rc, "%s: no room for it as a file", h.dt_name);
	memcpy(e->devicetree, h.dt_name, strlen(h.dt_name) + 1);
	return 0;
}

/* Step 0: what systemd-boot measures as the load options it gives the stub (boot.c
 * image_start): "@N" for profile N > 0, a space, the entry's own options. */
static void measure_boot_options(const struct kb_platform *pf, const struct uki_loaded *u)
{
	size_t n = 0;
	if (u->profile)
		n = (size_t)kfmt_snprintf(h.text, sizeof(h.text), "@%u%s", u->profile,
					  u->loader_options[0] ? " " : "");
	kfmt_snprintf(h.text + n, sizeof(h.text) - n, "%s", u->loader_options);
	measure_load_options(pf, h.text);
}

/* data as the entry's initrd number `at` (a memory file named name). */
static int add_initrd(struct kb_entry *e, unsigned at, const char *name, const void *data,
		      uint64_t len)
{
	if (e->initrd_count == KB_MAX_INITRDS)
		return log_error_ret(KB_ERANGE, "%s: more than %u initrds: not booted", name,
				     KB_MAX_INITRDS);
	int rc = mem_files_add(name, data, len);
	if (rc)
		return log_error_ret(rc, "%s: no room for it as a file", name);
	/* name lives as long as the boot: a static name or h.names. */
	memmove(&e->initrd[at + 1], &e->initrd[at], (e->initrd_count - at) * sizeof(e->initrd[0]));
	e->initrd[at] = name;
	e->initrd_count++;
	return 0;
}

/* An addon's section of that name as an initrd at `at`. */
static int add_addon_initrd(struct kb_entry *e, unsigned at, const struct uki_addon *a,
			    const char *section)
{
	const struct uki_section *s = uki_section_find(a->s, a->n, section);
	if (!s)
		return 0;
	char *name = h.names[h.n_names++];
	size_t i = (size_t)(a->s - h.addon_s[0]) / UKI_SECTION_COUNT; /* its row: its path */
	kfmt_snprintf(name, ADDON_NAME_MAX, "%s:%s", h.path[i], section);
	return add_initrd(e, at, name, s->data, s->size);
}

/* Linux's initrd, in the stub's order: the addons' .ucode (last addon first), the UKI's
 * .ucode and .initrd (already there), the generated archives, the addons' .initrd. */
static int hand_over_initrds(struct kb_entry *e)
{
	int rc = 0;
	h.n_names = 0;
	for (unsigned i = 0; !rc && i < h.n_addons; i++)
		rc = add_addon_initrd(e, 0, &h.addon[i], ".ucode");
	for (unsigned k = 0; !rc && k < UKI_EXTRA_KINDS; k++)
		if (h.gen[k].data)
			rc = add_initrd(e, e->initrd_count, gen_names[k], h.gen[k].data,
					h.gen[k].len);
	for (unsigned i = 0; !rc && i < h.n_addons; i++)
		rc = add_addon_initrd(e, e->initrd_count, &h.addon[i], ".initrd");
	return rc;
}

/* The Stub* variables: the UKI's ESP path in the firmware's spelling. */
static void write_vars(struct kb_boot *b, const struct uki_loaded *u)
{
	size_t i;
	for (i = 0; i < sizeof(h.text) - 1 && u->path[i]; i++)
		h.text[i] = u->path[i] == '/' ? '\\' : u->path[i];
	h.text[i] = 0;
	const struct stub_booted sb = { b->loader_info, h.text, b->fw->esp_part_uuid, u->profile,
					&h.m };
	stub_vars_write(b->pf, &sb);
}

int uki_hooks_prepared(struct kb_boot *b, struct uki_loaded *u)
{
	const struct kb_platform *pf = b->pf;
	struct kb_entry *e = u->entry;
	size_t n = sections_of(u->table, u->file, u->sections, u->n_sections, h.s);
	uki_measured_init(&h.m);
	memset(h.gen, 0, sizeof(h.gen));
	h.n_files = h.n_addons = 0;
	int rc = uki_extra_dir(u->path, h.extra_dir, sizeof(h.extra_dir));
	if (!rc)
		rc = load_addons(b, uki_section_find(h.s, n, ".uname"));
	if (rc)
		return rc;
	/* docs/uki-measurements.md, "Events", in stub.c run()'s order. */
	measure_boot_options(pf, u);
	uki_measure_profile(pf, u->profile, &h.m);
	uki_measure_sections(pf, h.s, n, &h.m);
	if (u->cmdline_replaced)
		uki_measure_cmdline(pf, e->options, &h.m);
	/* Too long: one error line and the command line without them, as the stub's. */
	(void)uki_addons_cmdline(pf, h.addon, h.n_addons, u->cmdline, u->cmdline_size, &h.m);
	rc = apply_addon_dts(pf, e);
	if (rc)
		return rc;
	for (unsigned k = 0; k < UKI_EXTRA_KINDS; k++) {
		rc = uki_extras_pack(pf, h.extra_dir, k, &h.gen[k], &h.m);
		if (rc)
			return rc;
	}
	uki_measure_initrd_addons(pf, h.addon, h.n_addons, &h.m);
	rc = hand_over_initrds(e);
	if (rc)
		return rc;
	write_vars(b, u);
	return 0;
}

void uki_hooks_release(struct kb_boot *b)
{
	for (unsigned k = 0; k < UKI_EXTRA_KINDS; k++)
		uki_initrd_free(b->pf, &h.gen[k]);
	for (unsigned i = 0; i < h.n_files; i++)
		kb_file_free(b->pf, h.file[i]);
	h.n_files = h.n_addons = 0;
}
