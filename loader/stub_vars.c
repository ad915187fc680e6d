/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/stub_vars.h"

#include "lib/bytes.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/bli.h"
#include "loader/measure.h"

static void add_num(struct stub_var *v, const char *name, unsigned n)
{
	v->name = name;
	kfmt_snprintf(v->num, sizeof(v->num), "%u", n);
	v->value = v->num;
}

size_t stub_vars_list(const struct stub_booted *b, struct stub_var out[STUB_VARS_MAX])
{
	size_t n = 0;
	out[n].name = "StubInfo";
	out[n++].value = b->stub_info;
	/* efivar_set_uint64_str16: decimal text. */
	add_num(&out[n++], "StubProfile", b->profile);
	if (b->part_uuid[0]) {
		out[n].name = "StubDevicePartUUID";
		out[n++].value = b->part_uuid;
	}
	if (b->image_path[0]) {
		out[n].name = "StubImageIdentifier";
		out[n++].value = b->image_path;
	}
	/* export_pcr_variables: only for a group that reached its PCR whole (> 0). */
	const struct uki_measured *m = b->measured;
	if (m->sections > 0)
		add_num(&out[n++], "StubPcrKernelImage", MEASURE_PCR_KERNEL_BOOT);
	if (m->parameters > 0)
		add_num(&out[n++], "StubPcrKernelParameters", MEASURE_PCR_KERNEL_CONFIG);
	if (m->sysexts > 0)
		add_num(&out[n++], "StubPcrInitRDSysExts", MEASURE_PCR_SYSEXTS);
	if (m->confexts > 0)
		add_num(&out[n++], "StubPcrInitRDConfExts", MEASURE_PCR_KERNEL_CONFIG);
	return n;
}

void stub_vars_write(const struct kb_platform *pf, const struct stub_booted *b)
{
	struct stub_var v[STUB_VARS_MAX];
	uint8_t features[8];
	size_t n = stub_vars_list(b, v);
	for (size_t i = 0; i < n; i++)
		bli_set_string(pf, v[i].name, BLI_VOLATILE, v[i].value);
	/* efivar_set_uint64_le: 8 bytes, little-endian. */
	put_le64(features, STUB_FEATURES);
	if (pf->var_set(pf->ctx, &bli_vendor_guid, "StubFeatures", BLI_VOLATILE, features,
			sizeof(features)))
		log_debug("could not set StubFeatures");
}
