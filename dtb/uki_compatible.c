/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/uki_compatible.h"

#include <libfdt.h>
#include <string.h>

#define DT_ROOT_OFFSET 0 /* the root node is the structure block's first (DT spec 5.4) */

const char *dt_root_first_compatible(const void *fdt, size_t len)
{
	int plen;
	if (!fdt || len < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > len)
		return NULL;
	const char *c = fdt_getprop(fdt, DT_ROOT_OFFSET, "compatible", &plen);
	if (!c || plen <= 0 || !memchr(c, 0, (size_t)plen))
		return NULL;
	return c;
}

bool dt_root_compatible_match(const void *fw_fdt, size_t fw_len, const void *dtb, size_t dtb_len)
{
	const char *a = dt_root_first_compatible(fw_fdt, fw_len);
	const char *b = dt_root_first_compatible(dtb, dtb_len);
	return a && b && !strcmp(a, b);
}
