/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel-style layouts: the init set (image segments, fixmap with DT and console, trampoline
 * identity map) and the final set (plus the linear map), checked through the walker and the
 * raw enumerator; the DT's kaslr-seed is read back through the fixmap translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libfdt.h>

#include "lib/err.h"
#include "lib/sizes.h"
#include "log_capture.h"
#include "mm/layout.h"
#include "mm/ttbr.h"
#include "mm/walk.h"
#include "assert_kb.h"
#include "mm_testutil.h"

#define RAM_BASE   0x40000000ULL
#define IMAGE_PA   0x48000000ULL
#define IMAGE_VA   0xffff8000c2000000ULL
#define POOL_PA    0x60000000ULL  /* inside RAM, so the tables have a linear alias */
#define FDT_PA     0x4a1ff008ULL  /* odd in-page offset, straddles a 2 MiB boundary */
#define UART_PA    0x09000000ULL
#define TRAMP_PA   0x48400800ULL
#define LM_OFFSET  (0xffff000000000000ULL - RAM_BASE)

static const struct mm_image_segment segs[] = {
	{ 0x000000, 0x200000, MM_RO | MM_EXEC, "text" },
	{ 0x200000, 0x0a0000, MM_RO | MM_XN, "rodata" },
	{ 0x2a0000, 0x160000, MM_RW | MM_XN, "data" },
};

static struct memmap_entry entries[] = {
	{ RAM_BASE, 0x60000, MEMMAP_LOADER_DATA, MEMMAP_ATTR_WB },              /* 1.5 GiB */
	{ 0x09000000, 1, MEMMAP_MMIO, MEMMAP_ATTR_UC },
	{ RAM_BASE + 0x60000000, 0x60600, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB }, /* adjacent */
	{ 0x200000000ULL, 0x100, MEMMAP_RESERVED, MEMMAP_ATTR_WB },
	{ 0x300000000ULL, 0x100, MEMMAP_RUNTIME_SERVICES_DATA, MEMMAP_ATTR_WB | MEMMAP_ATTR_RUNTIME },
	{ 0x400000000ULL, 0x100, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_UC },
	{ 0x500001000ULL, 5, MEMMAP_BOOT_SERVICES_DATA, MEMMAP_ATTR_WB },
};
static const struct memmap mmap = { entries, sizeof(entries) / sizeof(entries[0]) };

struct fx {
	struct mm_page_pool pool;
	void *buf;
	struct mm_layout_params p;
	char fdt[8192] __attribute__((aligned(8)));
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int chosen;
	f->buf = test_pool_new(&f->pool, 512, POOL_PA);
	assert_int_equal(fdt_create_empty_tree(f->fdt, sizeof(f->fdt)), 0);
	chosen = fdt_add_subnode(f->fdt, 0, "chosen");
	assert_true(chosen >= 0);
	assert_int_equal(fdt_setprop_u64(f->fdt, chosen, "kaslr-seed", 0x0123456789abcdefULL), 0);
	f->p = (struct mm_layout_params){
		.va_bits = 48, .image_va = IMAGE_VA, .image_pa = IMAGE_PA, .segs = segs, .nsegs = 3,
		.fdt_pa = FDT_PA, .fdt_size = fdt_totalsize(f->fdt), .fdt_access = MM_RO,
		.has_console = true, .console_pa = UART_PA + 0x18,
		.tramp_pa = TRAMP_PA, .tramp_size = 0x1000, .memmap = &mmap, .lm_offset = LM_OFFSET,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	log_capture_stop();
	free(f->buf);
	free(f);
	return 0;
}

/* The mapping's name in a failure is the VA expression the test wrote. */
#define expect_map(t, va, pa, type, attrs) assert_mapping(t, va, pa, type, attrs, #va)
#define expect_unmapped(t, va) assert_unmapped(t, va, #va)

static void check_image_and_fixmap(struct fx *f, const struct mm_layout *l)
{
	for (size_t i = 0; i < 3; i++) {
		expect_map(&l->ttbr1, IMAGE_VA + segs[i].offset, IMAGE_PA + segs[i].offset,
			   MM_NORMAL_WB, segs[i].attrs);
		expect_map(&l->ttbr1, IMAGE_VA + segs[i].offset + segs[i].size - 1,
			   IMAGE_PA + segs[i].offset + segs[i].size - 1, MM_NORMAL_WB, segs[i].attrs);
	}
	expect_unmapped(&l->ttbr1, IMAGE_VA - 1);
	expect_unmapped(&l->ttbr1, IMAGE_VA + 0x400000);
	/* The DT window covers every byte of the DT, at the documented VA. */
	for (uint64_t off = 0; off < f->p.fdt_size; off += 0x100)
		expect_map(&l->ttbr1, mm_fixmap_fdt_va(FDT_PA) + off, FDT_PA + off, MM_NORMAL_WB,
			   f->p.fdt_access | MM_XN);
	expect_map(&l->ttbr1, mm_fixmap_fdt_va(FDT_PA) + f->p.fdt_size - 1,
		   FDT_PA + f->p.fdt_size - 1, MM_NORMAL_WB, f->p.fdt_access | MM_XN);
	expect_unmapped(&l->ttbr1, mm_fixmap_slot_va(MM_FIX_HOLE));
	expect_map(&l->ttbr1, mm_fixmap_earlycon_va(UART_PA + 0x18), UART_PA + 0x18,
		   MM_DEVICE_nGnRE, MM_RW | MM_XN);
	/* The fixmap lives below MM_FIXMAP_TOP + a page and above its start. */
	assert_true(mm_fixmap_fdt_va(FDT_PA) >= mm_fixmap_start());
	assert_true(mm_fixmap_slot_va(MM_FIX_FDT_END) < MM_FIXMAP_TOP + SZ_4K);
	/* TTBR0: only the trampoline, identity, RX. */
	assert_true(l->has_ttbr0);
	expect_map(&l->ttbr0, TRAMP_PA, TRAMP_PA, MM_NORMAL_WB, MM_RO | MM_EXEC);
	expect_map(&l->ttbr0, TRAMP_PA + 0x1000, TRAMP_PA + 0x1000, MM_NORMAL_WB, MM_RO | MM_EXEC);
	expect_unmapped(&l->ttbr0, (TRAMP_PA & ~0xfffULL) + 0x2000);
	expect_unmapped(&l->ttbr0, (TRAMP_PA & ~0xfffULL) - 1);
}

/* Read `len` bytes at virtual `va` as the CPU would: each byte through the walker, the
 * physical address then resolved to the host buffer that stands for the DT. */
static void read_virt(const struct mm_tables *t, uint64_t va, void *dst, size_t len,
		      const void *fdt_host)
{
	for (size_t i = 0; i < len; i++) {
		struct mm_walk_result w;
		assert_kb_ok(mm_walk(t, va + i, &w));
		assert_true(w.pa >= FDT_PA && w.pa - FDT_PA < 8192);
		((uint8_t *)dst)[i] = ((const uint8_t *)fdt_host)[w.pa - FDT_PA];
	}
}

static void test_init_layout(void **state)
{
	struct fx *f = *state;
	struct mm_layout l;
	char copy[8192];
	const fdt64_t *seed_fix, *seed_id;
	int len;

	assert_kb_ok(mm_layout_init(&f->p, &f->pool, &l));
	check_image_and_fixmap(f, &l);
	/* No linear map in the init set. */
	expect_unmapped(&l.ttbr1, RAM_BASE + LM_OFFSET);
	/* kaslr-seed read through the fixmap equals the one read directly. */
	read_virt(&l.ttbr1, mm_fixmap_fdt_va(FDT_PA), copy, fdt_totalsize(f->fdt), f->fdt);
	assert_int_equal(fdt_check_header(copy), 0);
	seed_fix = fdt_getprop(copy, fdt_path_offset(copy, "/chosen"), "kaslr-seed", &len);
	assert_non_null(seed_fix);
	assert_int_equal(len, 8);
	seed_id = fdt_getprop(f->fdt, fdt_path_offset(f->fdt, "/chosen"), "kaslr-seed", &len);
	assert_memory_equal(seed_fix, seed_id, 8);
	assert_int_equal(fdt64_to_cpu(*seed_fix), 0x0123456789abcdefULL);
}

static void test_fdt_window_limits(void **state)
{
	struct fx *f = *state;
	struct mm_layout l;

	/* A full 2 MiB DT at an odd offset needs 2 MiB + 1 page: exactly the window. */
	f->p.fdt_size = BOOT_DT_MAX_SIZE;
	f->p.fdt_access = MM_RW;
	assert_kb_ok(mm_layout_init(&f->p, &f->pool, &l));
	check_image_and_fixmap(f, &l);
	expect_map(&l.ttbr1, mm_fixmap_slot_va(MM_FIX_FDT_END), (FDT_PA & ~0xfffULL) + 512 * SZ_4K,
		   MM_NORMAL_WB, MM_RW | MM_XN);
	log_capture_start(LOG_ERROR);
	f->p.fdt_size = BOOT_DT_MAX_SIZE + 1;
	f->pool.used = 0;
	assert_int_equal(mm_layout_init(&f->p, &f->pool, &l), KB_ERANGE);
	assert_int_equal(captured_lines, 1);
	f->p.fdt_size = 0;
	assert_int_equal(mm_layout_init(&f->p, &f->pool, &l), KB_ERANGE);
	/* A writable, executable image segment is refused by name. */
	struct mm_image_segment bad[] = { { 0, 0x1000, MM_RW | MM_EXEC, "wx-segment" } };
	f->p.fdt_size = 0x1000;
	f->p.segs = bad;
	f->p.nsegs = 1;
	log_capture_clear();
	assert_int_equal(mm_layout_init(&f->p, &f->pool, &l), KB_EPERM);
	assert_last_logged("wx-segment");
}

struct lm_ctx {
	uint64_t text_lo, text_hi; /* PA range of non-writable image segments */
	uint64_t linear_bytes;
	unsigned writable_text_aliases, exec_linear;
};

static void lm_leaf(const struct test_leaf *leaf, void *vctx)
{
	struct lm_ctx *c = vctx;
	bool in_linear = leaf->va >= 0xffff000000000000ULL &&
			 leaf->va < 0xffff800000000000ULL;
	bool touches_ro = leaf->pa < c->text_hi && leaf->pa + leaf->size > c->text_lo;

	if (touches_ro && !(leaf->desc & MM_DESC_AP_RO))
		c->writable_text_aliases++;
	if (in_linear) {
		c->linear_bytes += leaf->size;
		assert_int_equal(leaf->pa, leaf->va - LM_OFFSET);
		if (!(leaf->desc & MM_DESC_PXN))
			c->exec_linear++;
	}
}

static void test_final_layout(void **state)
{
	struct fx *f = *state;
	struct mm_layout init, fin;
	struct mm_walk_result w;
	struct lm_ctx c = { IMAGE_PA, IMAGE_PA + 0x2a0000, 0, 0, 0 };
	uint64_t ttbr;

	assert_kb_ok(mm_layout_init(&f->p, &f->pool, &init));
	assert_kb_ok(mm_layout_final(&f->p, &f->pool, &fin));
	check_image_and_fixmap(f, &fin);
	/* The final root is its own single page, not the init set's. */
	assert_int_not_equal(fin.ttbr1.root_pa, init.ttbr1.root_pa);
	assert_true(mm_pool_owns_pa(&f->pool, fin.ttbr1.root_pa));

	test_enum_leaves(&fin.ttbr1, lm_leaf, &c);
	assert_int_equal(c.writable_text_aliases, 0);
	assert_int_equal(c.exec_linear, 0);
	/* Linear map = exactly the RAM entries: 3 GiB + 6 MiB merged, plus 5 pages. */
	assert_int_equal(c.linear_bytes, 0xc0600000ULL + 5 * SZ_4K);

	/* Read-write everywhere except the image's text and rodata alias. */
	expect_map(&fin.ttbr1, RAM_BASE + LM_OFFSET, RAM_BASE, MM_NORMAL_WB, MM_RW | MM_XN);
	expect_map(&fin.ttbr1, IMAGE_PA + LM_OFFSET, IMAGE_PA, MM_NORMAL_WB, MM_RO | MM_XN);
	expect_map(&fin.ttbr1, IMAGE_PA + 0x29f000 + LM_OFFSET, IMAGE_PA + 0x29f000, MM_NORMAL_WB,
		   MM_RO | MM_XN);
	expect_map(&fin.ttbr1, IMAGE_PA + 0x2a0000 + LM_OFFSET, IMAGE_PA + 0x2a0000, MM_NORMAL_WB,
		   MM_RW | MM_XN);
	expect_map(&fin.ttbr1, IMAGE_PA - 1 + LM_OFFSET, IMAGE_PA - 1, MM_NORMAL_WB, MM_RW | MM_XN);
	/* The second GiB spans two memmap entries; merged, it is one level-1 block. */
	assert_kb_ok(mm_walk(&fin.ttbr1, 0x80000000ULL + LM_OFFSET, &w));
	assert_int_equal(w.level, 1);
	assert_kb_ok(mm_walk(&fin.ttbr1, 0x100000000ULL + 0x5ff000 + LM_OFFSET, &w));
	assert_int_equal(w.pa, 0x1005ff000ULL);
	expect_unmapped(&fin.ttbr1, 0x100600000ULL + LM_OFFSET);
	expect_map(&fin.ttbr1, 0x500005000ULL + LM_OFFSET, 0x500005000ULL, MM_NORMAL_WB, MM_RW | MM_XN);
	expect_unmapped(&fin.ttbr1, 0x500000000ULL + LM_OFFSET);
	expect_unmapped(&fin.ttbr1, 0x500006000ULL + LM_OFFSET);
	/* Not RAM: MMIO, reserved, runtime data, non-WB. */
	expect_unmapped(&fin.ttbr1, UART_PA + LM_OFFSET);
	expect_unmapped(&fin.ttbr1, 0x200000000ULL + LM_OFFSET);
	expect_unmapped(&fin.ttbr1, 0x300000000ULL + LM_OFFSET);
	expect_unmapped(&fin.ttbr1, 0x400000000ULL + LM_OFFSET);

	/* cpu_replace_ttbr1(lm_alias(root)): the linear alias converts, the image VA does not. */
	assert_int_equal(mm_ttbr_value(&fin.ttbr1, MM_ADDR_LINEAR, fin.ttbr1.root_pa + LM_OFFSET,
				       LM_OFFSET, &ttbr), 0);
	assert_int_equal(ttbr, fin.ttbr1.root_pa);
	/* Linear alias of the root is itself mapped RW in the final set (tables in RAM). */
	expect_map(&fin.ttbr1, fin.ttbr1.root_pa + LM_OFFSET, fin.ttbr1.root_pa, MM_NORMAL_WB,
		   MM_RW | MM_XN);
	log_capture_start(LOG_ERROR);
	assert_int_equal(mm_ttbr_value(&fin.ttbr1, MM_ADDR_KIMAGE, IMAGE_VA + 0x290000, 0, &ttbr),
			 KB_EINVAL);
	assert_int_equal(captured_lines, 1);
	assert_int_equal(mm_ttbr_value(&fin.ttbr1, MM_ADDR_LINEAR, IMAGE_VA + 0x290000, LM_OFFSET,
				       &ttbr), KB_EINVAL);
}

static void test_final_layout_39bit(void **state)
{
	struct fx *f = *state;
	struct mm_layout fin;

	f->p.va_bits = 39;
	f->p.image_va = 0xffffffc0c2000000ULL;
	f->p.lm_offset = 0xffffff8000000000ULL - RAM_BASE;
	/* 39 bits span 512 GiB; RAM up to 0x500006000 fits. */
	assert_kb_ok(mm_layout_final(&f->p, &f->pool, &fin));
	expect_map(&fin.ttbr1, f->p.image_va, IMAGE_PA, MM_NORMAL_WB, MM_RO | MM_EXEC);
	expect_map(&fin.ttbr1, mm_fixmap_fdt_va(FDT_PA), FDT_PA, MM_NORMAL_WB, MM_RO | MM_XN);
	expect_map(&fin.ttbr1, IMAGE_PA + f->p.lm_offset, IMAGE_PA, MM_NORMAL_WB, MM_RO | MM_XN);
	expect_map(&fin.ttbr1, RAM_BASE + f->p.lm_offset, RAM_BASE, MM_NORMAL_WB, MM_RW | MM_XN);
	/* A linear offset that pushes RAM onto the image is caught as an overlap. */
	log_capture_start(LOG_ERROR);
	f->p.lm_offset = f->p.image_va - IMAGE_PA;
	f->pool.used = 0;
	assert_int_equal(mm_layout_final(&f->p, &f->pool, &fin), KB_ERANGE);
	assert_int_equal(captured_lines, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fdt_window_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_layout_39bit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
