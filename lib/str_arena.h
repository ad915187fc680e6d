/* SPDX-License-Identifier: BSD-2-Clause */
/* Strings packed one after another in a buffer the caller owns: each added string is
 * copied with its NUL and stays where it is until the buffer goes. For data of many small
 * strings of any length (the entries' options and paths) without a fixed array per field. */
#ifndef KASLBOOT_LIB_STR_ARENA_H
#define KASLBOOT_LIB_STR_ARENA_H

#include <stddef.h>

struct str_arena {
	char *buf;
	size_t used, size;
};

static inline void str_arena_init(struct str_arena *a, char *buf, size_t size)
{
	a->buf = buf;
	a->used = 0;
	a->size = size;
}

/* Copies s[0..n) and a NUL into the arena: the copy, or NULL when it does not fit. */
char *str_arena_add(struct str_arena *a, const char *s, size_t n);

#endif
