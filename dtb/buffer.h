/* SPDX-License-Identifier: BSD-2-Clause */
/* The working copy of the device tree that kaslboot edits and hands to the kernel: opened
 * from the firmware's blob, or created empty on ACPI machines, and packed at the end. */
#ifndef KASLBOOT_DTB_BUFFER_H
#define KASLBOOT_DTB_BUFFER_H

#include <stddef.h>

/* Validates src (see dt_validate; src_max is the bytes readable at src, `what` names it)
 * and copies it with fdt_open_into() into buf, whose whole size becomes free space for
 * the edits. buf must be BOOT_DT_ALIGN aligned. Returns 0, or KB_ENOMEM if the tree does not
 * fit in buf_size, or the validation error. */
int dt_open(const void *src, size_t src_max, const char *what, void *buf, size_t buf_size);
/* The same for a blob that has passed dt_validate already (the firmware's, checked once
 * when kaslboot started): only the copy. */
int dt_open_valid(const void *src, const char *what, void *buf, size_t buf_size);

/* For machines without a firmware DT (ACPI): an empty tree in buf whose root has
 * #address-cells = #size-cells = 2 (64-bit addresses and sizes, as the EFI stub uses)
 * and an empty /chosen node. buf must be BOOT_DT_ALIGN aligned. */
int dt_create_minimal(void *buf, size_t size);

/* Packs the tree (drops the free space) and checks what the kernel will check: the blob
 * is well formed, 8-byte aligned and at most BOOT_DT_MAX_SIZE. On success *out_size is the
 * packed totalsize, the number of bytes the caller must keep and clean to PoC. */
int dt_finish(void *fdt, size_t *out_size);

#endif
