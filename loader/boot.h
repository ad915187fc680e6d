/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot flow: what kaslboot does between the firmware starting it and a kernel
 * running, in named phases (loader/boot.c reads top to bottom). Everything the firmware
 * does for it goes through struct kb_platform (loader/platform.h). */
#ifndef KASLBOOT_LOADER_BOOT_H
#define KASLBOOT_LOADER_BOOT_H

#include <stdint.h>

#include "loader/platform.h"

/* The whole flow: configuration, self test, entropy, menu, then the entries in order
 * until one boots. load_options is the image's load options in ASCII ("" for none): an
 * entry id there is booted alone. Returns only when nothing booted, with every
 * allocation given back and boot services up: the error to hand the firmware. */
int kaslboot_boot(const struct kb_platform *pf, const struct kb_firmware *fw,
		  const char *load_options, const char *loader_info, uint64_t t_start);

#endif
