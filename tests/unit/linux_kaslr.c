/* SPDX-License-Identifier: BSD-2-Clause */
/* Sources (see section 3 of ../shared/reference/linux-arm64-boot-facts.md, relative to the
 * project root; read from the Debian packages linux-source-6.1 6.1.192-2 and
 * linux-source-6.12 6.12.117-1~deb12u1):
 *
 * 6.1, arch/arm64/kernel/pi/kaslr_early.c kaslr_early_init():
 *     return BIT(VA_BITS_MIN - 3) + (seed & GENMASK(VA_BITS_MIN - 3, 0));
 * and arch/arm64/kernel/head.S __primary_switch, with x23 = KERNEL_START & (SZ_2M - 1):
 *     bic x0, x0, #SZ_2M - 1 ; orr x23, x23, x0    (the low 21 bits feed memstart)
 * so kaslr_offset = (PA mod 2M) | (ret & ~(2M - 1)).
 *
 * 6.12, arch/arm64/kernel/pi/kaslr_early.c:
 *     range = (VMALLOC_END - KIMAGE_VADDR) / 2;
 *     return range / 2 + (((__uint128_t)range * seed) >> 64);
 * and pi/map_kernel.c early_map_kernel(): kaslr_offset = pa_base % MIN_KIMG_ALIGN, then
 *     kaslr_offset |= kaslr_seed & ~(MIN_KIMG_ALIGN - 1);
 *
 * In both, vmlinux.lds.S starts the image at KIMAGE_VADDR, so _text = KIMAGE_VADDR +
 * kaslr_offset. A zero seed (without RNDR) makes kaslr_early_init return 0. */
#include "linux_kaslr.h"

#define LINUX61_VA_BITS_MIN 48 /* CONFIG_ARM64_VA_BITS_48 */
#define LINUX61_SEED_BITS (LINUX61_VA_BITS_MIN - 3) /* BIT(45), GENMASK(45, 0) */

static uint64_t misalign(uint64_t text_phys) { return text_phys & (BOOT_IMAGE_ALIGN - 1); }

uint64_t linux61_kaslr_offset(uint64_t seed, uint64_t text_phys)
{
	uint64_t ret;

	if (!seed)
		return misalign(text_phys);
	ret = (1ULL << LINUX61_SEED_BITS) + (seed & ((2ULL << LINUX61_SEED_BITS) - 1));
	return misalign(text_phys) | (ret & ~(BOOT_IMAGE_ALIGN - 1));
}

uint64_t linux61_text_va(uint64_t seed, uint64_t text_phys)
{
	return LINUX61_KIMAGE_VADDR + linux61_kaslr_offset(seed, text_phys);
}

/* High 64 bits of a 64x64 product, from 32-bit halves: no __int128 or libgcc helper needed
 * in the freestanding build. */
static uint64_t mul_hi64(uint64_t a, uint64_t b)
{
	uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
	uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
	uint64_t cross = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi;

	return hi_hi + (hi_lo >> 32) + (cross >> 32);
}

uint64_t linux612_kaslr_offset(uint64_t seed, uint64_t text_phys)
{
	uint64_t range, ret;

	if (!seed)
		return misalign(text_phys);
	range = (LINUX612_VMALLOC_END - LINUX612_KIMAGE_VADDR) / 2;
	ret = range / 2 + mul_hi64(range, seed);
	return misalign(text_phys) | (ret & ~(BOOT_IMAGE_ALIGN - 1));
}

uint64_t linux612_text_va(uint64_t seed, uint64_t text_phys)
{
	return LINUX612_KIMAGE_VADDR + linux612_kaslr_offset(seed, text_phys);
}
