/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/validate.h"

#include <stdint.h>
#include <libfdt.h>

#include "dtb/fdt_error.h"
#include "lib/err.h"
#include "lib/log.h"

/* One /memreserve/ entry: a 64-bit address and a 64-bit size (DTSpec 5.3). */
#define DT_RSV_ENTRY_SIZE 16u
/* DTSpec v0.4 5.6 "Alignment": the memory reservation block lies on an 8-byte boundary and
 * the structure block on a 4-byte one, so that their 64- and 32-bit fields can be read
 * without unaligned accesses. */
#define DT_RSVMAP_ALIGN 8u
#define DT_STRUCT_ALIGN 4u

_Static_assert(DT_HEADER_SIZE == sizeof(struct fdt_header), "DTSpec 5.2 header size");

struct dt_block {
	const char *name;
	uint64_t start, end; /* [start, end) in bytes from the blob's base */
};

/* libfdt 1.6.1's checks accept any block offset, and then reads struct fdt_reserve_entry
 * and 32-bit tags through pointers at whatever offset the header gives: misaligned loads,
 * undefined in C and a fault wherever alignment is enforced. Runs before anything walks
 * the reservation list. */
static int check_block_alignment(const void *fdt, const char *what, enum log_level lvl)
{
	if (fdt_off_mem_rsvmap(fdt) % DT_RSVMAP_ALIGN) {
		log_msg(lvl,
			"%s: memory reservation block at offset 0x%x is not %u-byte aligned "
			"(DTSpec 5.6)",
			what, fdt_off_mem_rsvmap(fdt), DT_RSVMAP_ALIGN);
		return KB_EINVAL;
	}
	if (fdt_off_dt_struct(fdt) % DT_STRUCT_ALIGN) {
		log_msg(lvl,
			"%s: structure block at offset 0x%x is not %u-byte aligned (DTSpec 5.6)",
			what, fdt_off_dt_struct(fdt), DT_STRUCT_ALIGN);
		return KB_EINVAL;
	}
	return KB_OK;
}

static int check_blocks_disjoint(const void *fdt, const char *what, enum log_level lvl)
{
	int nrsv = fdt_num_mem_rsv(fdt);
	struct dt_block b[4];
	size_t i, j;

	if (nrsv < 0) {
		log_msg(lvl, "%s: memory reservation block: %s", what, fdt_strerror(nrsv));
		return dt_kb_err(nrsv);
	}
	b[0] = (struct dt_block){ "header", 0, fdt_header_size(fdt) };
	/* The reservation list ends with an all-zero entry, which belongs to the block. */
	b[1] = (struct dt_block){ "memory reservation block", fdt_off_mem_rsvmap(fdt),
				  fdt_off_mem_rsvmap(fdt) +
					  ((uint64_t)nrsv + 1) * DT_RSV_ENTRY_SIZE };
	b[2] = (struct dt_block){ "structure block", fdt_off_dt_struct(fdt),
				  (uint64_t)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) };
	b[3] = (struct dt_block){ "strings block", fdt_off_dt_strings(fdt),
				  (uint64_t)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt) };
	for (i = 0; i < 4; i++) {
		if (b[i].end > fdt_totalsize(fdt)) {
			log_msg(lvl, "%s: %s [0x%llx, 0x%llx) runs past totalsize 0x%x", what,
				b[i].name, (unsigned long long)b[i].start,
				(unsigned long long)b[i].end, fdt_totalsize(fdt));
			return KB_ECORRUPT;
		}
		for (j = i + 1; j < 4; j++) {
			/* Empty blocks (a tree with no strings) overlap nothing. */
			if (b[i].start == b[i].end || b[j].start == b[j].end)
				continue;
			if (b[i].start < b[j].end && b[j].start < b[i].end) {
				log_msg(lvl, "%s: %s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
					what, b[i].name, (unsigned long long)b[i].start,
					(unsigned long long)b[i].end, b[j].name,
					(unsigned long long)b[j].start,
					(unsigned long long)b[j].end);
				return KB_ECORRUPT;
			}
		}
	}
	return KB_OK;
}

/* fdt_check_full() checks that tags balance, but accepts a structure block that starts
 * with FDT_NOP, while libfdt takes "/" to be offset 0. Require the root node (empty name)
 * at offset 0 and FDT_END right after it (libfdt 1.6.1 already rejects a second root;
 * checking it here does not depend on the library's version). */
static int check_single_root(const void *fdt, const char *what, enum log_level lvl)
{
	int len = -1, depth = 0, off = 0, next;
	const char *name = fdt_get_name(fdt, 0, &len);

	if (!name || len != 0) {
		log_msg(lvl, "%s: the structure block does not start with the root node", what);
		return KB_ECORRUPT;
	}
	do {
		off = fdt_next_node(fdt, off, &depth);
	} while (off >= 0 && depth >= 0);
	if (off == -FDT_ERR_NOTFOUND)
		return KB_OK; /* fdt_next_node reached FDT_END inside the root */
	if (off >= 0 && fdt_next_tag(fdt, off, &next) == FDT_END)
		return KB_OK;
	log_msg(lvl, "%s: data after the root node's end (a second root?)", what);
	return KB_ECORRUPT;
}

int dt_validate(const void *fdt, size_t max_size, const char *what)
{
	return dt_validate_as(fdt, max_size, what, LOG_ERROR);
}

int dt_validate_as(const void *fdt, size_t max_size, const char *what, enum log_level lvl)
{
	int err;

	if (!what)
		what = "device tree";
	if (!fdt) {
		log_msg(lvl, "%s: no blob (NULL)", what);
		return KB_EINVAL;
	}
	if (max_size < sizeof(struct fdt_header)) {
		log_msg(lvl, "%s: only %zu bytes, smaller than a DT header (%zu)", what, max_size,
			sizeof(struct fdt_header));
		return KB_ECORRUPT;
	}
	if (fdt_magic(fdt) != FDT_MAGIC) {
		log_msg(lvl, "%s: bad magic 0x%08x (want 0x%08x)", what, fdt_magic(fdt), FDT_MAGIC);
		return KB_EINVAL;
	}
	if (fdt_version(fdt) < DT_REQUIRED_VERSION) {
		log_msg(lvl, "%s: version %u, need %u", what, fdt_version(fdt),
			DT_REQUIRED_VERSION);
		return KB_EUNSUPP;
	}
	err = fdt_check_header(fdt);
	if (err) {
		log_msg(lvl, "%s: bad header: %s", what, fdt_strerror(err));
		return dt_kb_err(err);
	}
	if (fdt_totalsize(fdt) > max_size) {
		log_msg(lvl, "%s: totalsize %u exceeds the %zu bytes available", what,
			fdt_totalsize(fdt), max_size);
		return KB_ERANGE;
	}
	err = check_block_alignment(fdt, what, lvl);
	if (err)
		return err;
	err = check_blocks_disjoint(fdt, what, lvl);
	if (err)
		return err;
	err = fdt_check_full(fdt, max_size);
	if (err) {
		log_msg(lvl, "%s: malformed structure: %s", what, fdt_strerror(err));
		return dt_kb_err(err) == KB_EINVAL ? KB_EINVAL : KB_ECORRUPT;
	}
	return check_single_root(fdt, what, lvl);
}
