/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/secure_wipe.h"

#include <string.h>

void secure_wipe(void *p, size_t n)
{
	if (!p || !n)
		return;
	memset(p, 0, n);
	/* The asm claims to read the buffer through p and to clobber memory, so the stores
	 * above are observable and cannot be elided, even after inlining or LTO. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
