/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/vamap.c and formats/smbios.c: the SetVirtualAddressMap decision of Linux 6.12's
 * arm64 stub (libstub/arm64.c, system_needs_vamap) on SMBIOS type 4 structures built
 * here, and the virtual addresses of libstub's efi_get_virtmap worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "formats/smbios.h"
#include "lib/bytes.h"
#include "lib/memmap.h"
#include "loader/vamap.h"

/* A type 4 structure: a 0x30-byte formatted area, the processor ID, the version as
 * string 2 (after a manufacturer), the set's closing NUL. */
static size_t make_type4(uint8_t *rec, uint32_t soc_id, const char *version)
{
	memset(rec, 0, 256);
	rec[0] = SMBIOS_TYPE_PROCESSOR;
	rec[1] = 0x30;
	put_le32(rec + SMBIOS_TYPE4_OFF_PROCESSOR_ID, soc_id);
	rec[SMBIOS_TYPE4_OFF_VERSION] = 2;
	size_t at = 0x30;
	memcpy(rec + at, "Ampere(R)", 10);
	at += 10;
	memcpy(rec + at, version, strlen(version) + 1);
	at += strlen(version) + 1;
	rec[at++] = 0;
	return at;
}

static bool needed(const uint8_t *rec, size_t max, bool no_svam)
{
	struct kb_firmware fw;
	memset(&fw, 0, sizeof(fw));
	fw.smbios_type4 = rec;
	fw.smbios_type4_max = max;
	fw.rt_no_svam = no_svam;
	return vamap_needed(&fw);
}

static void test_ampere_parts(void **state)
{
	uint8_t rec[256];
	size_t n;
	(void)state;
	n = make_type4(rec, 0, "eMAG 8180");
	assert_true(needed(rec, n, false));
	n = make_type4(rec, 0, "Ampere(TM) Altra(TM) Processor Q80-30");
	assert_true(needed(rec, n, false));
	/* The SoC ID alone, whatever the string: Altra and Altra Max, any revision bits the
	 * mask keeps out (bits 4..15). */
	n = make_type4(rec, 0x0a160001, "Q80-30");
	assert_true(needed(rec, n, false));
	n = make_type4(rec, 0x0a1612f2, "M128-30");
	assert_true(needed(rec, n, false));
	/* ... but the firmware says it has no SetVirtualAddressMap: never. */
	assert_false(needed(rec, n, true));
}

static void test_other_parts(void **state)
{
	uint8_t rec[256];
	size_t n;
	(void)state;
	assert_false(needed(NULL, 0, false)); /* no SMBIOS */
	n = make_type4(rec, 0x0a160003, "AmpereOne");
	assert_false(needed(rec, n, false));
	n = make_type4(rec, 0, "Ampere(TM) Altra(TM)"); /* a prefix too short */
	assert_false(needed(rec, n, false));
	n = make_type4(rec, 0, "eMA");
	assert_false(needed(rec, n, false));
	n = make_type4(rec, 0x43b0d070, "virt-7.2"); /* QEMU */
	assert_false(needed(rec, n, false));
	/* A version string number past the set, and a formatted area without the field. */
	n = make_type4(rec, 0, "eMAG");
	rec[SMBIOS_TYPE4_OFF_VERSION] = 3;
	assert_false(needed(rec, n, false));
	rec[SMBIOS_TYPE4_OFF_VERSION] = 2;
	rec[1] = SMBIOS_TYPE4_OFF_VERSION;
	assert_false(needed(rec, n, false));
}

static void test_smbios_strings_bounded(void **state)
{
	uint8_t rec[256];
	size_t len;
	(void)state;
	size_t n = make_type4(rec, 0, "eMAG");
	const char *s = smbios_string(rec, n, 1, &len);
	assert_non_null(s);
	assert_int_equal(len, 9);
	assert_memory_equal(s, "Ampere(R)", 9);
	s = smbios_string(rec, n, 2, &len);
	assert_non_null(s);
	assert_int_equal(len, 4);
	assert_null(smbios_string(rec, n, 0, &len)); /* 0: "no string" */
	assert_null(smbios_string(rec, n, 3, &len));
	/* Every shorter bound cuts the version string off: never read past it. */
	for (size_t max = 0; max < n - 1; max++)
		assert_null(smbios_string(rec, max, 2, &len));
	rec[1] = 2; /* a formatted area shorter than the header */
	assert_null(smbios_string(rec, n, 1, &len));
}

/* Descriptors of AAVMF's 48-byte stride: type, phys, virt, pages, attribute. */
#define DESC    48
#define RUNTIME (1ULL << 63)
static void put_desc(uint8_t *map, unsigned i, uint64_t phys, uint64_t pages, uint64_t attr)
{
	uint8_t *d = map + i * DESC;
	memset(d, 0, DESC);
	put_le64(d + UEFI_DESC_OFF_PHYS, phys);
	put_le64(d + 16, 0x1234); /* VirtualStart as the firmware left it */
	put_le64(d + UEFI_DESC_OFF_PAGES, pages);
	put_le64(d + UEFI_DESC_OFF_ATTR, attr);
}
static uint64_t virt(const uint8_t *map, unsigned i) { return get_le64(map + i * DESC + 16); }

static void test_virtual_addresses_as_the_stub(void **state)
{
	uint8_t map[5 * DESC], copy[5 * DESC];
	(void)state;
	put_desc(map, 0, 0x40000000, 0x100, 0xf);           /* RAM: untouched */
	put_desc(map, 1, 0x7fe31000, 3, RUNTIME | 0xf);     /* 12 KiB, not 64K aligned */
	put_desc(map, 2, 0x7fe40000, 0x10, RUNTIME | 0xf);  /* 64 KiB aligned */
	put_desc(map, 3, 0xbfe00000, 0x200, RUNTIME | 0xf); /* 2 MiB at a 2 MiB PA */
	put_desc(map, 4, 0x9000000, 1, RUNTIME | 1);        /* MMIO */

	assert_int_equal(vamap_assign(map, sizeof(map), DESC, NULL), 0);
	assert_int_equal(virt(map, 0), 0x1234);
	assert_int_equal(virt(map, 1), 0x7fe31000);
	assert_int_equal(virt(map, 3), 0xbfe00000);

	assert_int_equal(vamap_assign(map, sizeof(map), DESC, copy), 4);
	assert_int_equal(virt(map, 0), 0x1234);
	/* From 512 MiB: [0x7fe30000, +64K) rounded down, the PA's offset kept. */
	assert_int_equal(virt(map, 1), 0x20000000 + 0x1000);
	/* The next 64 KiB boundary after 0x20000000 + 0x4000 (12 KiB + the 4 KiB below). */
	assert_int_equal(virt(map, 2), 0x20010000);
	/* 2 MiB-aligned: the next 2 MiB boundary after 0x20020000. */
	assert_int_equal(virt(map, 3), 0x20200000);
	assert_int_equal(virt(map, 4), 0x20400000 + 0); /* 0x9000000 is 64K aligned */
	/* SetVirtualAddressMap's copy: the runtime descriptors alone, as updated. */
	assert_memory_equal(copy, map + DESC, 4 * DESC);

	vamap_invalidate(map, sizeof(map), DESC);
	assert_int_equal(virt(map, 0), 0x1234);
	for (unsigned i = 1; i < 5; i++)
		assert_true(virt(map, i) == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ampere_parts),
		cmocka_unit_test(test_other_parts),
		cmocka_unit_test(test_smbios_strings_bounded),
		cmocka_unit_test(test_virtual_addresses_as_the_stub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
