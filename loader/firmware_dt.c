/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/firmware_dt.h"

#include "dtb/validate.h"
#include "lib/log.h"

/* How the one warning names the blob and says what follows. */
#define FIRMWARE_DT_IGNORED                                                                        \
	"ignoring the firmware devicetree (Linux gets an empty one, as from its EFI stub)"

const struct kb_firmware *firmware_dt_screen(const struct kb_firmware *fw, struct kb_firmware *copy)
{
	if (!fw->fdt || fw->fdt_valid)
		return fw;
	*copy = *fw;
	/* fdt_size is 0 when the header is bad: only the header is known to be there. */
	size_t readable = fw->fdt_size ? fw->fdt_size : DT_HEADER_SIZE;
	if (dt_validate_as(fw->fdt, readable, FIRMWARE_DT_IGNORED, LOG_WARN)) {
		copy->fdt = NULL;
		copy->fdt_size = 0;
	} else {
		copy->fdt_valid = true;
	}
	return copy;
}
