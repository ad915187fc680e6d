/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/boot_uki.h"

#include <string.h>

#include "dtb/compatible.h"
#include "formats/image_pe.h"
#include "formats/pe_sections.h"
#include "formats/uki.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/boot_linux.h"
#include "loader/file_load.h"
#include "loader/measure.h"
#include "loader/mem_files.h"
#include "loader/phase_time.h"
#include "loader/uki_entry.h"
#include "loader/uki_hooks.h"

/* A UKI is a kernel, its initrds and a few small sections: Debian's is ~40 MiB. */
#define UKI_FILE_MAX (1024ULL << 20)
/* "<UKI path>:<section>", the names the sections are opened by. */
#define SECTION_NAME_MAX (KB_PATH_MAX + 12)

/* One attempt's UKI: the file and what is taken from it. Static: an entry is ~8 KiB. */
static struct {
	struct kb_entry e;
	char cmdline[KB_CMDLINE_MAX]; /* .cmdline, when it is the one booted */
	char names[UKI_SECTION_COUNT][SECTION_NAME_MAX];
	struct pe_table table;
	struct uki_profile_view view;
	struct uki_loaded loaded;
} u;

/* Secure Boot: the firmware (or shim) checks the whole file, as LoadImage would have. */
static int verify(struct kb_boot *b, const void *buf, uint64_t len, const char *path)
{
	struct measure_mark mark;
	if (!b->fw->secure_boot)
		return 0;
	phase_enter(PHASE_VERIFY);
	measure_verify_begin(b->pf, &mark);
	int rc = b->pf->verify_image(b->pf->ctx, buf, (size_t)len, path);
	if (!rc)
		measure_verify_end(b->pf, &mark, path);
	phase_enter(PHASE_PLACE);
	return rc;
}

/* Section `kind` of the profile as a memory file "<path>:<name>"; its name in *name. */
static int serve(const uint8_t *file, enum uki_section_kind kind, const char **name)
{
	struct pe_section s;
	*name = NULL;
	if (u.view.index[kind] == UKI_NO_SECTION)
		return 0;
	pe_table_get(&u.table, u.view.index[kind], &s);
	kfmt_snprintf(u.names[kind], sizeof(u.names[kind]), "%s:%s", u.e.linux_path,
		      uki_section_names[kind]);
	*name = u.names[kind];
	return mem_files_add(u.names[kind], file + s.offset, s.size);
}

/* The command line: the entry's own options replace .cmdline only with Secure Boot off. */
static void choose_cmdline(struct kb_boot *b, const struct kb_entry *e, const uint8_t *file)
{
	bool replace = !e->options_implied && e->options[0];
	u.loaded.cmdline_replaced = replace && !b->fw->secure_boot;
	/* Linux's command line is built in u.cmdline: the addons' .cmdline is appended there
	 * (uki_hooks_prepared). */
	u.e.options = u.cmdline;
	u.loaded.cmdline = u.cmdline;
	u.loaded.cmdline_size = sizeof(u.cmdline);
	if (u.loaded.cmdline_replaced) {
		log_info("%s: booting with the entry's options in place of .cmdline",
			 e->linux_path);
		kfmt_snprintf(u.cmdline, sizeof(u.cmdline), "%s", e->options);
		return;
	}
	if (replace)
		log_warn("%s: Secure Boot is on: the entry's options are ignored, the UKI's "
			 ".cmdline is used",
			 e->linux_path);
	u.cmdline[0] = 0;
	if (u.view.index[UKI_CMDLINE] == UKI_NO_SECTION)
		return;
	struct pe_section s;
	pe_table_get(&u.table, u.view.index[UKI_CMDLINE], &s);
	size_t n = s.size < sizeof(u.cmdline) - 1 ? s.size : sizeof(u.cmdline) - 1;
	if (n < s.size)
		log_warn("%s: .cmdline is %u bytes: cut to %zu", e->linux_path, s.size, n);
	memcpy(u.cmdline, file + s.offset, n);
	u.cmdline[n] = 0;
	uki_cmdline_mangle(u.cmdline);
}

/* The entry the Linux path boots: the sections as files, in the order the stub loads
 * them (.ucode before .initrd). */
static int make_linux_entry(struct kb_boot *b, const struct kb_entry *e, const uint8_t *file)
{
	const char *name;
	int rc;
	u.e.payload = KB_PAYLOAD_LINUX;
	u.e.initrd_count = 0;
	u.e.devicetree[0] = 0;
	rc = serve(file, UKI_LINUX, &name);
	if (rc)
		return rc;
	if (!name)
		return log_error_ret(KB_EINVAL, "%s: profile %u has no .linux section",
				     e->linux_path, e->profile);
	memcpy(u.e.linux_path, name, strlen(name) + 1);
	static const enum uki_section_kind initrds[] = { UKI_UCODE, UKI_INITRD };
	for (unsigned i = 0; i < sizeof(initrds) / sizeof(initrds[0]); i++) {
		rc = serve(file, initrds[i], &name);
		if (rc)
			return rc;
		if (name)
			u.e.initrd[u.e.initrd_count++] = name; /* in u.names */
	}
	/* A matching .dtbauto wins over .dtb (systemd-stub 257). */
	rc = serve(file, u.loaded.dtbauto != UKI_NO_SECTION ? UKI_DTBAUTO : UKI_DTB, &name);
	if (rc)
		return rc;
	if (name)
		memcpy(u.e.devicetree, name, strlen(name) + 1);
	choose_cmdline(b, e, file);
	return 0;
}

/* The first .dtbauto whose root compatible is the firmware DT's (systemd 257
 * devicetree_match); UKI_NO_SECTION when none matches or the firmware has no DT. The
 * SMBIOS CHID (.hwids) match of DT-less machines is not done. */
static unsigned match_dtbauto(struct kb_boot *b, const uint8_t *file)
{
	for (unsigned i = 0; i < u.view.n_dtbauto; i++) {
		struct pe_section s;
		pe_table_get(&u.table, u.view.dtbauto[i], &s);
		if (dt_root_compatible_match(b->fw->fdt, b->fw->fdt_size, file + s.offset,
					     s.size)) {
			log_info("%s: .dtbauto #%u matches the firmware's compatible",
				 u.e.linux_path, u.view.dtbauto[i]);
			return u.view.dtbauto[i];
		}
	}
	if (u.view.n_dtbauto)
		log_info("%s: no .dtbauto matches the firmware's devicetree", u.e.linux_path);
	return UKI_NO_SECTION;
}

/* What the measurement, Stub* variable and cpio code gets (loader/uki_hooks.h). */
static void describe(const struct kb_entry *e, const uint8_t *file, uint64_t len)
{
	u.loaded.path = e->linux_path;
	u.loaded.file = file;
	u.loaded.size = len;
	u.loaded.table = &u.table;
	u.loaded.profile = e->profile;
	u.loaded.n_sections = uki_profile_sections(&u.view, u.loaded.dtbauto, u.loaded.sections);
	u.loaded.entry = &u.e;
	u.loaded.loader_options = e->options_implied ? "" : e->options;
}

/* The file, read once. */
static int load(struct kb_boot *b, const struct kb_entry *e, void **file, uint64_t *len)
{
	log_info("entry '%s': %s", e->id, e->title[0] ? e->title : e->linux_path);
	phase_enter(PHASE_KERNEL_READ);
	int rc = kb_file_load(b->pf, e->linux_path, UKI_FILE_MAX, file, len);
	phase_enter(PHASE_PLACE);
	return rc;
}

/* A UKI in memory, u.table read from it: its profile, sections, and Linux. */
static int boot_loaded(struct kb_boot *b, const struct kb_entry *e, const uint8_t *file,
		       uint64_t len)
{
	const struct kb_platform *pf = b->pf;
	int rc;
	if (uki_profile_select(&u.table, e->profile, &u.view))
		return log_error_ret(KB_ENOENT, "%s: no profile %u", e->linux_path, e->profile);
	b->pf = mem_files_wrap(pf);
	u.e = *e;
	u.view.index[UKI_DTBAUTO] = UKI_NO_SECTION;
	u.loaded.dtbauto = match_dtbauto(b, file);
	u.view.index[UKI_DTBAUTO] = u.loaded.dtbauto;
	rc = make_linux_entry(b, e, file);
	if (!rc) {
		describe(e, file, len);
		rc = uki_hooks_prepared(b, &u.loaded);
	}
	if (!rc) {
		b->image_verified = b->uki = true;
		rc = boot_linux(b, &u.e);
	}
	b->image_verified = b->uki = false;
	uki_hooks_release(b);
	b->pf = pf;
	return rc;
}

int boot_uki(struct kb_boot *b, const struct kb_entry *e)
{
	void *file = NULL;
	uint64_t len = 0;
	int rc = load(b, e, &file, &len);
	if (rc)
		return rc;
	/* Nothing in the file is looked at before the signature over all of it is checked. */
	rc = verify(b, file, len, e->linux_path);
	if (!rc)
		rc = pe_table_init(&u.table, file, (size_t)len, len, e->linux_path);
	if (!rc)
		rc = boot_loaded(b, e, file, len);
	kb_file_free(b->pf, file);
	return rc;
}

/* A PE for arm64 with a .linux section: what systemd-stub would boot. */
static bool is_uki(const void *file, uint64_t len, const char *path)
{
	uint64_t base;
	if (!image_pe_file(file, (size_t)len, &base))
		return false;
	return !pe_table_init(&u.table, file, (size_t)len, len, path) &&
	       pe_table_find(&u.table, 0, u.table.count, uki_section_names[UKI_LINUX]) >= 0;
}

int boot_efi(struct kb_boot *b, const struct kb_entry *e)
{
	void *file = NULL;
	uint64_t len = 0;
	int rc = load(b, e, &file, &len);
	if (rc)
		return rc;
	if (is_uki(file, len, e->linux_path)) {
		/* A UKI: booted natively, verified as a whole first (the firmware would verify
		 * it in LoadImage); its options replace .cmdline under 257's rule. */
		log_info("%s: a UKI: booted by kaslboot, not started", e->linux_path);
		rc = verify(b, file, len, e->linux_path);
		if (!rc)
			rc = boot_loaded(b, e, file, len);
	} else {
		/* Any other program: the firmware loads (and under Secure Boot verifies) it. */
		rc = b->pf->start_image(b->pf->ctx, file, (size_t)len, e->linux_path, e->options);
		if (!rc)
			rc = log_error_ret(KB_ENOENT, "%s: returned to kaslboot", e->linux_path);
	}
	kb_file_free(b->pf, file);
	return rc;
}
