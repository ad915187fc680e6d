/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/chosen.h"

#include <string.h>
#include <libfdt.h>

#include "dtb/fdt_error.h"
#include "lib/err.h"
#include "lib/log.h"

/* One error line for a failed /chosen edit; NOSPACE gets the hint the caller needs. */
/* Deletes every copy of the property: libfdt accepts a node with two properties of one
 * name, and fdt_delprop removes only the first, which would leave the firmware's second
 * copy as the one the kernel reads. A property that is not there is success. */
static int delete_prop(void *fdt, int node, const char *prop)
{
	int err;

	while ((err = fdt_delprop(fdt, node, prop)) == 0)
		;
	if (err != -FDT_ERR_NOTFOUND)
		return dt_chosen_prop_failed(prop, err);
	return KB_OK;
}

/* Leaves exactly one copy of the property, with this value: fdt_setprop alone would
 * overwrite the first copy and keep any other. */
static int replace_prop(void *fdt, int node, const char *prop, const void *val, int len)
{
	int err = delete_prop(fdt, node, prop);

	if (err)
		return err;
	err = fdt_setprop(fdt, node, prop, val, len);
	return err ? dt_chosen_prop_failed(prop, err) : KB_OK;
}

static int replace_prop_u64(void *fdt, int node, const char *prop, uint64_t val)
{
	fdt64_t be = cpu_to_fdt64(val);

	return replace_prop(fdt, node, prop, &be, (int)sizeof(be));
}

int dt_chosen_offset(void *fdt)
{
	int node = fdt_path_offset(fdt, DT_CHOSEN_PATH);

	if (node >= 0)
		return node;
	if (node != -FDT_ERR_NOTFOUND)
		return log_error_ret(dt_kb_err(node), "DT: looking up %s: %s", DT_CHOSEN_PATH,
				     fdt_strerror(node));
	node = fdt_add_subnode(fdt, 0, &DT_CHOSEN_PATH[1]); /* the name without the '/' */
	if (node < 0)
		return log_error_ret(dt_kb_err(node), "DT: cannot create %s: %s", DT_CHOSEN_PATH,
				     fdt_strerror(node));
	return node;
}

int dt_set_bootargs(void *fdt, const char *cmdline)
{
	int node = dt_chosen_offset(fdt);
	size_t len;

	if (node < 0)
		return node;
	if (!cmdline || !cmdline[0])
		return delete_prop(fdt, node, DT_PROP_BOOTARGS);
	len = strnlen(cmdline, DT_CMDLINE_MAX);
	if (len >= DT_CMDLINE_MAX)
		return log_error_ret(
			KB_ERANGE, "kernel command line is longer than the kernel's %u-byte limit",
			DT_CMDLINE_MAX - 1);
	return replace_prop(fdt, node, DT_PROP_BOOTARGS, cmdline, (int)len + 1);
}

int dt_set_initrd(void *fdt, uint64_t start, uint64_t end)
{
	int node = dt_chosen_offset(fdt);
	int err;

	if (node < 0)
		return node;
	if (start > end)
		return log_error_ret(KB_ERANGE,
				     "initrd range [0x%llx, 0x%llx) ends before it starts",
				     (unsigned long long)start, (unsigned long long)end);
	if (start == end) {
		err = delete_prop(fdt, node, DT_PROP_INITRD_START);
		return err ? err : delete_prop(fdt, node, DT_PROP_INITRD_END);
	}
	err = replace_prop_u64(fdt, node, DT_PROP_INITRD_START, start);
	return err ? err : replace_prop_u64(fdt, node, DT_PROP_INITRD_END, end);
}

int dt_set_kaslr_seed(void *fdt, uint64_t seed)
{
	int node = dt_chosen_offset(fdt);

	if (node < 0)
		return node;
	if (!seed)
		return delete_prop(fdt, node, DT_PROP_KASLR_SEED);
	return replace_prop_u64(fdt, node, DT_PROP_KASLR_SEED, seed);
}

int dt_set_rng_seed(void *fdt, const void *seed, size_t len)
{
	int node = dt_chosen_offset(fdt);

	if (node < 0)
		return node;
	if (!len)
		return delete_prop(fdt, node, DT_PROP_RNG_SEED);
	if (!seed || len > DT_RNG_SEED_MAX)
		return log_error_ret(KB_ERANGE, "rng-seed of %zu bytes: want 1..%u", len,
				     DT_RNG_SEED_MAX);
	return replace_prop(fdt, node, DT_PROP_RNG_SEED, seed, (int)len);
}

int dt_delete_memreserve(void *fdt)
{
	int n = fdt_num_mem_rsv(fdt);
	int i, err;

	if (n < 0)
		return log_error_ret(dt_kb_err(n), "DT /memreserve/ list: %s", fdt_strerror(n));
	for (i = n - 1; i >= 0; i--) {
		err = fdt_del_mem_rsv(fdt, i);
		if (err)
			return log_error_ret(dt_kb_err(err), "DT /memreserve/ entry %d: %s", i,
					     fdt_strerror(err));
	}
	if (n)
		log_debug("DT: deleted %d /memreserve/ entries (the EFI memory map rules)", n);
	return KB_OK;
}
