/* SPDX-License-Identifier: BSD-2-Clause */
/* The "found:" line (loader/firmware_report.h): at `log debug` every fact is on it, the
 * memory figures are those of the map, and the firmware devicetree keeps its seeds for
 * the entropy phase; at the default level it costs nothing, not even the memory map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "fake_platform.h"
#include "flow_fixture.h"
#include "lib/memmap.h"
#include "log_capture.h"
#include "loader/firmware_report.h"
#include "loader/firmware_time.h"

#define RAM (64ULL << 20)

static int setup(void **state)
{
	fake_fw_init(RAM);
	return log_capture_setup(state);
}

static int teardown(void **state)
{
	log_capture_stop();
	return flow_teardown(state);
}

/* The conventional MiB in the fake's map, as the line should count them. */
static unsigned long conventional_mib(void)
{
	struct memmap map;
	uint64_t total = 0;
	assert_int_equal(fake_platform.memmap_get(fake_platform.ctx, &map), 0);
	for (size_t i = 0; i < map.count; i++)
		if (map.entries[i].type == MEMMAP_CONVENTIONAL)
			total += map.entries[i].pages * MEMMAP_PAGE_SIZE;
	fake_platform.memmap_free(fake_platform.ctx, &map);
	return (unsigned long)(total >> 20);
}

static void test_debug_line_has_every_fact(void **state)
{
	(void)state;
	flow_firmware_init(true);
	flow_fw.rng_protocol = true;
	flow_fw.secure_boot = false;
	char want_mem[64];
	snprintf(want_mem, sizeof(want_mem), "memory: %lu MiB conventional, largest free region 0x",
		 conventional_mib());
	log_capture_clear();
	firmware_report(&fake_platform, &flow_fw);
	assert_int_equal(captured_lines, 1);
	assert_non_null(strstr(captured_last, "found: firmware: fake firmware rev 0x00010000, "
					      "UEFI 2.10; cpu: EL1, FEAT_RNG (RNDR) "));
	assert_non_null(strstr(captured_last, "; devicetree: yes at 0x"));
	assert_non_null(strstr(captured_last, "; acpi: no; dt kaslr-seed: yes, dt rng-seed: yes; "
					      "efi rng protocol: yes; secure boot: no; "));
	assert_non_null(strstr(captured_last, want_mem));
	/* Read, not taken: the entropy phase still finds the seeds. */
	int chosen = fdt_path_offset(flow_fw_dt, "/chosen"), len;
	const uint8_t *seed = fdt_getprop(flow_fw_dt, chosen, "kaslr-seed", &len);
	assert_non_null(seed);
	assert_int_equal(len, 8);
	uint8_t zero[8] = { 0 };
	assert_memory_not_equal(seed, zero, sizeof(zero));
}

static void test_no_devicetree(void **state)
{
	(void)state;
	flow_firmware_init(false);
	flow_fw.acpi = true;
	log_capture_clear();
	firmware_report(&fake_platform, &flow_fw);
	assert_non_null(strstr(captured_last, "; devicetree: no; acpi: yes; dt kaslr-seed: no, "
					      "dt rng-seed: no; efi rng protocol: no; "));
}

/* A memory map the firmware will not give: the line says so and still goes out. */
static void test_no_memory_map(void **state)
{
	(void)state;
	flow_firmware_init(true);
	fake.fail_at = fake.calls + 1;   /* the next call that can fail: memmap_get */
	log_capture_clear();
	firmware_report(&fake_platform, &flow_fw);
	assert_int_equal(captured_lines, 1);
	assert_non_null(strstr(captured_last, "; memory: no map"));
}

static void test_default_level_costs_nothing(void **state)
{
	(void)state;
	flow_firmware_init(true);
	log_set_level(LOG_INFO);
	const struct kb_platform *pf = firmware_time_wrap(&fake_platform);
	log_capture_clear();
	firmware_report(pf, &flow_fw);
	assert_int_equal(captured_lines, 0);
	assert_int_equal(firmware_time_calls(FW_MEMORY), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_debug_line_has_every_fact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_devicetree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_level_costs_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
