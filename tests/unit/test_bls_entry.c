/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/bls_entry.c: BLS Type #1 entry files, every key, the line format and its errors.
 * Errors are checked by their exact "file:line: message" text in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/config.h"
#include "log_capture.h"

static struct kb_entry e;
/* The entry's strings: exactly the room one entry at its limits may take, emptied before
 * each parse. */
static char string_buf[KB_ENTRY_STRINGS_MAX];
static struct str_arena strings;

static int parse_n(const char *name, const char *text, size_t len)
{
	str_arena_init(&strings, string_buf, sizeof(string_buf));
	return bls_entry_parse(name, text, len, &e, &strings);
}

static int parse(const char *name, const char *text) { return parse_n(name, text, strlen(text)); }

static void test_spec_example(void **state)
{
	/* The complete example of the BLS, with architecture changed to ours. */
	const char *text =
		"# /boot/loader/entries/6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.x86_64.conf\n"
		"title        Fedora 19 (Rawhide)\n"
		"sort-key     fedora\n"
		"machine-id   6a9857a393724b7a981ebb5b8495b9ea\n"
		"version      3.8.0-2.fc19.x86_64\n"
		"options      root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 quiet\n"
		"architecture aa64\n"
		"linux        /6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/linux\n"
		"initrd       /6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/initrd\n"
		"devicetree   /dtbs/virt.dtb\n";
	assert_int_equal(parse("6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19.conf", text), 0);
	assert_string_equal(e.id, "6a9857a393724b7a981ebb5b8495b9ea-3.8.0-2.fc19");
	assert_string_equal(e.title, "Fedora 19 (Rawhide)");
	assert_string_equal(e.sort_key, "fedora");
	assert_string_equal(e.machine_id, "6a9857a393724b7a981ebb5b8495b9ea");
	assert_string_equal(e.version, "3.8.0-2.fc19.x86_64");
	assert_string_equal(e.options, "root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 quiet");
	assert_string_equal(e.linux_path,
			    "/6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/linux");
	assert_int_equal(e.initrd_count, 1);
	assert_string_equal(e.initrd[0],
			    "/6a9857a393724b7a981ebb5b8495b9ea/3.8.0-2.fc19.x86_64/initrd");
	assert_string_equal(e.devicetree, "/dtbs/virt.dtb");
	assert_false(e.hidden);
	assert_int_equal(e.payload, KB_PAYLOAD_LINUX);
	assert_int_equal(e.tries_left, KB_TRIES_NONE);
	assert_int_equal(captured_len, 0); /* nothing to warn about */
}

static void test_minimal_entry_defaults(void **state)
{
	assert_int_equal(parse("a.conf", "linux /vmlinuz"), 0); /* no final newline */
	assert_string_equal(e.id, "a");
	assert_string_equal(e.linux_path, "/vmlinuz");
	assert_string_equal(e.title, "");
	assert_string_equal(e.options, "");
	assert_int_equal(e.initrd_count, 0);
	assert_string_equal(e.devicetree, "");
}

static void test_initrds_in_order_up_to_limit(void **state)
{
	char text[2048] = "linux /k\n";
	for (int i = 0; i < KB_MAX_INITRDS; i++)
		sprintf(text + strlen(text), "initrd /initrd-%d.img\n", i);
	assert_int_equal(parse("i.conf", text), 0);
	assert_int_equal(e.initrd_count, KB_MAX_INITRDS);
	for (int i = 0; i < KB_MAX_INITRDS; i++) {
		char want[32];
		sprintf(want, "/initrd-%d.img", i);
		assert_string_equal(e.initrd[i], want);
	}
	/* One more is refused, naming the line of the extra one. */
	strcat(text, "initrd /one-too-many\n");
	assert_int_equal(parse("i.conf", text), KB_ERANGE);
	char want[80];
	sprintf(want, "error: loader/entries/i.conf:%d: more than %d 'initrd' lines",
		KB_MAX_INITRDS + 2, KB_MAX_INITRDS);
	assert_logged(want);
}

static void test_options_joined_with_one_space(void **state)
{
	assert_int_equal(parse("o.conf", "options  root=/dev/vda   ro \n"
					 "linux /k\n"
					 "options\tconsole=ttyAMA0 quiet\n"
					 "options foo=\"a  b\"\n"), 0);
	/* Lines trimmed and joined with one space; blanks inside a line are kept. */
	assert_string_equal(e.options, "root=/dev/vda   ro console=ttyAMA0 quiet foo=\"a  b\"");
}

static void test_options_total_too_long(void **state)
{
	static char text[3 * KB_CMDLINE_MAX];
	char line[KB_CMDLINE_MAX / 2 + 16];
	memset(line, 'x', sizeof(line));
	memcpy(line, "options ", 8);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	strcpy(text, "linux /k\n");
	strcat(text, line); /* line 2: about half the limit */
	assert_int_equal(parse("o.conf", text), 0);
	strcat(text, line); /* line 3: over it */
	assert_int_equal(parse("o.conf", text), KB_ERANGE);
	assert_logged("error: loader/entries/o.conf:3: 'options' lines add up to more than 4095 bytes");
}

/* A path of n bytes (without its NUL): "/" and then c up to the length. */
static char *long_path(char *buf, size_t n, char c)
{
	buf[0] = '/';
	memset(buf + 1, c, n - 1);
	buf[n] = 0;
	return buf;
}

/* Every string at its limit at once: 8 initrds and 8 overlays of KB_PATH_MAX - 1 bytes,
 * options of KB_CMDLINE_MAX - 1. They fill KB_ENTRY_STRINGS_MAX exactly, and one byte less
 * of arena is one error line, the arena given back. */
static void test_every_string_at_its_limit(void **state)
{
	static char text[KB_ENTRY_STRINGS_MAX + 1024];
	char path[KB_PATH_MAX], opts[KB_CMDLINE_MAX];
	(void)state;
	strcpy(text, "linux /k\n");
	for (int i = 0; i < KB_MAX_INITRDS; i++)
		sprintf(text + strlen(text), "initrd %s\n",
			long_path(path, KB_PATH_MAX - 1, (char)('a' + i)));
	for (int i = 0; i < KB_MAX_OVERLAYS; i++)
		sprintf(text + strlen(text), "devicetree-overlay %s\n",
			long_path(path, KB_PATH_MAX - 1, (char)('A' + i)));
	memset(opts, 'o', KB_CMDLINE_MAX - 1);
	opts[KB_CMDLINE_MAX - 1] = 0;
	sprintf(text + strlen(text), "options %s\n", opts);

	assert_int_equal(parse("max.conf", text), 0);
	assert_int_equal(strings.used, KB_ENTRY_STRINGS_MAX);
	assert_int_equal(e.initrd_count, KB_MAX_INITRDS);
	assert_int_equal(e.overlay_count, KB_MAX_OVERLAYS);
	for (int i = 0; i < KB_MAX_INITRDS; i++)
		assert_string_equal(e.initrd[i], long_path(path, KB_PATH_MAX - 1, (char)('a' + i)));
	for (int i = 0; i < KB_MAX_OVERLAYS; i++)
		assert_string_equal(e.overlay[i],
				    long_path(path, KB_PATH_MAX - 1, (char)('A' + i)));
	assert_string_equal(e.options, opts);
	assert_int_equal(captured_errors, 0);

	/* One byte short: the options do not fit. */
	str_arena_init(&strings, string_buf, sizeof(string_buf) - 1);
	assert_int_equal(bls_entry_parse("max.conf", text, strlen(text), &e, &strings), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_logged("error: loader/entries/max.conf: no room for the entry's options");
	assert_int_equal(strings.used, 0);
	/* Short of a path's room: the line that did not fit is named. */
	log_capture_clear();
	str_arena_init(&strings, string_buf, 3 * KB_PATH_MAX - 1);
	assert_int_equal(bls_entry_parse("max.conf", text, strlen(text), &e, &strings), KB_ENOMEM);
	assert_int_equal(captured_errors, 1);
	assert_logged("error: loader/entries/max.conf:4: no room for the entry's paths");
	assert_int_equal(strings.used, 0);
}

/* Entries parsed one after another into one arena keep their own strings. */
static void test_entries_share_an_arena(void **state)
{
	static struct kb_entry a, b;
	(void)state;
	str_arena_init(&strings, string_buf, sizeof(string_buf));
	assert_int_equal(
		bls_entry_parse("a.conf", "linux /k\ninitrd /ia\noptions oa\n", 31, &a, &strings),
		0);
	size_t used = strings.used;
	assert_int_equal(
		bls_entry_parse("b.conf", "linux /k\ninitrd /ib\noptions ob\n", 31, &b, &strings),
		0);
	assert_int_equal(strings.used, 2 * used);
	/* A failed parse leaves the arena as it was. */
	assert_int_equal(bls_entry_parse("c.conf", "initrd /ic\noptions oc\n", 22, &e, &strings),
			 KB_EINVAL);
	assert_int_equal(strings.used, 2 * used);
	assert_string_equal(a.initrd[0], "/ia");
	assert_string_equal(a.options, "oa");
	assert_string_equal(b.initrd[0], "/ib");
	assert_string_equal(b.options, "ob");
}

static void test_comments_blank_lines_crlf_whitespace(void **state)
{
	assert_int_equal(parse("c.conf", "\r\n"
					 "# a comment\r\n"
					 "   # an indented comment\r\n"
					 "\t \r\n"
					 "  title \t My  Title \t\r\n"
					 "linux\t\t/boot/Image\r\n"
					 "\n"), 0);
	assert_string_equal(e.title, "My  Title");
	assert_string_equal(e.linux_path, "/boot/Image");
}

static void test_missing_linux_is_an_error(void **state)
{
	assert_int_equal(parse("nokernel.conf", "title No kernel\noptions quiet\n"), KB_EINVAL);
	assert_logged("error: loader/entries/nokernel.conf: no 'linux' line");
}

static void test_architecture(void **state)
{
	assert_int_equal(parse("a.conf", "architecture AA64\nlinux /k\n"), 0);
	assert_false(e.hidden); /* compared case-insensitively */
	assert_int_equal(parse("a.conf", "architecture aa64\nlinux /k\n"), 0);
	assert_false(e.hidden);
	assert_int_equal(parse("x.conf", "architecture x64\nlinux /k\n"), 0);
	assert_true(e.hidden);
	assert_logged("loader/entries/x.conf:1: architecture 'x64' is not aa64: entry hidden");
	/* A foreign entry need not name a kernel kaslboot could load. */
	assert_int_equal(parse("x.conf", "architecture ia32\nefi /shell.efi\n"), 0);
	assert_true(e.hidden);
	assert_int_equal(parse("x.conf", "architecture aa6\nlinux /k\n"), 0);
	assert_true(e.hidden);
}

/* `efi` (systemd 257) and `uki` (258) name what boots; `linux` wins over both; `profile`
 * (259) picks the UKI's profile. */
static void test_efi_and_uki_entries(void **state)
{
	assert_int_equal(parse("e.conf", "efi /EFI/tools/shell.efi\noptions -nostartup\n"), 0);
	assert_false(e.hidden);
	assert_int_equal(e.payload, KB_PAYLOAD_EFI);
	assert_string_equal(e.linux_path, "/EFI/tools/shell.efi");
	assert_string_equal(e.options, "-nostartup");
	assert_int_equal(parse("u.conf", "uki /EFI/Linux/foo.efi\nprofile 2\n"), 0);
	assert_false(e.hidden);
	assert_int_equal(e.payload, KB_PAYLOAD_UKI);
	assert_int_equal(e.profile, 2);
	assert_string_equal(e.linux_path, "/EFI/Linux/foo.efi");
	assert_int_equal(parse("b.conf", "uki /EFI/Linux/foo.efi\nlinux /k\n"), 0);
	assert_int_equal(e.payload, KB_PAYLOAD_LINUX);
	assert_string_equal(e.linux_path, "/k");
	assert_int_equal(parse("p.conf", "uki /u.efi\nprofile 256\n"), KB_EINVAL);
	assert_logged("loader/entries/p.conf:2: profile '256': expected 0 to 255");
	assert_int_equal(parse("p.conf", "uki /u.efi\nprofile x\n"), KB_EINVAL);
	(void)state;
}

static void test_unsupported_entries_are_hidden(void **state)
{
	assert_int_equal(parse("u.conf", "uki-url http://x/foo.efi\n"), 0);
	assert_true(e.hidden);
}

/* BLS devicetree-overlay: space-separated paths, in order; another line adds more. */
static void test_devicetree_overlays(void **state)
{
	(void)state;
	assert_int_equal(parse("d.conf", "linux /k\ndevicetree /a.dtb\n"
					 "devicetree-overlay /o1.dtbo  /dir/o2.dtbo\n"
					 "devicetree-overlay\t/o3.dtbo\n"),
			 0);
	assert_false(e.hidden);
	assert_int_equal(e.overlay_count, 3);
	assert_string_equal(e.overlay[0], "/o1.dtbo");
	assert_string_equal(e.overlay[1], "/dir/o2.dtbo");
	assert_string_equal(e.overlay[2], "/o3.dtbo");
	assert_int_equal(
		parse("m.conf", "linux /k\ndevicetree-overlay /1 /2 /3 /4 /5 /6 /7 /8 /9\n"),
		KB_ERANGE);
	assert_logged("error: loader/entries/m.conf:2: more than 8 'devicetree-overlay' files");
	assert_int_equal(parse("p.conf", "linux /k\ndevicetree-overlay /ok.dtbo /../x.dtbo\n"),
			 KB_EINVAL);
	assert_logged("error: loader/entries/p.conf:2: path '/../x.dtbo' has a '..' component");
}

static void test_unknown_key_warns_and_is_ignored(void **state)
{
	assert_int_equal(parse("k.conf", "linux /k\nfrobnicate yes\n"), 0);
	assert_logged("warning: loader/entries/k.conf:2: unknown key 'frobnicate' ignored");
	assert_string_equal(e.linux_path, "/k");
}

static void test_repeated_single_key_last_wins(void **state)
{
	assert_int_equal(parse("r.conf", "title One\nlinux /k\ntitle Two\n"), 0);
	assert_string_equal(e.title, "Two");
	assert_logged("warning: loader/entries/r.conf:3: 'title' given again");
}

static void test_key_without_value(void **state)
{
	assert_int_equal(parse("foo.conf", "title T\nlinux /k\ninitrd   \n"), KB_EINVAL);
	assert_logged("error: loader/entries/foo.conf:3: 'initrd' has no value");
	log_capture_clear();
	assert_int_equal(parse("foo.conf", "linux\r\n"), KB_EINVAL);
	assert_logged("error: loader/entries/foo.conf:1: 'linux' has no value");
}

static void test_overlong_values(void **state)
{
	char text[1024];
	char big[KB_PATH_MAX + 1];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = '/';
	snprintf(text, sizeof(text), "title t\nlinux %s\n", big);
	assert_int_equal(parse("long.conf", text), KB_ERANGE);
	assert_logged("error: loader/entries/long.conf:2: value of 'linux' is too long "
		      "(256 bytes, at most 255)");
	/* Exactly at the limit is fine. */
	big[KB_PATH_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "title t\nlinux %s\n", big);
	assert_int_equal(parse("long.conf", text), 0);
	assert_int_equal(strlen(e.linux_path), KB_PATH_MAX - 1);

	log_capture_clear();
	assert_int_equal(parse("m.conf", "linux /k\nmachine-id 6a9857a393724b7a981ebb5b8495b9ea0\n"),
			 KB_ERANGE);
	assert_logged("error: loader/entries/m.conf:2: value of 'machine-id' is too long");
}

static void test_very_long_line(void **state)
{
	/* A 100 kB line must be refused cleanly, not overflow anything. */
	static char text[100 * 1024];
	memset(text, 'o', sizeof(text));
	memcpy(text, "linux /k\noptions ", 17);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(parse("huge.conf", text), KB_ERANGE);
	assert_logged("error: loader/entries/huge.conf:2: value of 'options' is too long");
}

static void test_nul_and_bad_utf8(void **state)
{
	static const char with_nul[] = "linux /k\ntitle a\0b\n";
	assert_int_equal(parse_n("n.conf", with_nul, sizeof(with_nul) - 1), KB_EINVAL);
	assert_logged("error: loader/entries/n.conf:2: NUL byte at column 8");

	log_capture_clear();
	assert_int_equal(parse("u.conf", "linux /k\n\ntitle caf\xc3\n"), KB_EINVAL);
	assert_logged("error: loader/entries/u.conf:3: invalid UTF-8 at column 10");
	log_capture_clear();
	assert_int_equal(parse("u.conf", "title \xc0\xaf\nlinux /k\n"), KB_EINVAL); /* overlong */
	assert_logged("error: loader/entries/u.conf:1: invalid UTF-8 at column 7");
	assert_int_equal(parse("u.conf", "title \xed\xa0\x80\nlinux /k\n"), KB_EINVAL); /* surrogate */
	assert_int_equal(parse("u.conf", "title \xf4\x90\x80\x80\nlinux /k\n"), KB_EINVAL);
	assert_int_equal(parse("u.conf", "title \x1b[2J\nlinux /k\n"), KB_EINVAL);
	assert_logged("loader/entries/u.conf:1: control character 0x1b at column 7");
	/* A CR in the middle of a line is not a line end. */
	assert_int_equal(parse("u.conf", "title a\rb\nlinux /k\n"), KB_EINVAL);

	/* Valid multi-byte UTF-8 of every length is kept as is. */
	assert_int_equal(parse("u.conf", "title Caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x90\xa7\nlinux /k\n"), 0);
	assert_string_equal(e.title, "Caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x90\xa7");
}

static void test_dotdot_paths_refused(void **state)
{
	assert_int_equal(parse("p.conf", "linux /boot/../../secret\n"), KB_EINVAL);
	assert_logged("error: loader/entries/p.conf:1: path '/boot/../../secret' has a '..' component");
	assert_int_equal(parse("p.conf", "linux /k\ninitrd ..\\x\n"), KB_EINVAL);
	assert_int_equal(parse("p.conf", "linux /k\ndevicetree /a/..\n"), KB_EINVAL);
	/* Names that merely contain dots are fine. */
	assert_int_equal(parse("p.conf", "linux /a..b/...\ninitrd /.x\n"), 0);
}

static void test_payload_key(void **state)
{
	assert_int_equal(parse("p.conf", "linux /payload.elf\nkaslboot-payload mmu-on\n"), 0);
	assert_int_equal(e.payload, KB_PAYLOAD_MMU_ON);
	assert_int_equal(parse("p.conf", "kaslboot-payload linux\nlinux /Image\n"), 0);
	assert_int_equal(e.payload, KB_PAYLOAD_LINUX);
	assert_int_equal(parse("p.conf", "linux /k\nkaslboot-payload elf\n"), KB_EINVAL);
	assert_logged("error: loader/entries/p.conf:2: kaslboot-payload 'elf': expected 'linux' or 'mmu-on'");
}

static void test_file_names_and_boot_counters(void **state)
{
	assert_true(config_is_entry_file_name("a.conf"));
	assert_true(config_is_entry_file_name("A.CONF"));
	assert_false(config_is_entry_file_name(".conf"));
	assert_false(config_is_entry_file_name("a.conf~"));
	assert_false(config_is_entry_file_name("entries.srel"));

	assert_int_equal(parse("fedora+3-1.conf", "linux /k\n"), 0);
	assert_string_equal(e.id, "fedora");
	assert_int_equal(e.tries_left, 3);
	assert_int_equal(e.tries_done, 1);
	assert_int_equal(parse("fedora+0-5.CONF", "linux /k\n"), 0);
	assert_string_equal(e.id, "fedora");
	assert_int_equal(e.tries_left, 0);
	assert_int_equal(e.tries_done, 5);
	assert_int_equal(parse("fedora+2.conf", "linux /k\n"), 0);
	assert_int_equal(e.tries_left, 2);
	assert_int_equal(e.tries_done, 0);
	/* Not a counter: kept in the id. */
	assert_int_equal(parse("c++.conf", "linux /k\n"), 0);
	assert_string_equal(e.id, "c++");
	assert_int_equal(e.tries_left, KB_TRIES_NONE);
	assert_int_equal(parse("a+1-x.conf", "linux /k\n"), 0);
	assert_string_equal(e.id, "a+1-x");
	/* A counter too large to be one: a warning naming the file, and no counting. */
	assert_int_equal(parse("big+99999999999-1.conf", "linux /k\n"), 0);
	assert_logged("warning: loader/entries/big+99999999999-1.conf: boot counter "
		      "'+99999999999-1' is too large (at most 9 digits): not counted");
	assert_int_equal(e.tries_left, KB_TRIES_NONE);
	assert_string_equal(e.bli_id, "big+99999999999-1.conf");

	assert_int_equal(parse("my entry.conf", "linux /k\n"), KB_EINVAL);
	assert_logged("error: loader/entries/my entry.conf: file name has ' '");
	assert_int_equal(parse("x.cfg", "linux /k\n"), KB_EINVAL);
	char name[KB_ID_MAX + 8];
	memset(name, 'n', sizeof(name));
	strcpy(name + KB_ID_MAX - 4, ".conf"); /* 256 characters */
	assert_int_equal(parse(name, "linux /k\n"), KB_ERANGE);
	strcpy(name + KB_ID_MAX - 6, ".conf"); /* 254: fine */
	assert_int_equal(parse(name, "linux /k\n"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_spec_example, log_capture_setup),
		cmocka_unit_test_setup(test_minimal_entry_defaults, log_capture_setup),
		cmocka_unit_test_setup(test_initrds_in_order_up_to_limit, log_capture_setup),
		cmocka_unit_test_setup(test_options_joined_with_one_space, log_capture_setup),
		cmocka_unit_test_setup(test_options_total_too_long, log_capture_setup),
		cmocka_unit_test_setup(test_comments_blank_lines_crlf_whitespace,
				       log_capture_setup),
		cmocka_unit_test_setup(test_missing_linux_is_an_error, log_capture_setup),
		cmocka_unit_test_setup(test_architecture, log_capture_setup),
		cmocka_unit_test_setup(test_efi_and_uki_entries, log_capture_setup),
		cmocka_unit_test_setup(test_unsupported_entries_are_hidden, log_capture_setup),
		cmocka_unit_test_setup(test_devicetree_overlays, log_capture_setup),
		cmocka_unit_test_setup(test_unknown_key_warns_and_is_ignored, log_capture_setup),
		cmocka_unit_test_setup(test_repeated_single_key_last_wins, log_capture_setup),
		cmocka_unit_test_setup(test_key_without_value, log_capture_setup),
		cmocka_unit_test_setup(test_overlong_values, log_capture_setup),
		cmocka_unit_test_setup(test_very_long_line, log_capture_setup),
		cmocka_unit_test_setup(test_every_string_at_its_limit, log_capture_setup),
		cmocka_unit_test_setup(test_entries_share_an_arena, log_capture_setup),
		cmocka_unit_test_setup(test_nul_and_bad_utf8, log_capture_setup),
		cmocka_unit_test_setup(test_dotdot_paths_refused, log_capture_setup),
		cmocka_unit_test_setup(test_payload_key, log_capture_setup),
		cmocka_unit_test_setup(test_file_names_and_boot_counters, log_capture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
