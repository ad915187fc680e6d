/* SPDX-License-Identifier: BSD-2-Clause */
/* The credentials and extension archives of loader/uki_extras.c, from the fake firmware's
 * ESP: which files are taken (suffixes, hidden files, case), their order, the archive as
 * Debian's cpio lists and unpacks it, and the TPM event systemd-stub 257 makes of it
 * (PCR, EV_IPL, the description in UTF-16 typed here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "assert_kb.h"
#include "cpio_testutil.h"
#include "fake_platform.h"
#include "lib/err.h"
#include "loader/measure.h"
#include "loader/uki_extras.h"

#define D "/EFI/Linux/debian.efi.extra.d"

static int setup(void **state)
{
	(void)state;
	fake_fw_init_measuring();
	fake_fw_add_file(D "/b.cred", "bee", 3);
	fake_fw_add_file(D "/a.cred", "a", 1);
	fake_fw_add_file(D "/C.CRED", "see!", 4);
	fake_fw_add_file(D "/.hidden.cred", "no", 2);
	fake_fw_add_file(D "/x.cred.bak", "no", 2);
	fake_fw_add_file(D "/tools.sysext.raw", "sysext", 6);
	fake_fw_add_file(D "/old.raw", "raw", 3);
	fake_fw_add_file(D "/etc.confext.raw", "confext", 7);
	fake_fw_add_file(D "/k.addon.efi", "MZ", 2);
	fake_fw_add_file("/loader/credentials/g.cred", "global", 6);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_fw_free();
	return 0;
}

static void test_extra_dir(void **state)
{
	(void)state;
	char out[256];
	static const char *const cases[][2] = {
		{ "/EFI/Linux/debian.efi", "/EFI/Linux/debian.efi.extra.d" },
		{ "/EFI/Linux/debian+3.efi", "/EFI/Linux/debian.efi.extra.d" },
		{ "/EFI/Linux/debian+0-7.efi", "/EFI/Linux/debian.efi.extra.d" },
		{ "\\EFI\\Linux\\x+2", "\\EFI\\Linux\\x.extra.d" },
		{ "/EFI/Linux/a+b.efi", "/EFI/Linux/a+b.efi.extra.d" },
		{ "/EFI/Linux/a+1x.efi", "/EFI/Linux/a+1x.efi.extra.d" },
		{ "/EFI/Linux/a+1-.efi", "/EFI/Linux/a+1-.efi.extra.d" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_kb_ok(uki_extra_dir(cases[i][0], out, sizeof(out)));
		assert_string_equal(out, cases[i][1]);
	}
	assert_kb_err(uki_extra_dir("/EFI/Linux/debian.efi", out, 20), KB_EINVAL);
}

/* The archive through `cpio -t` (names in order) and `cpio -idm` (contents). */
static void list_and_unpack(const struct uki_initrd *i, char *names, size_t size, const char *dir)
{
	char cmd[512];
	cpio_unpack(dir, i->data, i->len);
	snprintf(cmd, sizeof(cmd), "cpio -t --quiet < %s.cpio", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(names, 1, size - 1, p);
	names[n] = 0;
	assert_int_equal(pclose(p), 0);
}

static void assert_content(const char *path, const char *want, unsigned mode)
{
	assert_unpacked(path, want, strlen(want), mode);
}

static void assert_event(unsigned k, unsigned pcr, const struct uki_initrd *i, const char *desc)
{
	const struct fake_tpm_event *e = &fake.events[k];
	uint8_t want[32];
	assert_int_equal(e->pcr, pcr);
	assert_int_equal(e->type, 0xdu); /* EV_IPL */
	SHA256(i->data, i->len, want);
	assert_memory_equal(e->sha256, want, 32);
	assert_int_equal(e->event_len, 2 * (strlen(desc) + 1));
	for (size_t c = 0; c <= strlen(desc); c++) {
		assert_int_equal(e->event[2 * c], (uint8_t)desc[c]);
		assert_int_equal(e->event[2 * c + 1], 0);
	}
}

static void test_credentials_and_extensions(void **state)
{
	(void)state;
	struct uki_measured m;
	struct uki_initrd i[UKI_EXTRA_KINDS];
	char names[1024];
	uki_measured_init(&m);
	for (unsigned k = 0; k < UKI_EXTRA_KINDS; k++)
		assert_kb_ok(uki_extras_pack(&fake_platform, D, k, &i[k], &m));
	assert_int_equal(fake.nevents, 4);
	assert_int_equal(fake.files_open, 0);

	list_and_unpack(&i[UKI_EXTRA_CREDENTIALS], names, sizeof(names), "/tmp/kb-extras");
	/* strcmp order: upper case first; hidden and other suffixes left out. */
	assert_string_equal(names, ".extra\n.extra/credentials\n.extra/credentials/C.CRED\n"
				   ".extra/credentials/a.cred\n.extra/credentials/b.cred\n");
	assert_content("/tmp/kb-extras/.extra/credentials/C.CRED", "see!", 0400);
	assert_content("/tmp/kb-extras/.extra/credentials/b.cred", "bee", 0400);
	assert_event(0, 12, &i[UKI_EXTRA_CREDENTIALS], "Credentials initrd");

	list_and_unpack(&i[UKI_EXTRA_GLOBAL_CREDENTIALS], names, sizeof(names), "/tmp/kb-extras");
	assert_string_equal(names, ".extra\n.extra/global_credentials\n"
				   ".extra/global_credentials/g.cred\n");
	assert_content("/tmp/kb-extras/.extra/global_credentials/g.cred", "global", 0400);
	assert_event(1, 12, &i[UKI_EXTRA_GLOBAL_CREDENTIALS], "Global credentials initrd");

	list_and_unpack(&i[UKI_EXTRA_SYSEXTS], names, sizeof(names), "/tmp/kb-extras");
	assert_string_equal(names, ".extra\n.extra/sysext\n.extra/sysext/old.raw\n"
				   ".extra/sysext/tools.sysext.raw\n");
	assert_content("/tmp/kb-extras/.extra/sysext/tools.sysext.raw", "sysext", 0444);
	assert_event(2, 13, &i[UKI_EXTRA_SYSEXTS], "System extension initrd");

	list_and_unpack(&i[UKI_EXTRA_CONFEXTS], names, sizeof(names), "/tmp/kb-extras");
	assert_string_equal(names, ".extra\n.extra/confext\n.extra/confext/etc.confext.raw\n");
	assert_content("/tmp/kb-extras/.extra/confext/etc.confext.raw", "confext", 0444);
	assert_event(3, 12, &i[UKI_EXTRA_CONFEXTS], "Configuration extension initrd");

	assert_int_equal(m.parameters, 1);
	assert_int_equal(m.sysexts, 1);
	assert_int_equal(m.confexts, 1);
	for (unsigned k = 0; k < UKI_EXTRA_KINDS; k++)
		uki_initrd_free(&fake_platform, &i[k]);
	assert_int_equal(fake.pools_live, 0);
	assert_int_equal(system("rm -rf /tmp/kb-extras /tmp/kb-extras.cpio"), 0);
}

/* A UKI with no drop-ins: no archive, no event, nothing counted as measured. */
static void test_nothing_to_pack(void **state)
{
	(void)state;
	struct uki_measured m;
	struct uki_initrd i;
	uki_measured_init(&m);
	assert_kb_ok(uki_extras_pack(&fake_platform, "/EFI/Linux/other.efi.extra.d",
				     UKI_EXTRA_CREDENTIALS, &i, &m));
	assert_null(i.data);
	assert_int_equal(i.len, 0);
	assert_int_equal(fake.nevents, 0);
	assert_int_equal(m.parameters, -1);
	assert_int_equal(fake.pools_live, 0);
}

/* Out of pool memory: KB_ENOMEM, nothing left allocated or open. */
static void test_every_failure_cleans_up(void **state)
{
	(void)state;
	for (unsigned at = 1; at < 40; at++) {
		struct uki_measured m;
		struct uki_initrd i;
		uki_measured_init(&m);
		fake.calls = 0;
		fake.fail_at = at;
		int rc = uki_extras_pack(&fake_platform, D, UKI_EXTRA_CREDENTIALS, &i, &m);
		assert_true(rc == 0 || rc == KB_ENOMEM);
		uki_initrd_free(&fake_platform, &i);
		assert_int_equal(fake.pools_live, 0);
		assert_int_equal(fake.files_open, 0);
	}
	fake.fail_at = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extra_dir),
		cmocka_unit_test_setup_teardown(test_credentials_and_extensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_to_pack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_failure_cleans_up, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
