/* SPDX-License-Identifier: BSD-2-Clause */
/* Zeroing of secrets (seeds, keys, hash state) that the compiler may not drop as a dead
 * store: a plain memset before a buffer goes out of scope is legally removable. */
#ifndef KASLBOOT_LIB_SECURE_WIPE_H
#define KASLBOOT_LIB_SECURE_WIPE_H

#include <stddef.h>

void secure_wipe(void *p, size_t n);

#endif
