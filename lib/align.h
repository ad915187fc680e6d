/* SPDX-License-Identifier: BSD-2-Clause */
/* Power-of-two alignment: pages, blocks, kernel slots, cache lines. One definition, so that
 * no caller writes its own mask. Every `a` here is a power of two (is_pow2 checks one that
 * comes from a file or the firmware); align_up's caller keeps x + a - 1 below 2^64. */
#ifndef KASLBOOT_LIB_ALIGN_H
#define KASLBOOT_LIB_ALIGN_H

#include <stdbool.h>
#include <stdint.h>

static inline bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static inline uint64_t align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }

static inline uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* How far x lies past the last a-aligned address. */
static inline uint64_t align_offset(uint64_t x, uint64_t a) { return x & (a - 1); }

static inline bool is_aligned(uint64_t x, uint64_t a) { return !align_offset(x, a); }

#endif
