/* SPDX-License-Identifier: BSD-2-Clause */
/* The Stub* variables (loader/stub_vars.c) as the fake firmware stores them: names, UTF-16
 * values and the StubFeatures bits spelled out here from systemd 257's
 * efivars-fundamental.h, not taken from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_platform.h"
#include "loader/stub_vars.h"

static int setup(void **state)
{
	(void)state;
	fake_fw_init(16ULL << 20);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_fw_free();
	return 0;
}

/* The variable holds s in UTF-16LE with its NUL, volatile (BS|RT, no NV). */
static void assert_var(const char *name, const char *s)
{
	const struct fake_var *v = fake_fw_var(name);
	assert_non_null(v);
	assert_int_equal(v->attrs, 0x6u); /* EFI_VARIABLE_BOOTSERVICE_ACCESS | RUNTIME_ACCESS */
	assert_int_equal(v->len, 2 * (strlen(s) + 1));
	for (size_t i = 0; i <= strlen(s); i++) {
		assert_int_equal(v->data[2 * i], (uint8_t)s[i]);
		assert_int_equal(v->data[2 * i + 1], 0);
	}
}

static void test_measured_uki_boot(void **state)
{
	(void)state;
	struct uki_measured m = { .sections = 1, .parameters = 1, .sysexts = 1, .confexts = 1 };
	struct stub_booted b = { "kaslboot 1.0", "\\EFI\\Linux\\debian.efi",
				 "0f0e0d0c-0b0a-0908-0706-050403020100", 2, &m };
	stub_vars_write(&fake_platform, &b);
	assert_var("StubInfo", "kaslboot 1.0");
	assert_var("StubProfile", "2");
	assert_var("StubImageIdentifier", "\\EFI\\Linux\\debian.efi");
	assert_var("StubDevicePartUUID", "0f0e0d0c-0b0a-0908-0706-050403020100");
	assert_var("StubPcrKernelImage", "11");
	assert_var("StubPcrKernelParameters", "12");
	assert_var("StubPcrInitRDSysExts", "13");
	assert_var("StubPcrInitRDConfExts", "12");
	/* Bits 0-5 and 7-10: not 6 (SMBIOS command line). */
	static const uint8_t features[8] = { 0xbf, 0x07, 0, 0, 0, 0, 0, 0 };
	const struct fake_var *f = fake_fw_var("StubFeatures");
	assert_non_null(f);
	assert_int_equal(f->len, 8);
	assert_memory_equal(f->data, features, 8);
}

/* No TPM (0), a group with nothing to measure (-1): no StubPcr* variable at all; no GPT:
 * no StubDevicePartUUID. */
static void test_nothing_measured_no_pcr_vars(void **state)
{
	(void)state;
	struct uki_measured m = { .sections = 0, .parameters = -1, .sysexts = -1, .confexts = 0 };
	struct stub_booted b = { "kaslboot 1.0", "\\EFI\\Linux\\a.efi", "", 0, &m };
	struct stub_var v[STUB_VARS_MAX];
	size_t n = stub_vars_list(&b, v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "StubInfo");
	assert_string_equal(v[1].name, "StubProfile");
	assert_string_equal(v[1].value, "0");
	assert_string_equal(v[2].name, "StubImageIdentifier");
	stub_vars_write(&fake_platform, &b);
	assert_null(fake_fw_var("StubPcrKernelImage"));
	assert_null(fake_fw_var("StubPcrKernelParameters"));
	assert_null(fake_fw_var("StubDevicePartUUID"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_measured_uki_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_measured_no_pcr_vars, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
