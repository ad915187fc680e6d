/* SPDX-License-Identifier: BSD-2-Clause */
/* The machine a devicetree describes: its root node's `compatible` list, most specific
 * first (DTSpec v0.4 2.3.1), and the file a "vendor,board" entry names in the layout the
 * kernel's dtbs_install and Debian's /usr/lib/linux-image-<version>/ use
 * (<vendor>/<board>.dtb). For choosing a per-board DT (a `devicetree` directory) and a
 * UKI's `.dtbauto` section. */
#ifndef KASLBOOT_DTB_COMPATIBLE_H
#define KASLBOOT_DTB_COMPATIBLE_H

#include <stdbool.h>
#include <stddef.h>

/* The index-th string of the root's `compatible` (fdt validated), or NULL past the last
 * one, without one, or when the property is not a list of NUL-terminated strings. */
const char *dt_root_compatible(const void *fdt, int index);

/* "vendor,board" -> "<dir>/vendor/board.dtb" in out. False (out "") when the string is
 * no "vendor,board" pair that makes a safe path (exactly one comma, both sides
 * non-empty, no '/' or '\\', not "." or "..") or the path does not fit in size. */
bool dt_compatible_path(const char *dir, const char *compatible, char *out, size_t size);

/* systemd 257's devicetree_match for `.dtbauto`: true when both blobs (fw_fdt[0..fw_len),
 * dtb[0..dtb_len)) have a root "compatible" and their first strings are equal. Neither
 * need be validated: a blob whose header does not hold within its length never matches. */
bool dt_root_compatible_match(const void *fw_fdt, size_t fw_len, const void *dtb, size_t dtb_len);

#endif
