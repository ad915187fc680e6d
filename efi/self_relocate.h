/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_EFI_SELF_RELOCATE_H
#define KASLBOOT_EFI_SELF_RELOCATE_H

#include <stdint.h>

/* Adds the load address to every pointer the linker left in the image, from the RELR
 * table scripts/pe-pack.py wrote at _relr. Called by _start (pe/header_aarch64.S) before
 * anything reads a pointer from data; uses no global itself. */
void self_relocate(uint64_t image_base, const uint64_t *relr);

#endif
