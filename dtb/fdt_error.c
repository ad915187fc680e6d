#include "dtb/fdt_error.h"

#include <libfdt.h>

#include "lib/err.h"

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
