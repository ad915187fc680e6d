/* SPDX-License-Identifier: BSD-2-Clause */
/* What a boot leaves the firmware (issue 19), over the fake firmware of fake_platform.h:
 * LoaderBootCountPath names only a counted entry that was entered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assert_kb.h"
#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "lib/utf16.h"
#include "loader/bli.h"
#include "log_capture.h"

#define RAM_BYTES (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE (64u << 10)

static uint8_t kernel_file[KERNEL_FILE_SIZE];

static const char linux_entry[] = "title Linux\nlinux /Image\noptions console=ttyAMA0\n";
static const char missing_entry[] = "title Broken\nlinux /missing-Image\n";

static void make_kernel(void)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 7 + 3);
}

/* A fresh firmware with an RNG and the kernel; entries are added by each test. */
static void setup_esp(const char *loader_conf)
{
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.has_rng = true;
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	if (loader_conf)
		fake_fw_add_file("/loader/loader.conf", loader_conf, strlen(loader_conf));
}

static void add_entry(const char *file_name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "/loader/entries/%s", file_name);
	fake_fw_add_file(path, text, strlen(text));
}

static bool has_file(const char *path)
{
	for (unsigned i = 0; i < fake.nfiles; i++)
		if (!strcmp(fake.files[i].path, path))
			return true;
	return false;
}

static bool run_boot(int *rc)
{
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, rc);
}

static const char *var_text(const char *name)
{
	static char text[512];
	const struct fake_var *v = fake_fw_var(name);
	if (!v)
		return NULL;
	assert_true(utf16_to_utf8((const uint16_t *)v->data, v->len / 2, text, sizeof(text)));
	return text;
}

static void set_var(const char *name, const char *value)
{
	uint16_t w[128];
	long n = utf16_from_utf8(value, w, 128);
	assert_true(n >= 0);
	assert_kb_ok(fake_platform.var_set(NULL, &bli_vendor_guid, name, BLI_VOLATILE, w,
					   ((size_t)n + 1) * 2));
}

/* ---- point 3: LoaderBootCountPath ---------------------------------------------------- */

/* A counted entry that fails uses up its try (its file is renamed), but the variable must
 * not name it when an uncounted fallback boots: systemd-bless-boot in the fallback's OS
 * would mark the broken entry good. A stale value from an earlier loader goes too. */
static void test_count_path_absent_when_uncounted_fallback_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\n");
	add_entry("a+3.conf", missing_entry);
	add_entry("b.conf", linux_entry);
	set_var("LoaderBootCountPath", "\\loader\\entries\\stale+1-1.conf");
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.linux_entered);
	assert_string_equal(var_text("LoaderEntrySelected"), "b.conf");
	assert_logged("falling back to entry 'b'");
	assert_true(has_file("/loader/entries/a+2-1.conf"));   /* a's try is used up */
	if (fake_fw_var("LoaderBootCountPath"))
		fail_msg("LoaderBootCountPath names %s, but uncounted b booted",
			 var_text("LoaderBootCountPath"));
}

/* A counted fallback: the variable names the fallback's new file, not the failed one's. */
static void test_count_path_names_counted_fallback(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\n");
	add_entry("a+3.conf", missing_entry);
	add_entry("b+2.conf", linux_entry);
	assert_true(run_boot(&rc));
	assert_string_equal(var_text("LoaderEntrySelected"), "b.conf");
	assert_true(has_file("/loader/entries/a+2-1.conf"));
	assert_true(has_file("/loader/entries/b+1-1.conf"));
	assert_non_null(fake_fw_var("LoaderBootCountPath"));
	assert_string_equal(var_text("LoaderBootCountPath"), "\\loader\\entries\\b+1-1.conf");
}

/* Every entry fails: the firmware's next boot option runs an OS, whose systemd-bless-boot
 * must not find the failed entry named. */
static void test_count_path_absent_when_nothing_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL);
	add_entry("a+3.conf", missing_entry);
	assert_false(run_boot(&rc));
	assert_true(rc < 0);
	assert_true(has_file("/loader/entries/a+2-1.conf"));
	assert_last_logged("nothing booted: returning to the firmware (");
	if (fake_fw_var("LoaderBootCountPath"))
		fail_msg("LoaderBootCountPath names %s after nothing booted",
			 var_text("LoaderBootCountPath"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_count_path_absent_when_uncounted_fallback_boots,
					  flow_teardown),
		cmocka_unit_test_teardown(test_count_path_names_counted_fallback, flow_teardown),
		cmocka_unit_test_teardown(test_count_path_absent_when_nothing_boots, flow_teardown),
	};
	make_kernel();
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
