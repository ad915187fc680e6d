/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/devicetree.c, the policy of which DT an entry's kernel gets: a file gets the
 * firmware's EFI_DT_FIXUP_PROTOCOL fixups (the firmware's own DT does not), a directory
 * yields the board's file (FdtFile first, then the firmware DT's compatible strings in
 * order, else the firmware's DT), overlays go on in order and a bad one fails the entry
 * naming it, and under Secure Boot the files are skipped with one warning. Then whole
 * boots: a bad overlay falls back to the next entry; every platform call failing in turn
 * leaves either a booted kernel or a clean return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "dt_testutil.h"
#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "lib/err.h"
#include "lib/sizes.h"
#include "log_capture.h"
#include "loader/boot_state.h"
#include "loader/devicetree.h"
#include "loader/measure.h"

#define RAM_BYTES         (64ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)

static void *buf;
static struct kb_boot boot;
static struct kb_entry entry;

static int setup(void **state)
{
	(void)state;
	flow_firmware_init(true);
	fake_fw_init(RAM_BYTES);
	buf = aligned_alloc(4096, BOOT_DT_MAX_SIZE);
	memset(&boot, 0, sizeof(boot));
	boot.pf = &fake_platform;
	boot.fw = &flow_fw;
	memset(&entry, 0, sizeof(entry));
	strcpy(entry.id, "e");
	log_capture_clear();
	return 0;
}

static int teardown(void **state)
{
	free(buf);
	return flow_teardown(state);
}

static void add_fixture(const char *path, const char *name, const char *flags)
{
	size_t size;
	void *b = dt_compile_fixture_with(name, flags, &size);
	fake_fw_add_file(path, b, size);
	free(b);
}

/* The board fixture with another model, as another board's file. */
static void add_board(const char *path, const char *model)
{
	size_t size;
	void *b = dt_compile_fixture("dt_board.dts", &size);
	void *big = malloc(size + 256);
	assert_int_equal(fdt_open_into(b, big, (int)size + 256), 0);
	assert_int_equal(fdt_setprop_string(big, 0, "model", model), 0);
	assert_int_equal(fdt_pack(big), 0);
	fake_fw_add_file(path, big, fdt_totalsize(big));
	free(b);
	free(big);
}

static const char *model(void)
{
	const char *m = fdt_getprop(buf, 0, "model", NULL);
	return m ? m : "(none)";
}

static bool has_node(const char *path) { return fdt_path_offset(buf, path) >= 0; }

/* The firmware DT's compatible list replaced (flow_fw_dt grown to hold it). */
static void firmware_compatible(const char *list, size_t len)
{
	size_t size = flow_fw_dt_size + 256;
	void *big = malloc(size);
	assert_int_equal(fdt_open_into(flow_fw_dt, big, (int)size), 0);
	assert_int_equal(fdt_setprop(big, 0, "compatible", list, (int)len), 0);
	free(flow_fw_dt);
	flow_fw_dt = big;
	flow_fw.fdt = big;
	flow_fw.fdt_size = size;
}

static void set_fdtfile(const char *value, size_t len)
{
	static const struct kb_guid guid = DT_FDTFILE_GUID;
	assert_int_equal(
		fake_platform.var_set(NULL, &guid, DT_FDTFILE_VAR, KB_VAR_BOOTSERVICE, value, len),
		0);
}

/* ---- a file: the firmware's fixups, then (later) kaslboot's /chosen ----------------- */

static void test_file_gets_the_fixups(void **state)
{
	(void)state;
	add_fixture("/board.dtb", "dt_board.dts", "");
	strcpy(entry.devicetree, "/board.dtb");
	fake.has_dt_fixup = true;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "kaslboot test board");
	assert_true(has_node("/fake-fixup"));
	assert_int_equal(fake.dt_fixup_calls, 1);
	assert_logged("/board.dtb: the firmware's devicetree fixups applied");
	assert_int_equal(captured_errors + captured_warnings, 0);
	assert_int_equal(fake.files_open, 0);
}

static void test_no_fixup_protocol_is_quiet(void **state)
{
	(void)state;
	add_fixture("/board.dtb", "dt_board.dts", "");
	strcpy(entry.devicetree, "/board.dtb");
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "kaslboot test board");
	assert_false(has_node("/fake-fixup"));
	assert_int_equal(captured_errors + captured_warnings, 0);
}

/* The firmware's own DT was fixed up by the firmware already: no second round. */
static void test_firmware_dt_not_fixed_up_again(void **state)
{
	(void)state;
	fake.has_dt_fixup = true;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_int_equal(fake.dt_fixup_calls, 0);
	assert_string_equal(fdt_getprop(buf, 0, "compatible", NULL), "linux,dummy-virt");
}

static void test_fixups_that_fail(void **state)
{
	(void)state;
	add_fixture("/board.dtb", "dt_board.dts", "");
	strcpy(entry.devicetree, "/board.dtb");
	fake.has_dt_fixup = true;
	fake.dt_fixup_want = 4 << 20;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), KB_ERANGE);
	assert_logged("error: /board.dtb: the firmware's fixups want 4194304 bytes, over the "
		      "kernel's 2097152-byte limit (booting.rst)");
	/* Each call failing in turn (the protocol's among them): the entry fails, nothing is
	 * left open. */
	fake.dt_fixup_want = 0;
	fake.calls = 0;
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	unsigned n = fake.calls, fixup_failed = 0;
	for (unsigned k = 1; k <= n; k++) {
		fake.calls = 0;
		fake.fail_at = k;
		fake.failed_op = NULL;
		log_capture_clear();
		int rc = boot_dt_fill(&boot, &entry, buf);
		assert_non_null(fake.failed_op);
		assert_int_not_equal(rc, 0);
		/* (the real platform logs its own file and memory failures; the fake does not) */
		if (!strcmp(fake.failed_op, "dt_fixup")) {
			assert_logged("error: /board.dtb: the firmware's devicetree fixups failed");
			fixup_failed++;
		}
		assert_int_equal(fake.files_open, 0);
	}
	assert_int_equal(fixup_failed, 1);
	fake.fail_at = 0;
}

static void test_missing_file(void **state)
{
	(void)state;
	strcpy(entry.devicetree, "/none.dtb");
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), KB_ENOENT);
	assert_logged("error: /none.dtb: no such file (devicetree of entry 'e')");
}

/* ---- a directory: FdtFile, then compatible, else the firmware's ------------------- */

static void test_directory_by_compatible_in_order(void **state)
{
	static const char list[] = "acme,board2\0linux,dummy-virt";
	(void)state;
	fake_fw_add_dir("/dtbs");
	add_board("/dtbs/acme/board1.dtb", "board one");
	add_board("/dtbs/linux/dummy-virt.dtb", "dummy virt");
	strcpy(entry.devicetree, "/dtbs");
	fake.has_dt_fixup = true;
	/* QEMU virt's one string. */
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "dummy virt");
	assert_logged("devicetree /dtbs/linux/dummy-virt.dtb: matches the firmware's compatible "
		      "\"linux,dummy-virt\"");
	assert_int_equal(fake.dt_fixup_calls, 1); /* a file: fixed up */
	/* The first string without a file is passed over for the next. */
	firmware_compatible(list, sizeof(list));
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "dummy virt");
	/* Once the first has a file, it wins. */
	add_board("/dtbs/acme/board2.dtb", "board two");
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "board two");
	assert_int_equal(captured_errors + captured_warnings, 0);
}

static void test_directory_by_fdtfile(void **state)
{
	(void)state;
	fake_fw_add_dir("/dtbs");
	add_board("/dtbs/acme/board1.dtb", "board one");
	add_board("/dtbs/linux/dummy-virt.dtb", "dummy virt");
	strcpy(entry.devicetree, "/dtbs");
	set_fdtfile("acme/board1.dtb", 16); /* ASCII with its NUL */
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "board one");
	assert_logged("devicetree /dtbs/acme/board1.dtb: named by the FdtFile variable");
	/* UTF-16 too. */
	static const char wide[] = "a\0c\0m\0e\0/\0b\0o\0a\0r\0d\0"
				   "1\0.\0d\0t\0b\0\0";
	set_fdtfile(wide, sizeof(wide));
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "board one");
	/* Naming a file that is not there: one warning, then compatible. */
	set_fdtfile("acme/gone.dtb", 13);
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "dummy virt");
	assert_int_equal(captured_warnings, 1);
	assert_logged("warning: FdtFile names /dtbs/acme/gone.dtb, which is not there");
	/* Climbing out of the directory is not followed. */
	set_fdtfile("../board.dtb", 12);
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "dummy virt");
	assert_int_equal(captured_warnings, 0);
}

static void test_directory_without_a_match(void **state)
{
	(void)state;
	fake_fw_add_dir("/dtbs");
	add_board("/dtbs/acme/board1.dtb", "board one");
	strcpy(entry.devicetree, "/dtbs");
	fake.has_dt_fixup = true;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(fdt_getprop(buf, 0, "compatible", NULL), "linux,dummy-virt");
	assert_int_equal(captured_lines, 1);
	assert_logged("devicetree /dtbs: no file for this board (FdtFile, compatible): the "
		      "firmware's devicetree");
	assert_int_equal(fake.dt_fixup_calls, 0);
	/* No firmware DT at all (ACPI): the minimal tree. */
	flow_firmware_init(false);
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_true(has_node("/chosen"));
}

/* ---- overlays ------------------------------------------------------------------- */

static void test_overlays_in_order(void **state)
{
	(void)state;
	add_fixture("/one.dtbo", "dt_overlay_one.dtso", "-@");
	add_fixture("/two.dtbo", "dt_overlay_two.dtso", "-@");
	/* On the firmware's DT. */
	entry.overlay[0] = "/one.dtbo";
	entry.overlay[1] = "/two.dtbo";
	entry.overlay_count = 2;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "overlay two");
	assert_true(has_node("/overlay-one") && has_node("/overlay-two") && has_node("/psci"));
	/* The other order, on a file. */
	add_fixture("/board.dtb", "dt_board.dts", "");
	strcpy(entry.devicetree, "/board.dtb");
	entry.overlay[0] = "/two.dtbo";
	entry.overlay[1] = "/one.dtbo";
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(model(), "overlay one");
	assert_true(has_node("/leds") && has_node("/overlay-two"));
	assert_int_equal(captured_errors + captured_warnings, 0);
	assert_int_equal(fake.files_open, 0);
}

static void test_bad_overlays_fail_the_entry(void **state)
{
	static const char junk[] = "not a devicetree overlay at all, only some words";
	(void)state;
	add_fixture("/one.dtbo", "dt_overlay_one.dtso", "-@");
	add_fixture("/label.dtbo", "dt_overlay_label.dtso", "-@");
	fake_fw_add_file("/junk.dtbo", junk, sizeof(junk));
	entry.overlay[0] = "/one.dtbo";
	entry.overlay[1] = "/junk.dtbo";
	entry.overlay_count = 2;
	assert_int_not_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_logged("error: entry 'e': devicetree overlay /junk.dtbo not applied");
	/* A well-formed overlay whose label the firmware's DT lacks. */
	entry.overlay[1] = "/label.dtbo";
	log_capture_clear();
	/* libfdt's code for it is its version's (1.6: NOTFOUND, 1.7: BADOFFSET). */
	assert_int_not_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_logged("error: /label.dtbo: cannot apply the overlay: FDT_ERR_");
	assert_logged("error: entry 'e': devicetree overlay /label.dtbo not applied");
	/* A missing one. */
	entry.overlay[1] = "/gone.dtbo";
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), KB_ENOENT);
	assert_logged("error: /gone.dtbo: no such file");
	assert_int_equal(fake.files_open, 0);
}

/* ---- Secure Boot ---------------------------------------------------------------- */

static void test_secure_boot_skips_the_files(void **state)
{
	(void)state;
	add_fixture("/board.dtb", "dt_board.dts", "");
	add_fixture("/one.dtbo", "dt_overlay_one.dtso", "-@");
	flow_fw.secure_boot = true;
	fake.has_dt_fixup = true;
	strcpy(entry.devicetree, "/board.dtb");
	entry.overlay[0] = "/one.dtbo";
	entry.overlay_count = 1;
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_string_equal(fdt_getprop(buf, 0, "compatible", NULL), "linux,dummy-virt");
	assert_false(has_node("/overlay-one"));
	assert_int_equal(captured_warnings, 1);
	assert_int_equal(captured_errors, 0);
	assert_logged("warning: entry 'e': Secure Boot is on: its unsigned devicetree and "
		      "overlays skipped, booting with the firmware's devicetree");
	assert_int_equal(fake.opens, 0); /* not even opened */
	assert_int_equal(fake.dt_fixup_calls, 0);
	/* Overlays alone, and a devicetree alone, say so. */
	entry.devicetree[0] = 0;
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_logged("its unsigned devicetree overlays skipped");
	strcpy(entry.devicetree, "/board.dtb");
	entry.overlay_count = 0;
	log_capture_clear();
	assert_int_equal(boot_dt_fill(&boot, &entry, buf), 0);
	assert_logged("its unsigned devicetree skipped");
}

/* ---- whole boots ---------------------------------------------------------------- */

static uint8_t kernel_file[64 << 10];

static void setup_esp(const char *entry_a, const char *entry_b)
{
	fake_fw_init(256ULL << 20);
	fake_cpu_reset();
	fake.has_rng = true;
	fake.has_dt_fixup = true;
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	add_fixture("/board.dtb", "dt_board.dts", "");
	add_fixture("/one.dtbo", "dt_overlay_one.dtso", "-@");
	add_fixture("/two.dtbo", "dt_overlay_two.dtso", "-@");
	fake_fw_add_file("/bad.dtbo", "\xd0\x0d\xfe\xed garbage", 13);
	fake_fw_add_config("default a\n", entry_a, entry_b);
}

static const char bad_entry[] = "linux /Image\ndevicetree /board.dtb\n"
				"devicetree-overlay /one.dtbo /bad.dtbo\n";
static const char good_entry[] = "linux /Image\ndevicetree /board.dtb\n"
				 "devicetree-overlay /one.dtbo /two.dtbo\n";

static void test_bad_overlay_falls_back(void **state)
{
	int rc = 0;
	(void)state;
	setup_esp(bad_entry, good_entry);
	log_capture_clear();
	assert_true(fake_cpu_run_boot(&flow_fw, &rc));
	assert_true(fake_cpu.linux_entered);
	assert_logged("error: entry 'a': devicetree overlay /bad.dtbo not applied");
	assert_logged("falling back to entry 'b'");
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	assert_string_equal(fdt_getprop(dt, 0, "model", NULL), "overlay two");
	assert_true(fdt_path_offset(dt, "/fake-fixup") >= 0);
	int chosen = fdt_path_offset(dt, "/chosen");
	assert_non_null(fdt_getprop(dt, chosen, "kaslr-seed", NULL)); /* kaslboot's, after */
}

/* Every platform call of that boot failing in turn: a kernel entered, or a clean return. */
static void test_every_call_fails(void **state)
{
	int rc = 0;
	(void)state;
	setup_esp(good_entry, NULL);
	log_capture_clear();
	assert_true(fake_cpu_run_boot(&flow_fw, &rc));
	unsigned n = fake.calls, survived = 0;
	for (unsigned k = 1; k <= n; k++) {
		flow_firmware_init(true);
		setup_esp(good_entry, NULL);
		fake.fail_at = k;
		log_capture_clear();
		if (fake_cpu_run_boot(&flow_fw, &rc)) {
			survived++;
			continue;
		}
		if (rc >= 0 || fake.nallocs || fake.pools_live || fake.files_open || fake.exited)
			fail_msg("call %u (%s): rc %d, %u allocations, %d pools, %d open files", k,
				 fake.failed_op, rc, fake.nallocs, fake.pools_live,
				 fake.files_open);
		assert_last_logged("nothing booted: returning to the firmware (");
	}
	assert_true(survived > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_gets_the_fixups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fixup_protocol_is_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firmware_dt_not_fixed_up_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixups_that_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_by_compatible_in_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_directory_by_fdtfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_without_a_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlays_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_overlays_fail_the_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secure_boot_skips_the_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_overlay_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_call_fails, setup, teardown),
	};
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
