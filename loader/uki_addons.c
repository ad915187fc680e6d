/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_addons.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "loader/config.h"
#include "loader/measure.h"

int uki_addon_files(const struct kb_platform *pf, const char *extra_dir,
		    struct uki_addon_files *out)
{
	memset(out, 0, sizeof(*out));
	out->dirs[0] = UKI_ADDONS_GLOBAL_DIR;
	out->dirs[1] = extra_dir;
	for (unsigned g = 0; g < 2; g++) {
		int rc = esp_list(pf, out->dirs[g], UKI_ADDON_SUFFIX, NULL, &out->lists[g]);
		if (rc) {
			uki_addon_files_free(pf, out);
			return rc;
		}
	}
	return 0;
}

void uki_addon_files_free(const struct kb_platform *pf, struct uki_addon_files *f)
{
	esp_list_free(pf, &f->lists[0]);
	esp_list_free(pf, &f->lists[1]);
}

/* strneq8(uname, addon's .uname, its size): the UKI's .uname read as a string. */
static bool uname_matches(const struct uki_section *uki, const struct uki_section *addon)
{
	const char *u = uki->data, *a = addon->data;
	size_t ulen = strnlen(u, uki->size);
	for (uint64_t i = 0; i < addon->size; i++) {
		char c = i < ulen ? u[i] : 0;
		if (c != a[i])
			return false;
		if (!c)
			break;
	}
	return true;
}

static bool usable(const struct uki_addon *a, const struct uki_section *uname)
{
	static const char *const useful[] = { ".cmdline", ".dtb", ".dtbauto", ".initrd", ".ucode" };
	bool any = false;
	for (size_t i = 0; i < sizeof(useful) / sizeof(useful[0]); i++)
		any = any || uki_section_find(a->s, a->n, useful[i]);
	if (!any)
		return log_error_ret(false,
				     "%s: no .cmdline/.dtb/.dtbauto/.initrd/.ucode "
				     "section: addon ignored",
				     a->name);
	if (uki_section_find(a->s, a->n, ".linux"))
		return log_error_ret(false, "%s: is a UKI, not an addon (.linux): ignored",
				     a->name);
	const struct uki_section *own = uki_section_find(a->s, a->n, ".uname");
	if (uname && own && !uname_matches(uname, own))
		return log_error_ret(false, "%s: .uname differs from the UKI's: addon ignored",
				     a->name);
	return true;
}

size_t uki_addons_select(struct uki_addon *a, size_t n, const struct uki_section *uname)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (usable(&a[i], uname))
			a[kept++] = a[i];
	return kept;
}

int uki_addons_cmdline(const struct kb_platform *pf, const struct uki_addon *a, size_t n,
		       char *cmdline, size_t size, struct uki_measured *m)
{
	size_t base = strlen(cmdline);
	/* The addition is built after the command line and one space. */
	size_t at = base + 1, start = at;
	for (size_t i = 0; i < n; i++) {
		const struct uki_section *c = uki_section_find(a[i].s, a[i].n, ".cmdline");
		if (!c)
			continue;
		size_t len = strnlen(c->data, c->size);
		if (at + 1 + len >= size) {
			cmdline[base] = 0;
			return log_error_ret(KB_ERANGE,
					     "%s: the command line with the addons' "
					     "is longer than %lu bytes: addons not used",
					     a[i].name, (unsigned long)size - 1);
		}
		if (at > start)
			cmdline[at++] = ' ';
		memcpy(cmdline + at, c->data, len);
		cmdline[at + len] = 0;
		uki_cmdline_mangle(cmdline + at);
		at += strlen(cmdline + at);
	}
	cmdline[base] = 0;
	if (at == start)
		return 0;
	uki_cmdline_mangle(cmdline + start);
	if (!cmdline[start])
		return 0;
	uki_measure_cmdline(pf, cmdline + start, m);
	if (!base)
		memmove(cmdline, cmdline + start, strlen(cmdline + start) + 1);
	else
		cmdline[base] = ' ';
	return 0;
}

const struct uki_section *uki_addon_dt(const struct uki_addon *a)
{
	const struct uki_section *dt = uki_section_find(a->s, a->n, ".dtbauto");
	return dt ? dt : uki_section_find(a->s, a->n, ".dtb");
}

void uki_measure_dt_addon(const struct kb_platform *pf, const struct uki_addon *a,
			  struct uki_measured *m)
{
	const struct uki_section *dt = uki_addon_dt(a);
	if (dt)
		uki_measured_add(&m->parameters,
				 measure_event(pf, MEASURE_PCR_KERNEL_CONFIG, UKI_TAG_DEVICETREE,
					       dt->data, dt->size, a->name));
}

void uki_measure_initrd_addons(const struct kb_platform *pf, const struct uki_addon *a, size_t n,
			       struct uki_measured *m)
{
	for (size_t i = n; i-- > 0;) {
		const struct uki_section *u = uki_section_find(a[i].s, a[i].n, ".ucode");
		if (u)
			uki_measured_add(&m->parameters,
					 measure_event(pf, MEASURE_PCR_KERNEL_CONFIG,
						       UKI_TAG_UCODE_ADDON, u->data, u->size,
						       a[i].name));
	}
	for (size_t i = 0; i < n; i++) {
		const struct uki_section *r = uki_section_find(a[i].s, a[i].n, ".initrd");
		if (r)
			uki_measured_add(&m->parameters,
					 measure_event(pf, MEASURE_PCR_KERNEL_CONFIG,
						       UKI_TAG_INITRD_ADDON, r->data, r->size,
						       a[i].name));
	}
}
