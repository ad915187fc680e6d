/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/version_sort.c config_sort and loader/config.c: the BLS order, `default` globs
 * (against the C library's fnmatch), load options, the boot order with fallbacks, the
 * bare-ESP default and UEFI path conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <fnmatch.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/config.h"
#include "log_capture.h"

/* More than the first allocation's 64: nothing limits the number of entries. */
#define MANY 300
static struct kb_entry ents[MANY];
static char string_buf[8 * KB_ENTRY_STRINGS_MAX];
static struct str_arena strings;

static void make(unsigned int i, const char *file, const char *body)
{
	/* The entries' strings one after another; when the buffer runs short it starts again
	 * (the tests here read ids and sort fields, not the older entries' options). */
	if (strings.size - strings.used < KB_ENTRY_STRINGS_MAX)
		str_arena_init(&strings, string_buf, sizeof(string_buf));
	if (bls_entry_parse(file, body, strlen(body), &ents[i], &strings))
		fail_msg("%s did not parse: %s", file, captured_log);
}

/* The ids in sorted order, joined by spaces. */
static const char *sorted_ids(unsigned int n)
{
	static char out[1024];
	unsigned int order[MANY];
	config_sort(ents, n, order);
	out[0] = '\0';
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, ents[order[i]].id);
	}
	return out;
}

static void test_sort_rules(void **state)
{
	/* BLS "Sorting": with sort-key first (sort-key A-Z, machine-id A-Z, version newest
	 * first), then without, by file name newest first; bad entries last. */
	make(0, "old-5.10.conf", "linux /k\n");
	make(1, "fedora-6.1.conf", "linux /k\nsort-key fedora\nmachine-id bbb\nversion 6.1.0\n");
	make(2, "fedora-6.10.conf", "linux /k\nsort-key fedora\nmachine-id bbb\nversion 6.10.0\n");
	make(3, "debian.conf", "linux /k\nsort-key debian\nmachine-id zzz\nversion 1\n");
	make(4, "fedora-other.conf", "linux /k\nsort-key fedora\nmachine-id aaa\nversion 1\n");
	make(5, "old-5.9.conf", "linux /k\n");
	make(6, "old-6.0+0-3.conf", "linux /k\n");  /* bad: sorts last despite being newest */
	make(7, "fedora-nomid.conf", "linux /k\nsort-key fedora\nversion 9\n"); /* empty mid first */
	assert_string_equal(sorted_ids(8), "debian fedora-nomid fedora-other fedora-6.10 "
					   "fedora-6.1 old-5.10 old-5.9 old-6.0");
}

static void test_sort_ties_and_counters(void **state)
{
	make(0, "a+1-2.conf", "linux /k\n");
	make(1, "a+3.conf", "linux /k\n");
	make(2, "a.conf", "linux /k\n");
	make(3, "a+1-0.conf", "linux /k\n");
	/* Same id: no counter first, then more tries left, then fewer tries done. */
	unsigned int order[4];
	config_sort(ents, 4, order);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 3);
	assert_int_equal(order[3], 0);
	/* Equal entries keep their input order (stable). */
	make(0, "x.conf", "linux /a\n");
	make(1, "x.conf", "linux /b\n");
	config_sort(ents, 2, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(config_entry_compare(&ents[0], &ents[1]), 0);
}

/* ---- glob against fnmatch ---------------------------------------------------------------- */

static void glob_expect(const char *pat, const char *s)
{
	bool want = fnmatch(pat, s, 0) == 0;
	if (config_glob_match(pat, s) != want)
		fail_msg("glob '%s' on '%s': got %d, fnmatch says %d", pat, s, !want, want);
}

static void test_glob_examples(void **state)
{
	static const char *const pats[] = {
		"fedora-*", "*", "", "?", "a*b*c", "*.conf", "[abc]x", "[!abc]x", "[^abc]x",
		"[a-c]*", "[]]", "[!]]", "[a-]", "[", "a[", "a[b", "\\*", "a\\", "*a*a*a*a*b",
		"[z-a]", "x[-a]", "\\[x]",
	};
	static const char *const strs[] = {
		"", "a", "b", "x", "ax", "bx", "dx", "fedora-6.1", "debian", "abc", "aXbYc", "]",
		"-", "[", "a[", "a[b", "*", "a\\", "aaaaaaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa",
		"x.conf", "[x]",
	};
	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++)
		for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++)
			glob_expect(pats[p], strs[s]);
}

static uint32_t rng_state = 0xc0ffee11u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_glob_random_against_fnmatch(void **state)
{
	/* No ':' (character classes like [:alpha:] are not supported; ids cannot need them). */
	static const char pat_chars[] = "ab-*?[]!^\\.";
	static const char str_chars[] = "ab-[]!^\\.";
	char pat[12], str[12];
	for (int i = 0; i < 20000; i++) {
		size_t pn = rng() % 10, sn = rng() % 10;
		for (size_t k = 0; k < pn; k++)
			pat[k] = pat_chars[rng() % (sizeof(pat_chars) - 1)];
		for (size_t k = 0; k < sn; k++)
			str[k] = str_chars[rng() % (sizeof(str_chars) - 1)];
		pat[pn] = str[sn] = '\0';
		glob_expect(pat, str);
	}
}

/* ---- load options ------------------------------------------------------------------------ */

static void test_load_options(void **state)
{
	char id[KB_ID_MAX];
	assert_int_equal(config_load_options_entry_id("my-entry", id, sizeof(id)), 1);
	assert_string_equal(id, "my-entry");
	assert_int_equal(config_load_options_entry_id("  entry=fedora-6.1  ", id, sizeof(id)), 1);
	assert_string_equal(id, "fedora-6.1");
	assert_int_equal(config_load_options_entry_id("\\EFI\\BOOT\\BOOTAA64.EFI my-entry", id,
						      sizeof(id)), 1);
	assert_string_equal(id, "my-entry");
	assert_int_equal(config_load_options_entry_id("BOOTAA64.EFI\tentry=x", id, sizeof(id)), 1);
	assert_string_equal(id, "x");
	assert_int_equal(config_load_options_entry_id("fs0:\\kaslboot.efi", id, sizeof(id)), 0);
	assert_int_equal(config_load_options_entry_id("kaslboot.Efi", id, sizeof(id)), 0);
	assert_int_equal(config_load_options_entry_id("", id, sizeof(id)), 0);
	assert_int_equal(config_load_options_entry_id(NULL, id, sizeof(id)), 0);
	assert_int_equal(config_load_options_entry_id("   ", id, sizeof(id)), 0);

	assert_int_equal(config_load_options_entry_id("a b", id, sizeof(id)), 1);
	assert_string_equal(id, "a");
	assert_logged("warning: load options: ignoring 'b' after entry id 'a'");

	assert_int_equal(config_load_options_entry_id("entry=", id, sizeof(id)), KB_EINVAL);
	assert_logged("error: load options: 'entry=' names no entry");
	assert_int_equal(config_load_options_entry_id("bad*id", id, sizeof(id)), KB_EINVAL);
	assert_logged("error: load options: entry id 'bad*id' has '*'");
	char small[4];
	assert_int_equal(config_load_options_entry_id("abcd", small, sizeof(small)), KB_ERANGE);
	assert_int_equal(config_load_options_entry_id("abc", small, sizeof(small)), 1);
}

/* ---- selection ---------------------------------------------------------------------------- */

static void setup_three(void)
{
	make(0, "b.conf", "linux /k\n");
	make(1, "a.conf", "linux /k\n");
	make(2, "hidden.conf", "linux /k\narchitecture x64\n");
	make(3, "c.conf", "linux /k\n");
	/* BLS order (ids newest first): c b a; hidden left out. */
}

static const char *order_ids(const unsigned int *order, int n)
{
	static char out[512];
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, ents[order[i]].id);
	}
	return out;
}

/* config_select with only a load-options id (NULL or "" for none). */
static int select_req(unsigned int n, const struct kb_loader_conf *conf, const char *id,
		      unsigned int *order)
{
	struct kb_select_request req = { .requested_id = id };
	return config_select(ents, n, conf, &req, order);
}

static void test_select_first_entry_without_config(void **state)
{
	unsigned int order[MANY];
	setup_three();
	int n = select_req(4, NULL, NULL, order);
	assert_int_equal(n, 3);
	assert_string_equal(order_ids(order, n), "c b a");
}

static void test_select_default_glob(void **state)
{
	unsigned int order[MANY];
	struct kb_loader_conf conf;
	setup_three();
	loader_conf_init(&conf);
	strcpy(conf.default_pattern, "[ab]*"); /* first match in BLS order: b */
	int n = select_req(4, &conf, "", order);
	assert_string_equal(order_ids(order, n), "b c a");
	strcpy(conf.default_pattern, "a");
	n = select_req(4, &conf, NULL, order);
	assert_string_equal(order_ids(order, n), "a c b");
	/* A hidden entry is never chosen, even by name. */
	strcpy(conf.default_pattern, "hidden");
	n = select_req(4, &conf, NULL, order);
	assert_string_equal(order_ids(order, n), "c b a");
	assert_logged("warning: loader/loader.conf: default 'hidden' matches no bootable entry");
}

static void test_select_load_options_win(void **state)
{
	unsigned int order[MANY];
	struct kb_loader_conf conf;
	setup_three();
	loader_conf_init(&conf);
	strcpy(conf.default_pattern, "b");
	int n = select_req(4, &conf, "a", order);
	assert_string_equal(order_ids(order, n), "a c b");
	/* Unknown id: warn and fall back to the default. */
	n = select_req(4, &conf, "nope", order);
	assert_string_equal(order_ids(order, n), "b c a");
	assert_logged("warning: load options name entry 'nope', which is not a bootable entry");
	n = select_req(4, &conf, "hidden", order);
	assert_string_equal(order_ids(order, n), "b c a");
}

static void test_select_errors(void **state)
{
	unsigned int order[MANY];
	setup_three();
	assert_int_equal(select_req(0, NULL, NULL, order), KB_ENOENT);
	assert_logged("error: no bootable entry in loader/entries");
	make(0, "x.conf", "linux /k\narchitecture riscv64\n");
	assert_int_equal(select_req(1, NULL, NULL, order), KB_ENOENT);
}

static void test_select_many_entries(void **state)
{
	unsigned int order[MANY];
	char name[32];
	for (unsigned int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "k-%u.conf", i);
		make(i, name, "linux /k\n");
	}
	int n = select_req(MANY, NULL, NULL, order);
	assert_int_equal(n, MANY);
	for (int i = 0; i < n; i++) /* k-299 first: numeric, not strcmp, order */
		assert_int_equal(order[i], MANY - 1 - i);
}

/* systemd-boot's ids: the file name with ".conf", lower case, counter stripped; every
 * name a user or a tool may write selects the entry. */
static void test_systemd_ids_and_names(void **state)
{
	make(0, "Alt+2-1.conf", "linux /k\n");
	assert_string_equal(ents[0].bli_id, "alt.conf");
	assert_string_equal(ents[0].id, "Alt");
	assert_string_equal(ents[0].file_name, "Alt+2-1.conf");
	assert_true(config_entry_named(&ents[0], "alt.conf"));
	assert_true(config_entry_named(&ents[0], "ALT.CONF"));
	assert_true(config_entry_named(&ents[0], "alt"));
	assert_true(config_entry_named(&ents[0], "Alt+2-1.conf"));
	assert_false(config_entry_named(&ents[0], "alt+2-1"));
	assert_false(config_entry_named(&ents[0], "al"));
	assert_false(config_entry_named(&ents[0], ""));
}

/* `default alt.conf` (what systemd-boot's configs and bootctl write) and `default alt`
 * (kaslboot's) both choose alt; a glob matches either form. */
static void test_select_default_systemd_form(void **state)
{
	unsigned int order[MANY];
	struct kb_loader_conf conf;
	setup_three();
	loader_conf_init(&conf);
	strcpy(conf.default_pattern, "a.conf");
	int n = select_req(4, &conf, NULL, order);
	assert_string_equal(order_ids(order, n), "a c b");
	strcpy(conf.default_pattern, "b*.conf");
	n = select_req(4, &conf, NULL, order);
	assert_string_equal(order_ids(order, n), "b c a");
}

/* Strongest first: load options, LoaderEntryOneShot, LoaderEntryDefault, loader.conf. A
 * name that matches nothing is one warning and the next source decides. */
static void test_select_variables(void **state)
{
	unsigned int order[MANY];
	struct kb_loader_conf conf;
	struct kb_select_request req = { 0 };
	setup_three();
	loader_conf_init(&conf);
	strcpy(conf.default_pattern, "b");
	req.default_var_id = "a.conf";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "a c b");
	req.oneshot_id = "c.conf";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "c b a");
	req.requested_id = "b";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "b c a");
	req.requested_id = NULL;
	req.oneshot_id = "gone.conf";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "a c b");
	assert_logged("warning: LoaderEntryOneShot names entry 'gone.conf', which is not a bootable entry");
	req.oneshot_id = NULL;
	req.default_var_id = "hidden.conf";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "b c a");
	assert_logged("warning: LoaderEntryDefault names entry 'hidden.conf'");
	/* default @saved: the last booted entry, else BLS order. */
	req.default_var_id = NULL;
	strcpy(conf.default_pattern, "@saved");
	req.saved_id = "a.conf";
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "a c b");
	req.saved_id = NULL;
	assert_string_equal(order_ids(order, config_select(ents, 4, &conf, &req, order)), "c b a");
}

/* Boot counting: an entry at +0 is never the default while a good one exists, not even
 * when a glob or LoaderEntryDefault names it; asked for explicitly it still boots. */
static void test_select_bad_entries(void **state)
{
	unsigned int order[MANY];
	struct kb_loader_conf conf;
	struct kb_select_request req = { 0 };
	make(0, "new+0-3.conf", "linux /k\n");
	make(1, "old.conf", "linux /k\n");
	make(2, "mid+1-2.conf", "linux /k\n");
	loader_conf_init(&conf);
	assert_string_equal(order_ids(order, config_select(ents, 3, NULL, NULL, order)),
			    "old mid new");
	strcpy(conf.default_pattern, "new*");
	assert_string_equal(order_ids(order, config_select(ents, 3, &conf, &req, order)),
			    "old mid new");
	req.default_var_id = "new.conf";
	assert_string_equal(order_ids(order, config_select(ents, 3, NULL, &req, order)),
			    "old mid new");
	req.oneshot_id = "new.conf";
	assert_string_equal(order_ids(order, config_select(ents, 3, NULL, &req, order)),
			    "new old mid");
	/* Only bad entries: the first of them boots. */
	make(0, "x+0.conf", "linux /k\n");
	make(1, "y+0-9.conf", "linux /k\n");
	assert_string_equal(order_ids(order, config_select(ents, 2, NULL, NULL, order)), "y x");
}

/* ---- bare ESP default -------------------------------------------------------------------- */

static bool fake_exists(const char *path, void *ctx)
{
	for (const char *const *p = ctx; *p; p++)
		if (strcmp(*p, path) == 0)
			return true;
	return false;
}

static void test_default_entry(void **state)
{
	struct kb_entry d;
	const char *both[] = { "/vmlinuz", "/Image", "/initrd.img", NULL };
	assert_int_equal(config_default_entry(&d, fake_exists, both), 0);
	assert_string_equal(d.linux_path, "/Image");
	assert_int_equal(d.initrd_count, 1);
	assert_string_equal(d.initrd[0], "/initrd.img");
	assert_string_equal(d.id, "default");
	assert_string_equal(d.options, "");
	assert_false(d.hidden);

	const char *vmlinuz[] = { "/vmlinuz", NULL };
	assert_int_equal(config_default_entry(&d, fake_exists, vmlinuz), 0);
	assert_string_equal(d.linux_path, "/vmlinuz");
	assert_int_equal(d.initrd_count, 0);

	const char *none[] = { "/initrd.img", NULL };
	assert_int_equal(config_default_entry(&d, fake_exists, none), KB_ENOENT);
	assert_logged("error: no loader/entries and no /Image or /vmlinuz at the ESP root");
}

/* ---- paths --------------------------------------------------------------------------------- */

static void test_path_to_uefi(void **state)
{
	char buf[32];
	assert_int_equal(path_to_uefi("/vmlinuz", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\vmlinuz");
	assert_int_equal(path_to_uefi("6a98/3.8.0/linux", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\6a98\\3.8.0\\linux");
	assert_int_equal(path_to_uefi("//boot/./x//y/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\boot\\x\\y");
	assert_int_equal(path_to_uefi("\\EFI\\a.efi", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "\\EFI\\a.efi");
	assert_int_equal(path_to_uefi("/a/../b", buf, sizeof(buf)), KB_EINVAL);
	assert_logged("error: path '/a/../b' has a '..' component");
	assert_int_equal(path_to_uefi("/./", buf, sizeof(buf)), KB_EINVAL);
	/* Fits exactly / one byte short. */
	char small[5];
	assert_int_equal(path_to_uefi("/abc", small, sizeof(small)), 0);
	assert_string_equal(small, "\\abc");
	assert_int_equal(path_to_uefi("/abcd", small, sizeof(small)), KB_ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sort_rules, log_capture_setup),
		cmocka_unit_test_setup(test_sort_ties_and_counters, log_capture_setup),
		cmocka_unit_test_setup(test_glob_examples, log_capture_setup),
		cmocka_unit_test_setup(test_glob_random_against_fnmatch, log_capture_setup),
		cmocka_unit_test_setup(test_load_options, log_capture_setup),
		cmocka_unit_test_setup(test_select_first_entry_without_config, log_capture_setup),
		cmocka_unit_test_setup(test_select_default_glob, log_capture_setup),
		cmocka_unit_test_setup(test_select_load_options_win, log_capture_setup),
		cmocka_unit_test_setup(test_select_errors, log_capture_setup),
		cmocka_unit_test_setup(test_select_many_entries, log_capture_setup),
		cmocka_unit_test_setup(test_systemd_ids_and_names, log_capture_setup),
		cmocka_unit_test_setup(test_select_default_systemd_form, log_capture_setup),
		cmocka_unit_test_setup(test_select_variables, log_capture_setup),
		cmocka_unit_test_setup(test_select_bad_entries, log_capture_setup),
		cmocka_unit_test_setup(test_default_entry, log_capture_setup),
		cmocka_unit_test_setup(test_path_to_uefi, log_capture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
