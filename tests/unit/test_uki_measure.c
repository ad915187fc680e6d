/* SPDX-License-Identifier: BSD-2-Clause */
/* systemd-stub 257's measurements of a UKI (loader/uki_measure.c) over the fake firmware's
 * TPM. The expected PCR values are computed here from the specification's recipe with
 * OpenSSL (the canonical section order typed again, not taken from the code under test),
 * the expected event descriptions spelled out in UTF-16LE by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "fake_platform.h"
#include "loader/measure.h"
#include "loader/uki_measure.h"

#define T_EV_IPL            0xdu
#define T_EV_EVENT_TAG      0x6u
#define T_PCR_KERNEL_BOOT   11u
#define T_PCR_KERNEL_CONFIG 12u

/* UAPI unified_kernel_image.md / systemd 257 uki.h: the measured sections, in order. */
static const char *const canonical[] = {
	".linux", ".osrel", ".cmdline", ".initrd",  ".ucode",   ".splash", ".dtb",
	".uname", ".sbat",  ".pcrpkey", ".profile", ".dtbauto", ".hwids",
};

static uint8_t blob[13][300];

static void extend(uint8_t pcr[32], const void *data, size_t len)
{
	uint8_t cat[64];
	memcpy(cat, pcr, 32);
	SHA256(data, len, cat + 32);
	SHA256(cat, 64, pcr);
}

static int setup(void **state)
{
	(void)state;
	fake_fw_init_measuring();
	for (unsigned i = 0; i < 13; i++)
		for (unsigned j = 0; j < sizeof(blob[i]); j++)
			blob[i][j] = (uint8_t)(i * 31 + j);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_fw_free();
	return 0;
}

/* The description systemd logs: the ASCII name widened to UTF-16LE, NUL included. */
static void assert_desc(const struct fake_tpm_event *e, const char *name)
{
	size_t n = strlen(name);
	assert_int_equal(e->event_len, 2 * (n + 1));
	for (size_t i = 0; i <= n; i++) {
		assert_int_equal(e->event[2 * i], (uint8_t)name[i]);
		assert_int_equal(e->event[2 * i + 1], 0);
	}
}

/* Every section, in an order that is not the canonical one, plus what must not count: a
 * .pcrsig, an empty .splash, a second .cmdline (the first wins) and a section of no
 * meaning to the stub. */
static void test_pcr11_canonical_order(void **state)
{
	(void)state;
	static const char *const file_order[] = {
		".sbat",  ".osrel",   ".pcrsig",  ".cmdline", ".dtbauto", ".uname",
		".linux", ".initrd",  ".cmdline", ".hwids",   ".text",    ".ucode",
		".dtb",   ".pcrpkey", ".profile", ".splash",
	};
	struct uki_section s[16];
	for (unsigned i = 0; i < 16; i++) {
		s[i].name = file_order[i];
		s[i].data = blob[i % 13];
		s[i].size = 100 + i;
	}
	s[15].size = 0; /* .splash, empty */
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_sections(&fake_platform, s, 16, &m);

	uint8_t want[32] = { 0 };
	unsigned ev = 0;
	for (unsigned c = 0; c < 13; c++) {
		const struct uki_section *sec = NULL;
		for (unsigned i = 0; i < 16 && !sec; i++)
			if (!strcmp(s[i].name, canonical[c]))
				sec = &s[i];
		if (!sec || !sec->size)
			continue;
		extend(want, canonical[c], strlen(canonical[c]) + 1);
		extend(want, sec->data, sec->size);
		for (unsigned k = 0; k < 2; k++, ev++) {
			assert_int_equal(fake.events[ev].pcr, T_PCR_KERNEL_BOOT);
			assert_int_equal(fake.events[ev].type, T_EV_IPL);
			assert_desc(&fake.events[ev], canonical[c]);
		}
		assert_int_equal(fake.events[ev - 1].len, sec->size);
	}
	assert_int_equal(ev, 2 * 12); /* 13 names, .splash empty */
	assert_int_equal(fake.nevents, ev);
	assert_memory_equal(fake.pcr_sha256[T_PCR_KERNEL_BOOT], want, 32);
	assert_int_equal(m.sections, 1);
	assert_int_equal(m.parameters, -1);
}

/* A plain UKI as ukify 257 builds it by default. */
static void test_pcr11_typical_uki(void **state)
{
	(void)state;
	struct uki_section s[] = {
		{ ".osrel", blob[0], 200 }, { ".cmdline", blob[1], 23 },
		{ ".uname", blob[2], 17 },  { ".sbat", blob[3], 99 },
		{ ".linux", blob[4], 300 }, { ".initrd", blob[5], 255 },
	};
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_sections(&fake_platform, s, 6, &m);
	uint8_t want[32] = { 0 };
	static const unsigned order[] = { 4, 0, 1, 5, 2, 3 };
	for (unsigned i = 0; i < 6; i++) {
		extend(want, s[order[i]].name, strlen(s[order[i]].name) + 1);
		extend(want, s[order[i]].data, s[order[i]].size);
	}
	assert_memory_equal(fake.pcr_sha256[T_PCR_KERNEL_BOOT], want, 32);
}

static void test_no_tpm_is_measured_0(void **state)
{
	(void)state;
	fake.has_tpm = false;
	measure_begin(&fake_platform);
	struct uki_section s[] = { { ".linux", blob[0], 10 } };
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_sections(&fake_platform, s, 1, &m);
	uki_measure_profile(&fake_platform, 3, &m);
	assert_int_equal(m.sections, 0);
	assert_int_equal(m.parameters, 0);
	assert_int_equal(fake.nevents, 0);
}

static void test_failed_event_clears_flag(void **state)
{
	(void)state;
	fake.tpm_fail_measure = 2;
	struct uki_section s[] = { { ".linux", blob[0], 10 }, { ".osrel", blob[1], 10 } };
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_sections(&fake_platform, s, 2, &m);
	assert_int_equal(m.sections, 0);
	assert_int_equal(fake.nevents, 3); /* the others were still made */
}

/* stub.c measure_profile: "1" in UTF-16 with its NUL, tagged 0x13aed6db; none for 0. */
static void test_profile_and_cmdline(void **state)
{
	(void)state;
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_profile(&fake_platform, 0, &m);
	assert_int_equal(fake.nevents, 0);
	assert_int_equal(m.parameters, -1);
	uki_measure_profile(&fake_platform, 12, &m);
	static const uint8_t twelve[] = { '1', 0, '2', 0, 0, 0 };
	static const uint8_t tagged[] = {
		0xdb, 0xd6, 0xae, 0x13, 6, 0, 0, 0, '1', 0, '2', 0, 0, 0
	};
	assert_int_equal(fake.nevents, 1);
	assert_int_equal(fake.events[0].pcr, T_PCR_KERNEL_CONFIG);
	assert_int_equal(fake.events[0].type, T_EV_EVENT_TAG);
	assert_int_equal(fake.events[0].len, sizeof(twelve));
	assert_memory_equal(fake.events[0].data, twelve, sizeof(twelve));
	assert_int_equal(fake.events[0].event_len, sizeof(tagged));
	assert_memory_equal(fake.events[0].event, tagged, sizeof(tagged));
	uki_measure_cmdline(&fake_platform, "", &m);
	assert_int_equal(fake.nevents, 1);
	uki_measure_cmdline(&fake_platform, "ro x=1", &m);
	static const uint8_t ro[] = { 'r', 0, 'o', 0, ' ', 0, 'x', 0, '=', 0, '1', 0, 0, 0 };
	assert_int_equal(fake.nevents, 2);
	assert_int_equal(fake.events[1].pcr, T_PCR_KERNEL_CONFIG);
	assert_int_equal(fake.events[1].type, T_EV_IPL);
	uint8_t want[32];
	SHA256(ro, sizeof(ro), want);
	assert_memory_equal(fake.events[1].sha256, want, 32);
	assert_memory_equal(fake.events[1].event, ro, sizeof(ro));
	assert_int_equal(m.parameters, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pcr11_canonical_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcr11_typical_uki, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tpm_is_measured_0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_event_clears_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_and_cmdline, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
