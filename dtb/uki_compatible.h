/* SPDX-License-Identifier: BSD-2-Clause */
/* The one devicetree fact a UKI's `.dtbauto` choice needs (systemd 257 src/boot/devicetree.c
 * devicetree_match): the first string of the root node's "compatible". A minimal matcher
 * for loader/boot_uki.c, named apart so that it can be merged into the devicetree work's
 * dtb/compatible.c. */
#ifndef KASLBOOT_DTB_UKI_COMPATIBLE_H
#define KASLBOOT_DTB_UKI_COMPATIBLE_H

#include <stdbool.h>
#include <stddef.h>

/* The root's first "compatible" string in the blob fdt[0..len), or NULL when the blob's
 * header is not valid within len or the root has no NUL-terminated "compatible". */
const char *dt_root_first_compatible(const void *fdt, size_t len);

/* True when both blobs have a root "compatible" and their first strings are equal. */
bool dt_root_compatible_match(const void *fw_fdt, size_t fw_len, const void *dtb, size_t dtb_len);

#endif
