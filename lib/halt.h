/* SPDX-License-Identifier: BSD-2-Clause */
/* The one way kaslboot stops a CPU for good: after ExitBootServices, or when a panic has
 * no firmware left to return to. A host build aborts instead, so a test sees it. */
#ifndef KASLBOOT_LIB_HALT_H
#define KASLBOOT_LIB_HALT_H

#ifdef KASLBOOT_HOST
#include <stdlib.h>
static inline __attribute__((noreturn)) void cpu_halt(void) { abort(); }
#else
static inline __attribute__((noreturn)) void cpu_halt(void)
{
	/* WFI with interrupts as the firmware left them: a wake-up only loops back. */
	for (;;)
		__asm__ volatile("wfi");
}
#endif

#endif
