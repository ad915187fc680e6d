/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_measure.h"

#include <string.h>

#include "lib/fmt.h"
#include "loader/measure.h"

/* systemd 257 src/fundamental/uki.h, enum UnifiedSection: "the canonical order in which we
 * measure the sections into TPM PCR 11. PLEASE DO NOT REORDER!" (.pcrsig, between .sbat
 * and .pcrpkey there, is left out: unified_section_measure). */
static const char *const pcr11_order[] = {
	".linux", ".osrel", ".cmdline", ".initrd",  ".ucode",   ".splash", ".dtb",
	".uname", ".sbat",  ".pcrpkey", ".profile", ".dtbauto", ".hwids",
};

void uki_measured_init(struct uki_measured *m)
{
	m->sections = m->parameters = m->sysexts = m->confexts = -1;
}

void uki_measured_add(int *flag, bool measured)
{
	*flag = *flag < 0 ? measured : *flag && measured;
}

const struct uki_section *uki_section_find(const struct uki_section *s, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].name, name))
			return s[i].size ? &s[i] : NULL;
	return NULL;
}

void uki_measure_sections(const struct kb_platform *pf, const struct uki_section *s, size_t n,
			  struct uki_measured *m)
{
	for (size_t i = 0; i < sizeof(pcr11_order) / sizeof(pcr11_order[0]); i++) {
		const char *name = pcr11_order[i];
		const struct uki_section *sec = uki_section_find(s, n, name);
		if (!sec)
			continue;
		/* stub.c measure_sections: the name with its NUL, then the VirtualSize bytes,
		 * both EV_IPL described by the name (tpm_log_ipl_event_ascii). */
		uki_measured_add(&m->sections, measure_event(pf, MEASURE_PCR_KERNEL_BOOT, 0, name,
							     strlen(name) + 1, name));
		uki_measured_add(&m->sections, measure_event(pf, MEASURE_PCR_KERNEL_BOOT, 0,
							     sec->data, sec->size, name));
	}
}

void uki_measure_profile(const struct kb_platform *pf, unsigned profile, struct uki_measured *m)
{
	char text[12];
	if (!profile)
		return;
	kfmt_snprintf(text, sizeof(text), "%u", profile);
	uki_measured_add(&m->parameters,
			 measure_text(pf, MEASURE_PCR_KERNEL_CONFIG, UKI_TAG_PROFILE, text));
}

void uki_measure_cmdline(const struct kb_platform *pf, const char *cmdline, struct uki_measured *m)
{
	if (cmdline[0])
		uki_measured_add(&m->parameters, measure_load_options(pf, cmdline));
}
