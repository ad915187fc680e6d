/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/measured_parts.h"

#include <stdint.h>
#include <libfdt.h>

void dt_measured_parts(const void *fdt, struct dt_part parts[DT_MEASURED_PARTS])
{
	const uint8_t *b = fdt;
	/* The header as version 17 defines it (struct fdt_header, 40 bytes), as U-Boot
	 * hashes sizeof(struct fdt_header). */
	parts[0] = (struct dt_part){ b, sizeof(struct fdt_header) };
	parts[1] = (struct dt_part){ b + fdt_off_dt_struct(fdt), fdt_size_dt_struct(fdt) };
	parts[2] = (struct dt_part){ b + fdt_off_dt_strings(fdt), fdt_size_dt_strings(fdt) };
	parts[3] = (struct dt_part){ b + fdt_off_mem_rsvmap(fdt),
				     ((size_t)fdt_num_mem_rsv(fdt) + 1) *
					     sizeof(struct fdt_reserve_entry) };
}
