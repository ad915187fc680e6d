/* SPDX-License-Identifier: BSD-2-Clause */
/* UKI addons (loader/uki_addons.c) as systemd-stub 257 takes them: the files found on the
 * fake firmware's ESP and their order, which addons are dropped and why, the command line
 * they add and its PCR 12 event, the devicetree chosen and its tagged event (UTF-16 and
 * tag bytes typed here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "assert_kb.h"
#include "fake_platform.h"
#include "lib/err.h"
#include "log_capture.h"
#include "loader/measure.h"
#include "loader/uki_addons.h"

#define D "/EFI/Linux/debian.efi.extra.d"

static int setup(void **state)
{
	(void)state;
	fake_fw_init_measuring();
	log_capture_start(LOG_INFO);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_capture_stop();
	fake_fw_free();
	return 0;
}

static void test_files_global_first_each_sorted(void **state)
{
	(void)state;
	fake_fw_add_file("/loader/addons/b.addon.efi", "MZ", 2);
	fake_fw_add_file("/loader/addons/a.addon.efi", "MZ", 2);
	fake_fw_add_file("/loader/addons/x.efi", "MZ", 2);
	fake_fw_add_file("/loader/addons/.h.addon.efi", "MZ", 2);
	fake_fw_add_file(D "/z.addon.efi", "MZ", 2);
	fake_fw_add_file(D "/A.ADDON.EFI", "MZ", 2);
	fake_fw_add_file(D "/c.cred", "c", 1);
	struct uki_addon_files f;
	assert_kb_ok(uki_addon_files(&fake_platform, D, &f));
	assert_string_equal(f.dirs[0], "/loader/addons");
	assert_string_equal(f.dirs[1], D);
	assert_int_equal(f.lists[0].n, 2);
	assert_string_equal(f.lists[0].names[0], "a.addon.efi");
	assert_string_equal(f.lists[0].names[1], "b.addon.efi");
	assert_int_equal(f.lists[1].n, 2);
	assert_string_equal(f.lists[1].names[0], "A.ADDON.EFI");
	assert_string_equal(f.lists[1].names[1], "z.addon.efi");
	uki_addon_files_free(&fake_platform, &f);
	assert_int_equal(fake.pools_live, 0);

	/* No directory at all: nothing, quietly. */
	assert_kb_ok(uki_addon_files(&fake_platform, "/EFI/Linux/none.efi.extra.d", &f));
	assert_int_equal(f.lists[1].n, 0);
	uki_addon_files_free(&fake_platform, &f);
	assert_int_equal(captured_lines, 0);
}

static const struct uki_section uname = { ".uname", "6.1.0-57-arm64", 15 };

static void test_select(void **state)
{
	(void)state;
	const struct uki_section kernel[] = { { ".linux", "MZ", 2 }, { ".cmdline", "x", 1 } };
	const struct uki_section other[] = { { ".uname", "6.12.0", 6 }, { ".cmdline", "y", 1 } };
	const struct uki_section prefix[] = { { ".uname", "6.1.0", 5 }, { ".cmdline", "z", 1 } };
	const struct uki_section same[] = { { ".uname", "6.1.0-57-arm64\0", 15 },
					    { ".dtb", "dt", 2 } };
	const struct uki_section sbat[] = { { ".sbat", "sbat,1", 6 }, { ".cmdline", "", 0 } };
	const struct uki_section ucode[] = { { ".ucode", "u", 1 } };
	struct uki_addon a[] = {
		{ "kernel.addon.efi", kernel, 2 }, { "other.addon.efi", other, 2 },
		{ "prefix.addon.efi", prefix, 2 }, { "same.addon.efi", same, 2 },
		{ "sbat.addon.efi", sbat, 2 },     { "ucode.addon.efi", ucode, 1 },
	};
	size_t n = uki_addons_select(a, 6, &uname);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].name, "prefix.addon.efi"); /* strneq over "6.1.0" */
	assert_string_equal(a[1].name, "same.addon.efi");
	assert_string_equal(a[2].name, "ucode.addon.efi");
	assert_int_equal(captured_errors, 3);
	assert_logged("kernel.addon.efi: is a UKI, not an addon (.linux): ignored");
	assert_logged("other.addon.efi: .uname differs from the UKI's: addon ignored");
	assert_logged("sbat.addon.efi: no .cmdline/.dtb/.dtbauto/.initrd/.ucode section");

	/* A UKI without .uname takes any addon's. */
	struct uki_addon b[] = { { "other.addon.efi", other, 2 } };
	assert_int_equal(uki_addons_select(b, 1, NULL), 1);
}

static void assert_utf16_event(unsigned k, const char *s)
{
	uint8_t want[512];
	size_t n = strlen(s) + 1;
	for (size_t i = 0; i < n; i++) {
		want[2 * i] = (uint8_t)s[i];
		want[2 * i + 1] = 0;
	}
	uint8_t digest[32];
	SHA256(want, 2 * n, digest);
	assert_int_equal(fake.events[k].pcr, 12);
	assert_int_equal(fake.events[k].type, 0xdu);
	assert_memory_equal(fake.events[k].sha256, digest, 32);
	assert_int_equal(fake.events[k].event_len, 2 * n);
	assert_memory_equal(fake.events[k].event, want, 2 * n);
}

static void test_cmdline_appended_and_measured_once(void **state)
{
	(void)state;
	const struct uki_section one[] = { { ".cmdline", " quiet\n", 7 } };
	const struct uki_section blank[] = { { ".cmdline", " \t ", 3 } };
	const struct uki_section two[] = { { ".cmdline", "\tloglevel=3  x\x7fy\0junk", 20 } };
	const struct uki_section dt[] = { { ".dtb", "dt", 2 } };
	struct uki_addon a[] = { { "1.addon.efi", one, 1 },
				 { "b.addon.efi", blank, 1 },
				 { "d.addon.efi", dt, 1 },
				 { "2.addon.efi", two, 1 } };
	char cmdline[64] = "root=/dev/vda ro";
	struct uki_measured m;
	uki_measured_init(&m);
	assert_kb_ok(uki_addons_cmdline(&fake_platform, a, 4, cmdline, sizeof(cmdline), &m));
	/* The blank addon still adds its separator, as load_addons' "%ls%ls%ls" does:
	 * two spaces, which the final mangle keeps (the measurement must match). */
	assert_string_equal(cmdline, "root=/dev/vda ro quiet  loglevel=3  x y");
	assert_int_equal(fake.nevents, 1);
	assert_utf16_event(0, "quiet  loglevel=3  x y");
	assert_int_equal(m.parameters, 1);

	/* An empty command line takes the addition alone. */
	cmdline[0] = 0;
	assert_kb_ok(uki_addons_cmdline(&fake_platform, a, 1, cmdline, sizeof(cmdline), &m));
	assert_string_equal(cmdline, "quiet");
	/* Addons with nothing to say: no event. */
	unsigned before = fake.nevents;
	assert_kb_ok(uki_addons_cmdline(&fake_platform, a + 1, 2, cmdline, sizeof(cmdline), &m));
	assert_string_equal(cmdline, "quiet");
	assert_int_equal(fake.nevents, before);

	/* Too long: refused with one line, the command line unchanged. */
	char small[24] = "root=/dev/vda ro";
	assert_kb_err(uki_addons_cmdline(&fake_platform, a, 4, small, sizeof(small), &m),
		      KB_ERANGE);
	assert_string_equal(small, "root=/dev/vda ro");
	assert_int_equal(fake.nevents, before);
}

/* .dtbauto wins over .dtb; the event is tagged 0x6c46f751 with the file name in UTF-16. */
static void test_devicetree(void **state)
{
	(void)state;
	const struct uki_section both[] = { { ".dtb", "plain", 5 }, { ".dtbauto", "auto", 4 } };
	const struct uki_section none[] = { { ".cmdline", "x", 1 } };
	struct uki_addon a = { "v.addon.efi", both, 2 }, b = { "n.addon.efi", none, 1 };
	assert_ptr_equal(uki_addon_dt(&a), &both[1]);
	assert_null(uki_addon_dt(&b));
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_dt_addon(&fake_platform, &b, &m);
	assert_int_equal(fake.nevents, 0);
	uki_measure_dt_addon(&fake_platform, &a, &m);
	static const uint8_t event[] = { 0x51, 0xf7, 0x46, 0x6c, 24,  0,   0,   0,   'v', 0,   '.',
					 0,    'a',  0,    'd',  0,   'd', 0,   'o', 0,   'n', 0,
					 '.',  0,    'e',  0,    'f', 0,   'i', 0,   0,   0 };
	assert_int_equal(fake.nevents, 1);
	assert_int_equal(fake.events[0].pcr, 12);
	assert_int_equal(fake.events[0].type, 0x6u);
	assert_int_equal(fake.events[0].len, 4);
	assert_memory_equal(fake.events[0].data, "auto", 4);
	assert_int_equal(fake.events[0].event_len, sizeof(event));
	assert_memory_equal(fake.events[0].event, event, sizeof(event));
	assert_int_equal(m.parameters, 1);
}

/* Microcode addons in reverse order, then initrd addons in order, each tagged with the
 * addon's name: 0xdac08e1a, 0x49dffe0f. */
static void test_initrd_and_ucode_addons(void **state)
{
	(void)state;
	const struct uki_section a1[] = { { ".ucode", "u1", 2 }, { ".initrd", "i1", 2 } };
	const struct uki_section a2[] = { { ".cmdline", "x", 1 } };
	const struct uki_section a3[] = { { ".initrd", "i3", 2 }, { ".ucode", "u3", 2 } };
	struct uki_addon a[] = { { "1.addon.efi", a1, 2 },
				 { "2.addon.efi", a2, 1 },
				 { "3.addon.efi", a3, 2 } };
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_initrd_addons(&fake_platform, a, 3, &m);
	static const char *const data[] = { "u3", "u1", "i1", "i3" };
	static const uint8_t tags[][4] = { { 0x1a, 0x8e, 0xc0, 0xda },
					   { 0x1a, 0x8e, 0xc0, 0xda },
					   { 0x0f, 0xfe, 0xdf, 0x49 },
					   { 0x0f, 0xfe, 0xdf, 0x49 } };
	static const char names[] = "3113";
	assert_int_equal(fake.nevents, 4);
	for (unsigned k = 0; k < 4; k++) {
		assert_int_equal(fake.events[k].pcr, 12);
		assert_int_equal(fake.events[k].type, 0x6u);
		assert_memory_equal(fake.events[k].data, data[k], 2);
		assert_memory_equal(fake.events[k].event, tags[k], 4);
		assert_int_equal(fake.events[k].event[8], (uint8_t)names[k]);
	}
	assert_int_equal(m.parameters, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files_global_first_each_sorted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_select, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_appended_and_measured_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_devicetree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_and_ucode_addons, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
