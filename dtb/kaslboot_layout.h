/* SPDX-License-Identifier: BSD-2-Clause */
/* The kaslboot,* /chosen properties of the MMU-on payload protocol (issue 5): where the
 * payload was placed, physically and virtually, and where everything it needs is mapped.
 * What each property means is documented in dtb/chosen.h. */
#ifndef KASLBOOT_DTB_KASLBOOT_LAYOUT_H
#define KASLBOOT_DTB_KASLBOOT_LAYOUT_H

#include <stdint.h>

#include <kaslboot/protocol.h>

/* One field per property, in the order of dtb/chosen.h; every value is a u64. The names
 * and KASLBOOT_LAYOUT_VERSION are the protocol's (include/kaslboot/protocol.h). */
struct dt_kaslboot_layout {
	uint64_t version;           /* kaslboot,layout-version (set by the writer) */
	uint64_t image_pa;          /* kaslboot,image-phys-base */
	uint64_t image_va;          /* kaslboot,image-virt-base */
	uint64_t image_size;        /* kaslboot,image-size */
	uint64_t linear_map_offset; /* kaslboot,linear-map-offset (VA - PA) */
	uint64_t fixmap_va;         /* kaslboot,fixmap-base */
	uint64_t fixmap_size;       /* kaslboot,fixmap-size */
	uint64_t uart_va;           /* kaslboot,uart-virt-base (0: none) */
	uint64_t stack_top_va;      /* kaslboot,stack-top */
	uint64_t stack_size;        /* kaslboot,stack-size */
	uint64_t idmap_pa;          /* kaslboot,idmap-base */
	uint64_t idmap_size;        /* kaslboot,idmap-size */
};

/* Writes every kaslboot,* property into /chosen (creating it if missing), as big-endian
 * u64s; layout-version is always KASLBOOT_LAYOUT_VERSION, whatever l->version says.
 * Returns 0 or KB_ENOMEM when the buffer is full. */
int dt_set_kaslboot_layout(void *fdt, const struct dt_kaslboot_layout *l);

/* Reads them back (the payload's side of the contract, and the tests'): every property
 * must be present and 8 bytes long, and the version must match. Returns 0, KB_ENOENT,
 * KB_EINVAL (wrong size) or KB_EUNSUPP (other version). */
int dt_get_kaslboot_layout(const void *fdt, struct dt_kaslboot_layout *out);

#endif
