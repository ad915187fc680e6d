/* SPDX-License-Identifier: BSD-2-Clause */
/* Random input for every configuration parser, under ASan/UBSan: no crash, no read past the
 * given length (inputs live in exact-size heap blocks), only the documented return values,
 * and results that respect the fixed limits. Deterministic seed; a few thousand rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "lib/log.h"
#include "loader/config.h"

#define ROUNDS   5000
#define MAX_TEXT 600

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rng(void)
{
	/* xorshift64*: fixed seed, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void discard(const char *text, size_t len) { (void)text; (void)len; }

/* Mostly config-shaped lines (a key, value pieces, LF or CRLF), with raw random bytes and
 * odd pieces (NUL, bad UTF-8, "..", quotes) mixed in, so the fuzz reaches the value parsers
 * and the success paths, not only the line checks. */
static const char *const keys[] = {
	"title", "version", "machine-id", "sort-key", "linux", "linux", "initrd", "options",
	"devicetree", "architecture", "kaslboot-payload", "efi", "devicetree-overlay", "default",
	"timeout", "kaslr", "kaslr-seed", "log", "selftest", "#", "", "  ", "bogus",
};
static const char *const values[] = {
	"aa64", "x64", "mmu-on", "linux", "menu-force", "menu-hidden", "5", "on", "off",
	"require", "0x", "0", "1", "18446744073709551615", "ffff", "debug", "quiet", "mm", "/",
	"/Image", "..", "\\", " ", "\t", "\"", "=", "*", "?", "[", "]", "!", "~", "^", "-",
	".", "entry=", "nokaslr", "--", "\xc3\xa9", "\xe2\x98\x83", "\xf0\x9f\x90\xa7",
	"\xc0", "\xed\xa0\x80", "\0", "\r", "+0-1",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t put(char *buf, size_t n, size_t max, const char *p)
{
	size_t l = p[0] ? strlen(p) : 1; /* "\0" is one NUL byte */
	if (n + l > max)
		return n;
	memcpy(buf + n, p, l);
	return n + l;
}

static size_t random_text(char *buf, size_t max)
{
	size_t n = 0, lines = rng() % 12;
	for (size_t i = 0; i < lines; i++) {
		n = put(buf, n, max, keys[rng() % COUNT(keys)]);
		n = put(buf, n, max, rng() % 2 ? " " : "\t");
		for (unsigned int k = rng() % 4; k > 0; k--) {
			if (rng() % 40 == 0 && n < max)
				buf[n++] = (char)(rng() & 0xff);
			else
				n = put(buf, n, max, values[rng() % COUNT(values)]);
		}
		n = put(buf, n, max, rng() % 3 ? "\n" : "\r\n");
	}
	return n;
}

static bool terminated(const char *s, size_t size) { return memchr(s, '\0', size) != NULL; }

static void check_entry(const struct kb_entry *e)
{
	assert_true(terminated(e->id, sizeof(e->id)));
	assert_true(terminated(e->title, sizeof(e->title)));
	assert_true(terminated(e->version, sizeof(e->version)));
	assert_true(terminated(e->machine_id, sizeof(e->machine_id)));
	assert_true(terminated(e->sort_key, sizeof(e->sort_key)));
	assert_true(terminated(e->linux_path, sizeof(e->linux_path)));
	assert_true(terminated(e->devicetree, sizeof(e->devicetree)));
	assert_true(strlen(e->options) < KB_CMDLINE_MAX);
	assert_true(e->initrd_count <= KB_MAX_INITRDS);
	for (unsigned int i = 0; i < e->initrd_count; i++)
		assert_true(strlen(e->initrd[i]) < KB_PATH_MAX);
	assert_true(e->hidden || e->linux_path[0]);
}

static bool documented_error(int r)
{
	return r == KB_EINVAL || r == KB_ERANGE || r == KB_ENOMEM;
}

static void test_fuzz_parsers(void **state)
{
	static struct kb_entry entries[8];
	static char tmp[MAX_TEXT + 1];
	struct kb_loader_conf conf;
	unsigned int ok_entries = 0, ok_conf = 0;

	log_set_sink(discard);
	log_set_level(LOG_DEBUG); /* format every message too */
	for (int round = 0; round < ROUNDS; round++) {
		size_t n = random_text(tmp, MAX_TEXT);
		char *text = malloc(n ? n : 1);
		assert_non_null(text);
		memcpy(text, tmp, n);

		static char string_buf[KB_ENTRY_STRINGS_MAX];
		struct str_arena strings;
		struct kb_entry *e = &entries[round % 8];
		str_arena_init(&strings, string_buf, sizeof(string_buf));
		int r = bls_entry_parse("fuzz+1-2.conf", text, n, e, &strings);
		if (r == 0) {
			check_entry(e);
			ok_entries++;
		} else {
			assert_true(documented_error(r));
		}
		r = loader_conf_parse(text, n, &conf);
		if (r == 0) {
			assert_true(terminated(conf.default_pattern, sizeof(conf.default_pattern)));
			assert_true(terminated(conf.selftest, sizeof(conf.selftest)));
			assert_true(!conf.kaslr_seed_fixed || conf.kaslr_seed != 0);
			ok_conf++;
		} else {
			assert_true(documented_error(r));
		}
		free(text);

		/* The string helpers take NUL-terminated text: cut at the first NUL. */
		char *str = malloc(n + 1);
		assert_non_null(str);
		memcpy(str, tmp, n);
		str[n] = '\0';
		char id[16], path[64];
		r = config_load_options_entry_id(str, id, sizeof(id));
		assert_true(r == 0 || r == 1 || documented_error(r));
		if (r == 1)
			assert_true(strlen(id) > 0 && strlen(id) < sizeof(id));
		(void)cmdline_has_option(str, "nokaslr");
		(void)cmdline_has_option(str, "console=ttyAMA0");
		r = path_to_uefi(str, path, sizeof(path));
		assert_true(r == 0 || documented_error(r));
		if (r == 0)
			assert_true(path[0] == '\\' && strlen(path) < sizeof(path));
		size_t half = strlen(str) / 2;
		int c1 = version_compare(str, str + half), c2 = version_compare(str + half, str);
		assert_true((c1 > 0) == (c2 < 0) && (c1 == 0) == (c2 == 0));
		assert_int_equal(version_compare(str, str), 0);
		(void)config_glob_match(str, str + half);
		free(str);
	}
	/* The generator must reach the success paths too, or the fuzz proves little. */
	assert_true(ok_entries > ROUNDS / 50);
	assert_true(ok_conf > ROUNDS / 50);

	/* Whatever parsed, sorting and selection over it stay within bounds. */
	unsigned int order[8];
	struct kb_select_request req = { .requested_id = "fuzz", .oneshot_id = "f*",
					  .default_var_id = "", .saved_id = NULL };
	int n = config_select(entries, 8, NULL, &req, order);
	assert_true(n == KB_ENOENT || (n >= 1 && n <= 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
