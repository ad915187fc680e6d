/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/uki_entry.c through boot_config_load: \EFI\Linux\*.efi with an .osrel become
 * entries as systemd-boot 257 makes them (ids, titles, versions, one per profile), they
 * sort with Type #1 entries, LoaderEntries lists them, `default` globs pick a profile, and
 * boot counting in the file name renames the UKI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/bli.h"
#include "loader/boot_config.h"
#include "loader/boot_count.h"
#include "loader/uki_entry.h"

#include "assert_kb.h"
#include "fake_platform.h"
#include "log_capture.h"
#include "pe_fixture.h"

#define RAM_BYTES (64u << 20)

static const char debian_osrel[] = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n"
				   "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\n"
				   "VERSION=\"13 (trixie)\"\nID=debian\n";

static const struct pef_section plain[] = {
	PEF_TEXT(".osrel", debian_osrel),
	PEF_TEXT(".cmdline", "root=/dev/vda2 quiet\n"),
	PEF_TEXT(".linux", "K"),
};

static const struct pef_section profiles[] = {
	PEF_TEXT(".osrel", debian_osrel),
	PEF_TEXT(".cmdline", "quiet"),
	PEF_TEXT(".linux", "K"),
	PEF_TEXT(".profile", "ID=default\n"),
	PEF_TEXT(".profile", "ID=rescue\nTITLE=Rescue shell\n"),
	PEF_TEXT(".cmdline", "rescue"),
	PEF_TEXT(".profile", ""),
	PEF_TEXT(".cmdline", "third"),
};

static struct boot_config bc;

static void add_uki(const char *path, const struct pef_section *s, unsigned n)
{
	size_t len;
	uint8_t *f = pef_build(s, n, &len);
	fake_fw_add_file(path, f, len);
	free(f);
}

static int setup(void **state)
{
	fake_fw_init(RAM_BYTES);
	log_capture_start(LOG_DEBUG);
	memset(&bc, 0, sizeof(bc));
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	boot_config_free(&fake_platform, &bc);
	fake_fw_free();
	(void)state;
	return 0;
}

static const struct kb_entry *find(const char *id)
{
	for (unsigned i = 0; i < bc.count; i++)
		if (!strcmp(bc.entries[i].bli_id, id))
			return &bc.entries[i];
	fail_msg("no entry '%s'", id);
	return NULL;
}

/* LoaderEntries as ASCII, the ids separated by ' '. */
static const char *loader_entries(void)
{
	static char out[1024];
	const struct fake_var *v = fake_fw_var("LoaderEntries");
	size_t n = 0;
	assert_non_null(v);
	for (size_t i = 0; i + 1 < v->len && n + 1 < sizeof(out); i += 2)
		out[n++] = v->data[i] ? (char)v->data[i] : ' ';
	out[n ? n - 1 : 0] = 0;
	return out;
}

static void test_a_lone_uki_is_an_entry(void **state)
{
	(void)state;
	add_uki("/EFI/Linux/Debian.efi", plain, 3);
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_int_equal(bc.count, 1);
	const struct kb_entry *e = find("debian.efi");
	assert_string_equal(e->title, "Debian GNU/Linux 13 (trixie)");
	assert_string_equal(e->version, "13 (trixie)");
	assert_string_equal(e->sort_key, "debian");
	assert_string_equal(e->linux_path, "/EFI/Linux/Debian.efi");
	assert_string_equal(e->options, "root=/dev/vda2 quiet"); /* newline mangled away */
	assert_true(e->options_implied);
	assert_int_equal(e->payload, KB_PAYLOAD_UKI);
	assert_int_equal(e->kind, KB_ENTRY_TYPE2);
	assert_string_equal(loader_entries(), "debian.efi");
	/* LoaderFeatures: multi-profile UKIs (bit 14, 257) and `uki` entries (bit 16, 258). */
	assert_int_equal(BLI_FEATURES & (3ULL << 14 | 1ULL << 16), 1ULL << 14 | 1ULL << 16);
}

/* auto-*, dot files, other suffixes and files without .osrel are no entries. */
static void test_what_is_not_an_entry(void **state)
{
	(void)state;
	add_uki("/EFI/Linux/auto-x.efi", plain, 3);
	add_uki("/EFI/Linux/.hidden.efi", plain, 3);
	add_uki("/EFI/Linux/x.efi.bak", plain, 3);
	add_uki("/EFI/Linux/no-osrel.efi", plain + 1, 2);
	add_uki("/EFI/Linux/real.EFI", plain, 3);
	assert_false(uki_is_entry_file_name("AUTO-x.efi"));
	assert_false(uki_is_entry_file_name(".efi"));
	assert_true(uki_is_entry_file_name("a.Efi"));
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_int_equal(bc.count, 1);
	assert_string_equal(loader_entries(), "real.efi");
}

/* 257's ids and titles per profile, in profile order, and `default` picking one. */
static void test_profiles_are_entries(void **state)
{
	(void)state;
	add_uki("/EFI/Linux/debian.efi", profiles, 8);
	fake_fw_add_file("/loader/loader.conf", "default debian.efi@rescue\n", 26);
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_int_equal(bc.count, 3);
	assert_string_equal(loader_entries(), "debian.efi debian.efi@rescue debian.efi@2");
	assert_string_equal(find("debian.efi")->title, "Debian GNU/Linux 13 (trixie)");
	assert_string_equal(find("debian.efi@rescue")->title,
			    "Debian GNU/Linux 13 (trixie) (Rescue shell)");
	assert_string_equal(find("debian.efi@2")->title,
			    "Debian GNU/Linux 13 (trixie) (Profile #3)");
	assert_string_equal(find("debian.efi@rescue")->options, "rescue");
	assert_string_equal(find("debian.efi@2")->options, "third");
	assert_int_equal(find("debian.efi@2")->profile, 2);
	assert_string_equal(bc.entries[bc.order[0]].bli_id, "debian.efi@rescue");
}

static void test_glob_matches_profiles(void **state)
{
	(void)state;
	add_uki("/EFI/Linux/debian.efi", profiles, 8);
	fake_fw_add_file("/loader/loader.conf", "default *@2\n", 12);
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_string_equal(bc.entries[bc.order[0]].bli_id, "debian.efi@2");
}

/* Type #1 and Type #2 in one BLS order: with a sort key before without, newer versions
 * first. */
static void test_sorted_with_type1(void **state)
{
	static const char osrel12[] = "PRETTY_NAME=Old\nID=debian\nVERSION_ID=12\n";
	static const struct pef_section old[] = { PEF_TEXT(".osrel", osrel12) };
	static const char conf[] = "title T1\nlinux /Image\n";
	(void)state;
	add_uki("/EFI/Linux/a-old.efi", old, 1);
	add_uki("/EFI/Linux/b-new.efi", plain, 3);
	fake_fw_add_file("/loader/entries/t1.conf", conf, strlen(conf));
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_string_equal(loader_entries(), "b-new.efi a-old.efi t1.conf");
}

/* debian+3-1.efi: counted, the id without the counter, the rename in \EFI\Linux. */
static void test_boot_counting_in_file_name(void **state)
{
	char next[KB_ID_MAX];
	(void)state;
	add_uki("/EFI/Linux/Debian+3-1.efi", plain, 3);
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	const struct kb_entry *e = find("debian.efi");
	assert_int_equal(e->tries_left, 3);
	assert_int_equal(e->tries_done, 1);
	boot_count_next_name(e, next, sizeof(next));
	assert_string_equal(next, "Debian+2-2.efi");
	boot_count_bump(&fake_platform, e);
	bool found = false;
	for (unsigned i = 0; i < fake.nfiles; i++)
		found |= !strcmp(fake.files[i].path, "/EFI/Linux/Debian+2-2.efi");
	assert_true(found);
	const struct fake_var *v = fake_fw_var("LoaderBootCountPath");
	assert_non_null(v);
	static const char want[] = "\\EFI\\Linux\\Debian+2-2.efi";
	for (size_t i = 0; i < sizeof(want); i++)
		assert_int_equal(v->data[2 * i], (uint8_t)want[i]);
}

/* A broken UKI is one line naming it; the others still make entries. */
static void test_broken_uki_is_skipped(void **state)
{
	size_t len;
	(void)state;
	uint8_t *f = pef_build(plain, 3, &len);
	fake_fw_add_file("/EFI/Linux/cut.efi", f, len - PEF_FILE_ALIGN);
	free(f);
	add_uki("/EFI/Linux/good.efi", plain, 3);
	log_capture_clear();
	assert_kb_ok(boot_config_load(&fake_platform, &bc, ""));
	assert_int_equal(bc.count, 1);
	assert_int_equal(captured_errors, 1);
	assert_non_null(strstr(captured_log, "/EFI/Linux/cut.efi: PE section 2 '.linux'"));
	assert_string_equal(loader_entries(), "good.efi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_lone_uki_is_an_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_what_is_not_an_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profiles_are_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glob_matches_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_with_type1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_counting_in_file_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_uki_is_skipped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
