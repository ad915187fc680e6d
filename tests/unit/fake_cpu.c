/* SPDX-License-Identifier: BSD-2-Clause */
/* The CPU the boot flow ends on, faked for host tests (see fake_platform.h). */
#include <setjmp.h>
#include <string.h>

#include "fake_platform.h"
#include "loader/boot.h"
#include "mm/cpu.h"
#include "mm/selftest.h"
#include "mm/ttbr1_switch.h"

struct fake_entry fake_cpu;
jmp_buf fake_cpu_entered;

/* A page of "trampoline" the TTBR0 identity map covers. */
static uint8_t fake_tramp[2 * 4096] __attribute__((aligned(4096)));

/* ID_AA64MMFR0_EL1.PARange 0b0101: 48-bit physical addresses. */
#define FAKE_PARANGE_48 5

void fake_cpu_reset(void)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
}

unsigned mm_current_el(void) { return 1; }
unsigned mm_cpu_parange(void) { return FAKE_PARANGE_48; }
uint64_t mm_at_s1e1r(uint64_t va) { return va; }
uint64_t mm_at_s1e1w(uint64_t va) { return va; }

void mm_dcache_clean_poc(uint64_t va, uint64_t size)
{
	if (fake_cpu.cleans < FAKE_MAX_CLEANS) {
		fake_cpu.cleaned[fake_cpu.cleans].va = va;
		fake_cpu.cleaned[fake_cpu.cleans].size = size;
		fake_cpu.cleaned[fake_cpu.cleans].after_exit = fake.exited;
	}
	fake_cpu.cleans++;
}

void mm_icache_invalidate_all(void) { fake_cpu.icache_invalidated = true; }
void mm_install_ttbr0_el1(uint64_t ttbr0) { (void)ttbr0; }
void mm_install_ttbr1_el1(uint64_t ttbr1) { (void)ttbr1; }
void mm_cpu_replace_ttbr1(uint64_t t, uint64_t z) { (void)t; (void)z; }

void mm_tramp_range(uint64_t *pa, uint64_t *size)
{
	*pa = (uint64_t)(uintptr_t)fake_tramp;
	*size = 100;
}

void mm_jump_mmu_off(uint64_t entry, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	(void)x2;
	(void)x3;
	fake_cpu.linux_entered = true;
	fake_cpu.entry = entry;
	fake_cpu.x0 = x0;
	fake_cpu.x1 = x1;
	longjmp(fake_cpu_entered, 1);
}

void mm_enter_mmu_on(const struct mm_mmu_on_args *a)
{
	fake_cpu.mmu_on_entered = true;
	fake_cpu.args = *a;
	fake_cpu.entry = a->entry;
	fake_cpu.x0 = a->x0;
	fake_cpu.x1 = a->x1;
	longjmp(fake_cpu_entered, 1);
}

enum mm_ttbr1_switch mm_ttbr1_switch_kind(unsigned el)
{
	(void)el;
	return MM_SWITCH_NONE_MAIR;
}

const char *mm_ttbr1_switch_name(enum mm_ttbr1_switch kind)
{
	(void)kind;
	return "fake CPU: none";
}

bool mm_ttbr1_init_then_final(enum mm_ttbr1_switch kind, unsigned va_bits, uint64_t init,
			      uint64_t final, uint64_t zero_pa, uint64_t dt_va, uint64_t dt_pa)
{
	(void)kind, (void)va_bits, (void)init, (void)final, (void)zero_pa, (void)dt_va;
	(void)dt_pa;
	return true;
}

int mm_cpu_selftest_run(const void *fdt, uint64_t fdt_pa, uint64_t fdt_size,
			struct mm_page_pool *pool, mm_selftest_seed_fn read_seed)
{
	(void)fdt, (void)fdt_pa, (void)fdt_size, (void)pool, (void)read_seed;
	return 0;
}

bool fake_cpu_run_boot(const struct kb_firmware *fw, int *rc)
{
	if (setjmp(fake_cpu_entered) == 0) {
		*rc = kaslboot_boot(&fake_platform, fw, "", "kaslboot test", 0);
		return false;
	}
	return true;
}
