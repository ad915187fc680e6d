/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware-call timing (loader/firmware_time.h): every call reaches the platform
 * underneath with its arguments and comes back with its result, is counted under its kind,
 * a person's wait is not counted, and the report splits the phases' time in two. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_platform.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "log_capture.h"
#include "loader/bli.h"
#include "loader/firmware_time.h"
#include "loader/phase_time.h"

#define RAM (16ULL << 20)

static int setup(void **state)
{
	fake_fw_init(RAM);
	return log_capture_setup(state);
}

static int teardown(void **state)
{
	(void)state;
	log_capture_stop();
	fake_fw_free();
	return 0;
}

static void test_calls_pass_through_and_are_counted(void **state)
{
	(void)state;
	static const char text[] = "title t\nlinux /vmlinuz\n";
	fake_fw_add_file("/loader/entries/t.conf", text, sizeof(text) - 1);
	const struct kb_platform *pf = firmware_time_wrap(&fake_platform);
	assert_ptr_not_equal(pf, &fake_platform);

	void *fh;
	uint64_t size;
	char buf[64] = { 0 };
	assert_int_equal(pf->file_open(pf->ctx, "/loader/entries/t.conf", &fh, &size), 0);
	assert_int_equal(size, sizeof(text) - 1);
	assert_int_equal(pf->file_read(pf->ctx, fh, 0, buf, size), 0);
	assert_string_equal(buf, text);
	pf->file_close(pf->ctx, fh);
	/* A failure comes back as the platform said it. */
	assert_int_equal(pf->file_open(pf->ctx, "/nothing", &fh, &size), KB_ENOENT);

	uint16_t v[2] = { 'x', 0 };
	assert_int_equal(pf->var_set(pf->ctx, &bli_vendor_guid, "LoaderTest", BLI_VOLATILE, v,
				     sizeof(v)), 0);
	assert_non_null(fake_fw_var("LoaderTest"));
	void *p = pf->pool_alloc(pf->ctx, 100);
	assert_non_null(p);
	pf->pool_free(pf->ctx, p);

	assert_int_equal(firmware_time_calls(FW_FILE_OPEN), 3);   /* two opens, one close */
	assert_int_equal(firmware_time_calls(FW_FILE_READ), 1);
	assert_int_equal(firmware_time_calls(FW_VAR_SET), 1);
	assert_int_equal(firmware_time_calls(FW_MEMORY), 2);
	assert_int_equal(firmware_time_calls(FW_VAR_GET), 0);

	/* A new boot starts from nothing. */
	firmware_time_wrap(&fake_platform);
	assert_int_equal(firmware_time_calls(FW_FILE_OPEN), 0);
	assert_int_equal(firmware_time_us(FW_FILE_READ), 0);
}

/* A listing's callbacks (kaslboot reading and parsing each entry) are not the listing's
 * time: the file opened there counts once, as a file-open, and the callback's own work
 * counts as kaslboot's. */
struct listed {
	const struct kb_platform *pf;
	unsigned names;
};

static void slow_entry(const char *name, void *arg)
{
	struct listed *l = arg;
	char path[64];
	void *fh;
	uint64_t size;
	snprintf(path, sizeof(path), "/loader/entries/%s", name);
	assert_int_equal(l->pf->file_open(l->pf->ctx, path, &fh, &size), 0);
	l->pf->file_close(l->pf->ctx, fh);
	uint64_t t0 = cpu_counter();
	while (counter_us(t0, cpu_counter()) < 20000)
		;
	l->names++;
}

static void test_a_listings_callbacks_are_not_the_listings(void **state)
{
	(void)state;
	fake_fw_add_file("/loader/entries/a.conf", "title a\n", 8);
	fake_fw_add_file("/loader/entries/b.conf", "title b\n", 8);
	struct listed l = { .pf = firmware_time_wrap(&fake_platform) };
	assert_int_equal(l.pf->dir_list(l.pf->ctx, "/loader/entries", slow_entry, &l), 0);
	assert_int_equal(l.names, 2);
	assert_int_equal(firmware_time_calls(FW_DIR_LIST), 1);
	assert_int_equal(firmware_time_calls(FW_FILE_OPEN), 4);   /* two opens, two closes */
	/* 40 ms were spent in the callbacks; the fake's listing itself takes microseconds. */
	assert_true(firmware_time_us(FW_DIR_LIST) < 20000);
}

static void test_a_persons_wait_is_not_counted(void **state)
{
	(void)state;
	const struct kb_platform *pf = firmware_time_wrap(&fake_platform);
	struct kb_key key;
	fake_fw_push_key(KB_KEY_DOWN, 0);
	assert_int_equal(pf->read_key(pf->ctx, 1000, &key), 0);
	assert_int_equal(key.kind, KB_KEY_DOWN);
	for (unsigned k = 0; k < FW_CALL_KINDS; k++)
		assert_int_equal(firmware_time_calls(k), 0);
}

/* The report: the kinds called, with their counts, and the phases' time split between the
 * firmware and kaslboot. */
static void test_report(void **state)
{
	(void)state;
	phase_init(cpu_counter());
	phase_enter(PHASE_CONFIG);
	const struct kb_platform *pf = firmware_time_wrap(&fake_platform);
	uint8_t r[16];
	pf->rng(pf->ctx, r, sizeof(r));
	pf->rng(pf->ctx, r, sizeof(r));
	log_info("one line on the console");
	uint64_t t0 = cpu_counter();
	while (counter_us(t0, cpu_counter()) < 3000)
		;
	phase_enter(PHASE_EXIT);
	log_capture_clear();
	firmware_time_report();
	assert_non_null(strstr(captured_last, "firmware calls (ms): rng "));
	assert_non_null(strstr(captured_last, " (2), log-lines "));
	assert_non_null(strstr(captured_last, " (1); in the firmware "));
	assert_null(strstr(captured_last, "file-read"));
	/* The 3 ms spun outside any call are kaslboot's. */
	const char *own = strstr(captured_last, "in kaslboot ");
	assert_non_null(own);
	assert_true(strtod(own + strlen("in kaslboot "), NULL) >= 3.0);
}

/* kaslboot's own memory: the pool and the pages it takes outside the payload's phases, at
 * their highest at once; what is given back no longer counts; the payload's pages never. */
static void test_own_memory_peak(void **state)
{
	(void)state;
	bool all;
	uint64_t base, kernel;
	phase_init(cpu_counter());
	phase_enter(PHASE_CONFIG);
	const struct kb_platform *pf = firmware_time_wrap(&fake_platform);
	void *a = pf->pool_alloc(pf->ctx, 1000);
	void *b = pf->pool_alloc(pf->ctx, 3000);
	assert_int_equal(pf->alloc_below(pf->ctx, 2 * 4096, 0, KB_MEM_DATA, &base), 0);
	pf->pool_free(pf->ctx, b);
	pf->free_pages(pf->ctx, base, 2 * 4096);
	void *c = pf->pool_alloc(pf->ctx, 500);
	phase_enter(PHASE_KERNEL_READ);
	assert_int_equal(pf->alloc_below(pf->ctx, 64 * 4096, 0, KB_MEM_CODE, &kernel), 0);
	assert_int_equal(firmware_time_own_peak(&all), 1000 + 3000 + 2 * 4096);
	assert_true(all);
	pf->free_pages(pf->ctx, kernel, 64 * 4096);
	pf->pool_free(pf->ctx, a);
	pf->pool_free(pf->ctx, c);
	phase_enter(PHASE_EXIT);
	log_capture_clear();
	firmware_time_report();
	assert_non_null(strstr(captured_last, "own memory peak 12 KiB (pool and pages"));
	/* A new wrap starts from nothing. */
	firmware_time_wrap(&fake_platform);
	assert_int_equal(firmware_time_own_peak(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_calls_pass_through_and_are_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_listings_callbacks_are_not_the_listings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_persons_wait_is_not_counted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_memory_peak, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
