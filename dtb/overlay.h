/* SPDX-License-Identifier: BSD-2-Clause */
/* Devicetree overlays (.dtbo, compiled with dtc -@: DTSpec v0.4 appendix "Overlays"),
 * applied with libfdt's fdt_overlay_apply, as barebox applies the Boot Loader
 * Specification's `devicetree-overlay` files. */
#ifndef KASLBOOT_DTB_OVERLAY_H
#define KASLBOOT_DTB_OVERLAY_H

#include <stddef.h>

/* Applies the overlay at ovl (validated with dt_validate; writable: libfdt rewrites its
 * phandles and fixups as it goes) to fdt, an opened tree (dt_open) whose free space is
 * what it may grow into. `what` names the overlay in the one error line. On failure both
 * trees are unusable (libfdt marks them so): the caller drops this DT. KB_ENOMEM: the
 * result does not fit in fdt's buffer. */
int dt_overlay_apply(void *fdt, void *ovl, const char *what);

#endif
