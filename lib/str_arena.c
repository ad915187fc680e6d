/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/str_arena.h"

#include <string.h>

char *str_arena_add(struct str_arena *a, const char *s, size_t n)
{
	if (n >= a->size - a->used)
		return NULL;
	char *p = a->buf + a->used;
	memcpy(p, s, n);
	p[n] = 0;
	a->used += n + 1;
	return p;
}
