/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/boot_config.c: the entries' strings (options, initrds, overlays) in the config's
 * string arena. Entries at every limit at once fill several of its chunks and keep their
 * own strings through the arena's new chunks and the entries array's growth; a pool
 * refused at any call leaves loaded entries whole and everything given back. LoaderEntries
 * in BLS order, from the one sort config_select makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/boot_config.h"

#include "assert_kb.h"
#include "fake_platform.h"
#include "log_capture.h"

#define RAM_BYTES (64u << 20)
/* Entry files that fit beside loader.conf and the directories (FAKE_MAX_FILES): at
 * KB_ENTRY_STRINGS_MAX each, several chunks of the arena. */
#define ENTRIES 24

static struct boot_config bc;

/* The string of entry i's field k: `len` bytes of one letter, after a '/' for paths. */
static const char *value(unsigned i, unsigned k, size_t len, bool path)
{
	static char buf[KB_CMDLINE_MAX];
	buf[0] = '/';
	memset(buf + path, 'a' + (char)((i + k) % 26), len - path);
	buf[len] = 0;
	return buf;
}

static void add_entries(void)
{
	static char text[KB_ENTRY_STRINGS_MAX + 1024];
	char name[64];
	for (unsigned i = 0; i < ENTRIES; i++) {
		int n = sprintf(text, "linux /k\nversion %u\n", i);
		for (unsigned k = 0; k < KB_MAX_INITRDS; k++)
			n += sprintf(text + n, "initrd %s\n", value(i, k, KB_PATH_MAX - 1, true));
		for (unsigned k = 0; k < KB_MAX_OVERLAYS; k++)
			n += sprintf(text + n, "devicetree-overlay %s\n",
				     value(i, 100 + k, KB_PATH_MAX - 1, true));
		n += sprintf(text + n, "options %s\n", value(i, 200, KB_CMDLINE_MAX - 1, false));
		sprintf(name, "/loader/entries/e%02u.conf", i);
		fake_fw_add_file(name, text, (size_t)n);
	}
}

static void assert_entry_whole(const struct kb_entry *e)
{
	unsigned i;
	assert_int_equal(sscanf(e->id, "e%u", &i), 1);
	assert_int_equal(e->initrd_count, KB_MAX_INITRDS);
	assert_int_equal(e->overlay_count, KB_MAX_OVERLAYS);
	for (unsigned k = 0; k < KB_MAX_INITRDS; k++)
		assert_string_equal(e->initrd[k], value(i, k, KB_PATH_MAX - 1, true));
	for (unsigned k = 0; k < KB_MAX_OVERLAYS; k++)
		assert_string_equal(e->overlay[k], value(i, 100 + k, KB_PATH_MAX - 1, true));
	assert_string_equal(e->options, value(i, 200, KB_CMDLINE_MAX - 1, false));
}

static int setup(void **state)
{
	fake_fw_init(RAM_BYTES);
	log_capture_start(LOG_WARN);
	memset(&bc, 0, sizeof(bc));
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	fake_fw_free();
	(void)state;
	return 0;
}

static void test_entries_at_every_limit_keep_their_strings(void **state)
{
	(void)state;
	add_entries();
	assert_kb_ok(boot_config_load(&fake_platform, &bc, NULL));
	assert_int_equal(bc.count, ENTRIES);
	for (unsigned i = 0; i < bc.count; i++)
		assert_entry_whole(&bc.entries[i]);
	assert_int_equal(captured_errors, 0);
	boot_config_free(&fake_platform, &bc);
	assert_int_equal(fake.pools_live, 0);
}

/* Every pool allocation and file call refused in turn: what loaded is whole, a refusal is
 * one error line at most, and boot_config_free gives back every pool allocation. */
static void test_refusals_leave_entries_whole(void **state)
{
	(void)state;
	add_entries();
	for (unsigned at = 1;; at++) {
		log_capture_clear();
		fake.calls = 0;
		fake.fail_at = at;
		fake.failed_op = NULL;
		memset(&bc, 0, sizeof(bc));
		int rc = boot_config_load(&fake_platform, &bc, NULL);
		if (!fake.failed_op) {
			assert_kb_ok(rc);
			boot_config_free(&fake_platform, &bc);
			break;
		}
		for (unsigned i = 0; !rc && i < bc.count; i++)
			assert_entry_whole(&bc.entries[i]);
		assert_true(captured_errors <= 1);
		boot_config_free(&fake_platform, &bc);
		assert_int_equal(fake.pools_live, 0);
	}
}

/* LoaderEntries as ASCII, the ids separated by ' '. */
static const char *loader_entries(void)
{
	static char out[256];
	const struct fake_var *v = fake_fw_var("LoaderEntries");
	size_t n = 0;
	assert_non_null(v);
	for (size_t i = 0; i + 1 < v->len && n + 1 < sizeof(out); i += 2)
		out[n++] = v->data[i] ? (char)v->data[i] : ' ';
	out[n ? n - 1 : 0] = 0;
	return out;
}

/* LoaderEntries lists the visible entries in BLS order whichever one is the default:
 * config_select's order with the default put back in its place. */
static void test_loader_entries_in_bls_order_whatever_the_default(void **state)
{
	static const char *const defaults[] = { "e4", "e3", "e1", "e0", "e2", "none" };
	(void)state;
	for (unsigned d = 0; d < sizeof(defaults) / sizeof(defaults[0]); d++) {
		char conf[64], name[64];
		fake_fw_free();
		fake_fw_init(RAM_BYTES);
		for (unsigned i = 0; i < 5; i++) {
			/* e2 is for another architecture: hidden, never listed. */
			const char *text = i == 2 ? "linux /k\narchitecture x64\n" : "linux /k\n";
			sprintf(name, "/loader/entries/e%u.conf", i);
			fake_fw_add_file(name, text, strlen(text));
		}
		int n = sprintf(conf, "default %s\n", defaults[d]);
		fake_fw_add_file("/loader/loader.conf", conf, (size_t)n);
		memset(&bc, 0, sizeof(bc));
		assert_kb_ok(boot_config_load(&fake_platform, &bc, NULL));
		assert_string_equal(loader_entries(), "e4.conf e3.conf e1.conf e0.conf");
		if (d < 4)
			assert_string_equal(bc.entries[bc.order[0]].id, defaults[d]);
		boot_config_free(&fake_platform, &bc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries_at_every_limit_keep_their_strings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_leave_entries_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_loader_entries_in_bls_order_whatever_the_default, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
