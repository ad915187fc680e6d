/* SPDX-License-Identifier: BSD-2-Clause */
/* AArch64 system-register access by name (Arm ARM C5.2, MRS/MSR), for the PE's _arm64.c
 * files only. Names the assembler knows (mair_el1, hcr_el2, ...) or the generic
 * s<op0>_<op1>_c<n>_c<m>_<op2> form. */
#ifndef KASLBOOT_LIB_SYSREG_H
#define KASLBOOT_LIB_SYSREG_H

#include <stdint.h>

#define READ_SYSREG(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define WRITE_SYSREG(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

#endif
