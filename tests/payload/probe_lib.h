/* SPDX-License-Identifier: BSD-2-Clause */
/* The few libc-like helpers the freestanding probe needs, plus the memcpy/memset/memcmp
 * symbols GCC may emit calls to even with -ffreestanding. */
#ifndef PROBE_LIB_H
#define PROBE_LIB_H

#include <stdbool.h>
#include <stddef.h>

bool probe_memeq(const void *a, const void *b, size_t n);
const void *probe_memchr(const void *s, int c, size_t n);
size_t probe_strlen(const char *s);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
