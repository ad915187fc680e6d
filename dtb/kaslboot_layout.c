/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/kaslboot_layout.h"

#include <stddef.h>
#include <string.h>
#include <libfdt.h>

#include "dtb/chosen.h"
#include "dtb/fdt_error.h"
#include "lib/err.h"
#include "lib/log.h"

static const struct {
	const char *name;
	size_t offset; /* of the uint64_t field in struct dt_kaslboot_layout */
} layout_props[] = {
	{ KASLBOOT_CHOSEN_LAYOUT_VERSION, offsetof(struct dt_kaslboot_layout, version) },
	{ KASLBOOT_CHOSEN_IMAGE_PHYS_BASE, offsetof(struct dt_kaslboot_layout, image_pa) },
	{ KASLBOOT_CHOSEN_IMAGE_VIRT_BASE, offsetof(struct dt_kaslboot_layout, image_va) },
	{ KASLBOOT_CHOSEN_IMAGE_SIZE, offsetof(struct dt_kaslboot_layout, image_size) },
	{ KASLBOOT_CHOSEN_LINEAR_MAP_OFFSET, offsetof(struct dt_kaslboot_layout, linear_map_offset) },
	{ KASLBOOT_CHOSEN_FIXMAP_BASE, offsetof(struct dt_kaslboot_layout, fixmap_va) },
	{ KASLBOOT_CHOSEN_FIXMAP_SIZE, offsetof(struct dt_kaslboot_layout, fixmap_size) },
	{ KASLBOOT_CHOSEN_UART_VIRT_BASE, offsetof(struct dt_kaslboot_layout, uart_va) },
	{ KASLBOOT_CHOSEN_STACK_TOP, offsetof(struct dt_kaslboot_layout, stack_top_va) },
	{ KASLBOOT_CHOSEN_STACK_SIZE, offsetof(struct dt_kaslboot_layout, stack_size) },
	{ KASLBOOT_CHOSEN_IDMAP_BASE, offsetof(struct dt_kaslboot_layout, idmap_pa) },
	{ KASLBOOT_CHOSEN_IDMAP_SIZE, offsetof(struct dt_kaslboot_layout, idmap_size) },
};
#define LAYOUT_NPROPS (sizeof(layout_props) / sizeof(layout_props[0]))

_Static_assert(LAYOUT_NPROPS * sizeof(uint64_t) == sizeof(struct dt_kaslboot_layout),
	       "every field of struct dt_kaslboot_layout has a property");
_Static_assert(KASLBOOT_CHOSEN_VALUE_SIZE == sizeof(uint64_t), "every property is one u64");

int dt_set_kaslboot_layout(void *fdt, const struct dt_kaslboot_layout *l)
{
	struct dt_kaslboot_layout v = *l;
	int node = dt_chosen_offset(fdt);
	size_t i;
	uint64_t val;
	int err;

	if (node < 0)
		return node;
	v.version = KASLBOOT_LAYOUT_VERSION;
	for (i = 0; i < LAYOUT_NPROPS; i++) {
		memcpy(&val, (const char *)&v + layout_props[i].offset, sizeof(val));
		err = fdt_setprop_u64(fdt, node, layout_props[i].name, val);
		if (err)
			return dt_chosen_prop_failed(layout_props[i].name, err);
	}
	return KB_OK;
}

int dt_get_kaslboot_layout(const void *fdt, struct dt_kaslboot_layout *out)
{
	int node = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	size_t i;
	int len;

	memset(out, 0, sizeof(*out));
	if (node < 0)
		return log_error_ret(KB_ENOENT, "DT: no %s for the kaslboot layout",
				     DT_CHOSEN_PATH);
	for (i = 0; i < LAYOUT_NPROPS; i++) {
		const fdt64_t *val = fdt_getprop(fdt, node, layout_props[i].name, &len);
		uint64_t v;

		if (!val)
			return log_error_ret(KB_ENOENT, "DT /chosen/%s: missing",
					     layout_props[i].name);
		if (len != (int)KASLBOOT_CHOSEN_VALUE_SIZE)
			return log_error_ret(KB_EINVAL, "DT /chosen/%s: %d bytes, want 8",
					     layout_props[i].name, len);
		v = fdt64_ld(val);
		memcpy((char *)out + layout_props[i].offset, &v, sizeof(v));
	}
	if (out->version != KASLBOOT_LAYOUT_VERSION)
		return log_error_ret(KB_EUNSUPP,
				     "DT kaslboot layout version %llu, this code knows %u",
				     (unsigned long long)out->version, KASLBOOT_LAYOUT_VERSION);
	return KB_OK;
}
