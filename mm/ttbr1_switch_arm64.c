/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/ttbr1_switch.h"

#include "lib/sysreg.h"
#include "mm/arch.h"
#include "mm/cpu.h"
#include "mm/regs.h"

/* Can the firmware's MAIR_EL1 be shared while the init set is live in TTBR1 at EL1? Our
 * indices 0 (Device-nGnRnE), 1 (Normal NC) and 3 (Normal WB) must mean the same to it,
 * and index 4 must be a Device type we may turn into Device-nGnRE (as mm/selftest_arm64.c). */
static bool mair_shareable(uint64_t mair)
{
	const uint64_t shared = MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRnE, MM_U64(0xff)) |
				MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_NC, MM_U64(0xff)) |
				MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_WB, MM_U64(0xff));
	uint8_t a4 = (uint8_t)(mair >> (8 * MM_ATTRIDX_DEVICE_nGnRE));
	return (mair & shared) == (MM_MAIR_VALUE & shared) &&
	       (a4 == MM_MAIR_DEVICE_nGnRnE || a4 == MM_MAIR_DEVICE_nGnRE);
}

enum mm_ttbr1_switch mm_ttbr1_switch_kind(unsigned el)
{
	if (el == 1) {
		uint64_t tcr = READ_SYSREG(tcr_el1), ttbr1 = READ_SYSREG(ttbr1_el1);
		return mair_shareable(READ_SYSREG(mair_el1)) &&
		       ((tcr & MM_TCR_EPD1) || !(ttbr1 & MM_DESC_OA_MASK)) ? MM_SWITCH_LIVE
									     : MM_SWITCH_NONE_MAIR;
	}
	return READ_SYSREG(hcr_el2) & MM_HCR_E2H ? MM_SWITCH_NONE_VHE : MM_SWITCH_REGISTERS;
}

const char *mm_ttbr1_switch_name(enum mm_ttbr1_switch kind)
{
	static const char *const names[] = {
		[MM_SWITCH_LIVE] = "init set live in TTBR1, then swapper by break-before-make",
		[MM_SWITCH_REGISTERS] = "TTBR1_EL1 init then swapper (EL1 regime inert at EL2)",
		[MM_SWITCH_NONE_MAIR] = "swapper installed directly (firmware MAIR/TTBR1 not shareable)",
		[MM_SWITCH_NONE_VHE] = "swapper installed directly (VHE: TTBR1_EL1 is EL2's)",
	};
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

/* AT S1E1R of va lands on pa's page. */
static bool translates(uint64_t va, uint64_t pa)
{
	uint64_t par = mm_at_s1e1r(va);
	return !(par & MM_PAR_F) && (par & MM_PAR_PA_MASK) == (pa & MM_PAR_PA_MASK);
}

bool mm_ttbr1_init_then_final(enum mm_ttbr1_switch kind, unsigned va_bits, uint64_t init,
			      uint64_t final, uint64_t zero_pa, uint64_t dt_va, uint64_t dt_pa)
{
	if (kind == MM_SWITCH_NONE_MAIR || kind == MM_SWITCH_NONE_VHE)
		return true;
	if (kind == MM_SWITCH_LIVE) {
		uint64_t mair = READ_SYSREG(mair_el1), tcr = READ_SYSREG(tcr_el1);
		__asm__ volatile("msr daifset, #0xf" : : : "memory");
		WRITE_SYSREG(mair_el1, (mair & ~MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_U64(0xff))) |
				       MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_MAIR_DEVICE_nGnRE));
		WRITE_SYSREG(tcr_el1, mm_tcr_with_ttbr1(tcr, va_bits));
		mm_install_ttbr1_el1(init);
		if (!translates(dt_va, dt_pa))
			return false;
		mm_cpu_replace_ttbr1(final, zero_pa);
		return translates(dt_va, dt_pa);
	}
	mm_install_ttbr1_el1(init);
	mm_cpu_replace_ttbr1(final, zero_pa);
	return true;
}
