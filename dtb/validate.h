/* SPDX-License-Identifier: BSD-2-Clause */
/* The first thing done to any device tree kaslboot did not build itself (the firmware's,
 * or a `devicetree` file from the ESP): prove it is well formed before anything reads it. */
#ifndef KASLBOOT_DTB_VALIDATE_H
#define KASLBOOT_DTB_VALIDATE_H

#include <stddef.h>

#include "lib/log.h"
#include "lib/sizes.h"

/* The booting.rst limits on a DT are BOOT_DT_MAX_SIZE and BOOT_DT_ALIGN (lib/sizes.h). */
/* Alias kept for efi/ until the flow move; remove after. */
#define DT_MAX_SIZE BOOT_DT_MAX_SIZE
/* The only blob version whose header gives every block's size (DTSpec v0.4 5.2,
 * size_dt_struct appears in version 17); dtc, libfdt and EDK2 all write 17. */
#define DT_REQUIRED_VERSION 17u
/* struct fdt_header (DTSpec v0.4 5.2): ten 32-bit fields, what is readable of a blob
 * whose header does not give its size. */
#define DT_HEADER_SIZE 40u

/* Checks a possibly hostile blob: header (magic, versions, block offsets inside totalsize),
 * totalsize <= max_size (the bytes known readable at fdt), the memory reservation block
 * 8-byte and the structure block 4-byte aligned (DTSpec 5.6), no two blocks overlapping,
 * every tag, property and string inside its block (libfdt's fdt_check_full), and exactly
 * one root node. `what` names the blob in the one error line ("firmware DT",
 * "\\dtb\\board.dtb"). Returns 0, KB_EINVAL, KB_ERANGE, KB_EUNSUPP or KB_ECORRUPT. */
int dt_validate(const void *fdt, size_t max_size, const char *what);
/* The same, its one line logged at `lvl`: LOG_WARN for a blob kaslboot can do without
 * (the firmware's, when it ignores a bad one). */
int dt_validate_as(const void *fdt, size_t max_size, const char *what, enum log_level lvl);

#endif
