/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/buffer.h"

#include <stdint.h>
#include <string.h>
#include <libfdt.h>

#include "dtb/chosen.h"
#include "dtb/fdt_error.h"
#include "dtb/validate.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/sizes.h"

/* The cells an empty tree's root gets: 2 (64-bit) addresses and sizes, the defaults the
 * kernel's EFI stub gives its own empty tree (EFI_DT_ADDR_CELLS_DEFAULT/_SIZE_). */
#define DT_MINIMAL_ADDR_CELLS 2u
#define DT_MINIMAL_SIZE_CELLS 2u

static int check_buffer(const void *buf, size_t size, const char *fn)
{
	if (!buf)
		return log_error_ret(KB_EINVAL, "%s: no buffer", fn);
	if ((uintptr_t)buf % BOOT_DT_ALIGN)
		return log_error_ret(KB_EINVAL,
				     "%s: DT buffer %p is not %llu-byte aligned (booting.rst)", fn,
				     buf, BOOT_DT_ALIGN);
	/* libfdt sizes and offsets are int. */
	if (size > INT32_MAX)
		return log_error_ret(KB_ERANGE,
				     "%s: DT buffer of %zu bytes is larger than libfdt can address",
				     fn, size);
	return KB_OK;
}

int dt_open(const void *src, size_t src_max, const char *what, void *buf, size_t buf_size)
{
	int err = dt_validate(src, src_max, what);

	return err ? err : dt_open_valid(src, what, buf, buf_size);
}

/* Where the last of a valid blob's blocks ends (header, reservations with their
 * terminating entry, structure, strings): everything a copy needs. */
static size_t dt_blocks_end(const void *fdt)
{
	uint64_t end = fdt_header_size(fdt);
	uint64_t rsv = fdt_off_mem_rsvmap(fdt) +
		       ((uint64_t)fdt_num_mem_rsv(fdt) + 1) * sizeof(struct fdt_reserve_entry);
	uint64_t st = (uint64_t)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt);
	uint64_t str = (uint64_t)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);
	end = rsv > end ? rsv : end;
	end = st > end ? st : end;
	return (size_t)(str > end ? str : end);
}

int dt_open_valid(const void *src, const char *what, void *buf, size_t buf_size)
{
	int err = check_buffer(buf, buf_size, "dt_open");
	if (err)
		return err;
	/* The blocks are copied, not the free space after them (AAVMF's blob says 1 MiB for
	 * ~8 KiB of tree); the copy is then opened in place, which leaves all of buf after
	 * the blocks as free space. */
	size_t used = dt_blocks_end(src);
	err = used <= buf_size ? 0 : -FDT_ERR_NOSPACE;
	if (!err) {
		memmove(buf, src, used);
		fdt_set_totalsize(buf, (uint32_t)used);
		err = fdt_open_into(buf, buf, (int)buf_size);
	}
	if (err)
		return log_error_ret(dt_kb_err(err),
				     "%s: cannot open into a %zu-byte buffer (tree needs %zu): %s",
				     what ? what : "device tree", buf_size, used,
				     fdt_strerror(err));
	return KB_OK;
}

int dt_create_minimal(void *buf, size_t size)
{
	int err = check_buffer(buf, size, "dt_create_minimal");
	int root;

	if (err)
		return err;
	err = fdt_create_empty_tree(buf, (int)size);
	if (err)
		goto fail;
	root = fdt_path_offset(buf, "/");
	if (root < 0) {
		err = root;
		goto fail;
	}
	err = fdt_setprop_u32(buf, root, "#address-cells", DT_MINIMAL_ADDR_CELLS);
	if (!err)
		err = fdt_setprop_u32(buf, root, "#size-cells", DT_MINIMAL_SIZE_CELLS);
	if (err)
		goto fail;
	err = dt_chosen_offset(buf);
	return err < 0 ? err : KB_OK;
fail:
	return log_error_ret(dt_kb_err(err), "minimal DT: cannot build it in %zu bytes: %s", size,
			     fdt_strerror(err));
}

int dt_finish(void *fdt, size_t *out_size)
{
	int err;

	if (!fdt || !out_size)
		return log_error_ret(KB_EINVAL, "dt_finish: no tree");
	if ((uintptr_t)fdt % BOOT_DT_ALIGN)
		return log_error_ret(KB_EINVAL,
				     "final DT at %p is not %llu-byte aligned (booting.rst)", fdt,
				     BOOT_DT_ALIGN);
	err = fdt_pack(fdt);
	if (err)
		return log_error_ret(dt_kb_err(err), "final DT: fdt_pack failed: %s",
				     fdt_strerror(err));
	if (fdt_totalsize(fdt) > BOOT_DT_MAX_SIZE)
		return log_error_ret(
			KB_ERANGE,
			"final DT is %u bytes, over the kernel's %llu-byte limit (booting.rst)",
			fdt_totalsize(fdt), BOOT_DT_MAX_SIZE);
	/* Our own edits should never break the tree, but the kernel would only hang on it. */
	err = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (err)
		return log_error_ret(KB_ECORRUPT, "final DT is malformed after editing: %s",
				     fdt_strerror(err));
	*out_size = fdt_totalsize(fdt);
	return KB_OK;
}
