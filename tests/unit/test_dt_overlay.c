/* SPDX-License-Identifier: BSD-2-Clause */
/* dtb/overlay.c on overlays compiled with dtc -@: applied in order (the later one wins),
 * a label the base does not have fails with one line naming the overlay, and a result that
 * does not fit the buffer is KB_ENOMEM. dtb/measured_parts.c: what a measurement covers. */
#include "dt_testutil.h"

#include "dtb/buffer.h"
#include "dtb/measured_parts.h"
#include "dtb/overlay.h"
#include "dtb/validate.h"
#include "lib/err.h"

#define WORK_SIZE (64u * 1024u)
static uint64_t work_buf[WORK_SIZE / 8];
static void *const work = work_buf;

static void *overlay(const char *name, size_t *size)
{
	void *o = dt_compile_fixture_with(name, "-@", size);
	assert_int_equal(dt_validate(o, *size, name), 0);
	return o;
}

static const char *model(const void *fdt) { return fdt_getprop(fdt, 0, "model", NULL); }

static void test_two_overlays_in_order(void **state)
{
	size_t size, n1, n2;
	(void)state;
	void *base = dt_compile_fixture("dt_qemu_virt.dts", &size);
	void *one = overlay("dt_overlay_one.dtso", &n1);
	void *two = overlay("dt_overlay_two.dtso", &n2);
	assert_int_equal(dt_open(base, size, "base", work, WORK_SIZE), 0);
	log_capture_clear();
	assert_int_equal(dt_overlay_apply(work, one, "/one.dtbo"), 0);
	assert_string_equal(model(work), "overlay one");
	assert_int_equal(dt_overlay_apply(work, two, "/two.dtbo"), 0);
	assert_string_equal(model(work), "overlay two");
	assert_true(fdt_path_offset(work, "/overlay-one") >= 0);
	assert_true(fdt_path_offset(work, "/overlay-two") >= 0);
	assert_true(fdt_path_offset(work, "/psci") >= 0); /* the base is all there */
	assert_int_equal(fdt_check_full(work, fdt_totalsize(work)), 0);
	assert_int_equal(captured_lines, 0);
	free(base);
	free(one);
	free(two);
}

static void test_label_overlay(void **state)
{
	size_t size, n;
	(void)state;
	/* A base with symbols (dtc -@) has the label: applied. */
	void *base = dt_compile_fixture_with("dt_board.dts", "-@", &size);
	void *ovl = overlay("dt_overlay_label.dtso", &n);
	assert_int_equal(dt_open(base, size, "base", work, WORK_SIZE), 0);
	assert_int_equal(dt_overlay_apply(work, ovl, "/leds.dtbo"), 0);
	assert_string_equal(fdt_getprop(work, fdt_path_offset(work, "/leds"), "status", NULL),
			    "okay");
	free(base);
	free(ovl);
	/* QEMU's own DT has no __symbols__: one error line naming the overlay. */
	base = dt_compile_fixture("dt_qemu_virt.dts", &size);
	ovl = overlay("dt_overlay_label.dtso", &n);
	assert_int_equal(dt_open(base, size, "base", work, WORK_SIZE), 0);
	log_capture_clear();
	assert_int_not_equal(dt_overlay_apply(work, ovl, "/leds.dtbo"), 0);
	assert_int_equal(captured_errors, 1);
	/* libfdt's code for it is its version's (1.6: NOTFOUND, 1.7: BADOFFSET). */
	assert_logged("error: /leds.dtbo: cannot apply the overlay: FDT_ERR_");
	free(base);
	free(ovl);
}

static void test_overlay_over_the_buffer(void **state)
{
	size_t size, n;
	(void)state;
	void *base = dt_compile_fixture("dt_qemu_virt.dts", &size);
	void *one = overlay("dt_overlay_one.dtso", &n);
	/* Room for the base and hardly more. */
	size_t room = (size + 64 + 7) & ~(size_t)7;
	assert_int_equal(dt_open(base, size, "base", work, room), 0);
	log_capture_clear();
	assert_int_equal(dt_overlay_apply(work, one, "/one.dtbo"), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_logged("error: /one.dtbo: the devicetree with this overlay is over the");
	free(base);
	free(one);
}

/* The header, structure, strings and reservations (with the empty entry), where the
 * header says they are; free space is in none of them. */
static void test_measured_parts(void **state)
{
	size_t size;
	struct dt_part p[DT_MEASURED_PARTS];
	(void)state;
	void *blob = dt_compile_fixture("dt_qemu_virt.dts", &size); /* two /memreserve/ */
	const uint8_t *b = blob;
	dt_measured_parts(blob, p);
	assert_ptr_equal(p[0].at, b);
	assert_int_equal(p[0].len, 40);
	assert_ptr_equal(p[1].at, b + fdt_off_dt_struct(blob));
	assert_int_equal(p[1].len, fdt_size_dt_struct(blob));
	assert_ptr_equal(p[2].at, b + fdt_off_dt_strings(blob));
	assert_int_equal(p[2].len, fdt_size_dt_strings(blob));
	assert_ptr_equal(p[3].at, b + fdt_off_mem_rsvmap(blob));
	assert_int_equal(p[3].len, 3 * 16);
	/* Opened into a bigger buffer, the parts hold the same bytes. */
	assert_int_equal(dt_open(blob, size, "blob", work, WORK_SIZE), 0);
	struct dt_part q[DT_MEASURED_PARTS];
	dt_measured_parts(work, q);
	for (int i = 1; i < DT_MEASURED_PARTS; i++) {
		assert_int_equal(q[i].len, p[i].len);
		assert_memory_equal(q[i].at, p[i].at, p[i].len);
	}
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_two_overlays_in_order, log_capture_setup),
		cmocka_unit_test_setup(test_label_overlay, log_capture_setup),
		cmocka_unit_test_setup(test_overlay_over_the_buffer, log_capture_setup),
		cmocka_unit_test_setup(test_measured_parts, log_capture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
