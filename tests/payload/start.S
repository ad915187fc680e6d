/* SPDX-License-Identifier: BSD-2-Clause */
/* Probe entry and exception vectors.
 *
 * _start records the entry state before anything changes it: x0 (the DT's fixmap VA),
 * the OR of x1..x30 (the protocol says they are all 0), SP and DAIF. It then installs the
 * vector table so that any fault in the checks is reported as one line instead of a hang,
 * and calls probe_main(dt, other_regs_or, entry_sp, entry_daif), which never returns. */

/* Vector table layout (Arm ARM D1.10.2): 16 entries of 0x80 bytes, table 2 KiB aligned. */
#define VECTOR_ENTRY_ALIGN 7   /* 2^7 = 0x80 */
#define VECTOR_TABLE_ALIGN 11  /* 2^11 = 2 KiB, VBAR_EL1 bits[10:0] are RES0 */
#define EXC_STACK_SIZE 8192

	.section .text.entry, "ax"
	.globl _start
	.type _start, %function
_start:
	orr	x1, x1, x2
	orr	x1, x1, x3
	orr	x1, x1, x4
	orr	x1, x1, x5
	orr	x1, x1, x6
	orr	x1, x1, x7
	orr	x1, x1, x8
	orr	x1, x1, x9
	orr	x1, x1, x10
	orr	x1, x1, x11
	orr	x1, x1, x12
	orr	x1, x1, x13
	orr	x1, x1, x14
	orr	x1, x1, x15
	orr	x1, x1, x16
	orr	x1, x1, x17
	orr	x1, x1, x18
	orr	x1, x1, x19
	orr	x1, x1, x20
	orr	x1, x1, x21
	orr	x1, x1, x22
	orr	x1, x1, x23
	orr	x1, x1, x24
	orr	x1, x1, x25
	orr	x1, x1, x26
	orr	x1, x1, x27
	orr	x1, x1, x28
	orr	x1, x1, x29
	orr	x1, x1, x30
	mov	x2, sp
	mrs	x3, daif
	adrp	x4, probe_vectors
	add	x4, x4, :lo12:probe_vectors
	msr	vbar_el1, x4
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	probe_main
1:	wfi
	b	1b
	.size _start, . - _start

/* Every vector: x0 = its index, then a common path onto a private stack (the fault may be
 * a stack overflow into the guard page) that hands ESR/FAR/ELR to probe_exception(). */
.macro vector idx
	.balign 1 << VECTOR_ENTRY_ALIGN
	mov	x0, #\idx
	b	exception_common
.endm

	.text
	.balign 1 << VECTOR_TABLE_ALIGN
	.globl probe_vectors
probe_vectors:
	vector 0
	vector 1
	vector 2
	vector 3
	vector 4
	vector 5
	vector 6
	vector 7
	vector 8
	vector 9
	vector 10
	vector 11
	vector 12
	vector 13
	vector 14
	vector 15

exception_common:
	adrp	x1, exc_stack_top
	add	x1, x1, :lo12:exc_stack_top
	mov	sp, x1
	mrs	x1, esr_el1
	mrs	x2, far_el1
	mrs	x3, elr_el1
	bl	probe_exception
2:	wfi
	b	2b

	.bss
	.balign 16
exc_stack:
	.space EXC_STACK_SIZE
exc_stack_top:

	.section .note.GNU-stack, "", %progbits
