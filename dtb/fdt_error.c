/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/fdt_error.h"

#include <libfdt.h>

#include "dtb/chosen.h"
#include "lib/err.h"
#include "lib/log.h"

int dt_kb_err(int fdt_err)
{
	switch (fdt_err) {
	case 0:
		return KB_OK;
	case -FDT_ERR_NOSPACE:
		return KB_ENOMEM;
	case -FDT_ERR_NOTFOUND:
		return KB_ENOENT;
	case -FDT_ERR_EXISTS:
		return KB_EINVAL;
	case -FDT_ERR_BADMAGIC:
	case -FDT_ERR_BADVERSION:
	case -FDT_ERR_BADVALUE:
	case -FDT_ERR_BADNCELLS:
	case -FDT_ERR_BADPATH:
	case -FDT_ERR_ALIGNMENT:
		return KB_EINVAL;
	default:
		return KB_ECORRUPT;
	}
}

int dt_chosen_prop_failed(const char *prop, int fdt_err)
{
	if (fdt_err == -FDT_ERR_NOSPACE)
		log_error("DT " DT_CHOSEN_PATH "/%s: the DT buffer is full", prop);
	else
		log_error("DT " DT_CHOSEN_PATH "/%s: %s", prop, fdt_strerror(fdt_err));
	return dt_kb_err(fdt_err);
}
