/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/efi_handoff.h"

#include <libfdt.h>

#include "dtb/chosen.h"
#include "dtb/fdt_error.h"
#include "lib/err.h"
#include "lib/log.h"

int dt_set_efi_handoff(void *fdt, uint64_t systab_pa, enum dt_secure_boot secure_boot)
{
	const struct {
		const char *name;
		uint32_t value;
	} u32_props[] = {
		{ DT_PROP_UEFI_MMAP_SIZE, DT_UEFI_PLACEHOLDER_U32 },
		{ DT_PROP_UEFI_DESC_SIZE, DT_UEFI_PLACEHOLDER_U32 },
		{ DT_PROP_UEFI_DESC_VER, DT_UEFI_PLACEHOLDER_U32 },
		{ DT_PROP_UEFI_SECURE_BOOT, (uint32_t)secure_boot },
	};
	int node, err;
	size_t i;

	if (secure_boot != DT_SECURE_BOOT_UNKNOWN && secure_boot != DT_SECURE_BOOT_DISABLED &&
	    secure_boot != DT_SECURE_BOOT_ENABLED) {
		return log_error_ret(KB_EINVAL, "DT /chosen/%s: invalid Secure Boot state %d",
				     DT_PROP_UEFI_SECURE_BOOT, (int)secure_boot);
	}
	/* Adding properties to /chosen moves the nodes after it, never /chosen itself. */
	node = dt_chosen_offset(fdt);
	if (node < 0)
		return node;
	err = fdt_setprop_u64(fdt, node, DT_PROP_UEFI_SYSTAB, systab_pa);
	if (err)
		return dt_chosen_prop_failed(DT_PROP_UEFI_SYSTAB, err);
	err = fdt_setprop_u64(fdt, node, DT_PROP_UEFI_MMAP_START, DT_UEFI_PLACEHOLDER_U64);
	if (err)
		return dt_chosen_prop_failed(DT_PROP_UEFI_MMAP_START, err);
	for (i = 0; i < sizeof(u32_props) / sizeof(u32_props[0]); i++) {
		/* Each property is written at its final size (u32) now: the in-place update
		 * cannot change a length later. */
		err = fdt_setprop_u32(fdt, node, u32_props[i].name, u32_props[i].value);
		if (err)
			return dt_chosen_prop_failed(u32_props[i].name, err);
	}
	return KB_OK;
}

int dt_update_efi_mmap(void *fdt, uint64_t mmap_pa, uint32_t mmap_size, uint32_t desc_size,
		       uint32_t desc_ver)
{
	const struct {
		const char *name;
		uint32_t value;
	} u32_props[] = {
		{ DT_PROP_UEFI_MMAP_SIZE, mmap_size },
		{ DT_PROP_UEFI_DESC_SIZE, desc_size },
		{ DT_PROP_UEFI_DESC_VER, desc_ver },
	};
	int node = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	int err;
	size_t i;

	if (node < 0)
		return log_error_ret(dt_kb_err(node),
				     "DT: no %s to update the EFI memory map in: %s",
				     DT_CHOSEN_PATH, fdt_strerror(node));
	/* fdt_setprop_inplace fails with NOSPACE if the size differs: that would mean the
	 * placeholder was not written by dt_set_efi_handoff(). */
	err = fdt_setprop_inplace_u64(fdt, node, DT_PROP_UEFI_MMAP_START, mmap_pa);
	if (err)
		goto fail_start;
	for (i = 0; i < sizeof(u32_props) / sizeof(u32_props[0]); i++) {
		err = fdt_setprop_inplace_u32(fdt, node, u32_props[i].name, u32_props[i].value);
		if (err)
			return log_error_ret(err == -FDT_ERR_NOTFOUND ? KB_ENOENT : KB_EINVAL,
					     "DT /chosen/%s: no u32 placeholder to fill: %s",
					     u32_props[i].name, fdt_strerror(err));
	}
	return KB_OK;
fail_start:
	return log_error_ret(err == -FDT_ERR_NOTFOUND ? KB_ENOENT : KB_EINVAL,
			     "DT /chosen/%s: no u64 placeholder to fill: %s",
			     DT_PROP_UEFI_MMAP_START, fdt_strerror(err));
}
