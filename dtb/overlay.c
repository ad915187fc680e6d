/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/overlay.h"

#include <libfdt.h>

#include "dtb/fdt_error.h"
#include "lib/err.h"
#include "lib/log.h"

int dt_overlay_apply(void *fdt, void *ovl, const char *what)
{
	int err = fdt_overlay_apply(fdt, ovl);
	if (err == -FDT_ERR_NOSPACE)
		return log_error_ret(KB_ENOMEM,
				     "%s: the devicetree with this overlay is over the %u bytes "
				     "it may have",
				     what, fdt_totalsize(fdt));
	if (err)
		return log_error_ret(dt_kb_err(err), "%s: cannot apply the overlay: %s", what,
				     fdt_strerror(err));
	return KB_OK;
}
