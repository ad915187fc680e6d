/* SPDX-License-Identifier: BSD-2-Clause */
/* dt_find_uart() and dt_psci_conduit() on a QEMU-virt-like tree, a SoC tree with a bus
 * ("ranges", 32-bit cells, an alias with options) and a tree with no stdout-path. */
#include "dt_testutil.h"

#include "dtb/platform.h"
#include "dtb/validate.h"
#include "lib/err.h"

static void *fixture(const char *name)
{
	size_t size;
	void *blob = dt_compile_fixture(name, &size);

	assert_int_equal(dt_validate(blob, size, name), KB_OK);
	return blob;
}

/* A writable copy with room for edits. */
static void *editable(const char *name)
{
	void *blob = fixture(name);
	void *copy = aligned_alloc(8, 16384);

	assert_non_null(copy);
	assert_int_equal(fdt_open_into(blob, copy, 16384), 0);
	free(blob);
	return copy;
}

static void test_qemu_virt_uart_and_psci(void **state)
{
	void *fdt = fixture("dt_qemu_virt.dts");
	struct dt_uart u;
	enum dt_psci_conduit c = 0;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	assert_true(u.pa == 0x9000000);
	assert_true(u.size == 0x1000);
	assert_int_equal(u.type, DT_UART_PL011);
	assert_int_equal(u.node, fdt_path_offset(fdt, "/pl011@9000000"));
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_OK);
	assert_int_equal(c, DT_PSCI_HVC);
	assert_int_equal(captured_errors + captured_warnings, 0);
	free(fdt);
}

static void test_soc_bus_alias_and_ranges(void **state)
{
	void *fdt = fixture("dt_soc_bus.dts");
	struct dt_uart u;
	enum dt_psci_conduit c = 0;

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	/* Bus address 0x7e201000 through <0x7e000000 -> 0xfe000000>. */
	assert_true(u.pa == 0xfe201000ull);
	assert_true(u.size == 0x200);
	assert_int_equal(u.type, DT_UART_PL011);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_OK);
	assert_int_equal(c, DT_PSCI_SMC);
	assert_int_equal(captured_errors + captured_warnings, 0);
	free(fdt);
}

static void test_second_range_and_16550(void **state)
{
	void *fdt = editable("dt_soc_bus.dts");
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node = fdt_path_offset(fdt, "/soc/serial@7e215040");
	struct dt_uart u;

	assert_true(chosen > 0 && node > 0);
	assert_int_equal(fdt_setprop_string(fdt, chosen, "stdout-path", "/soc/serial@7e215040"), 0);
	node = fdt_path_offset(fdt, "/soc/serial@7e215040"); /* moved by the edit above */
	assert_int_equal(fdt_setprop_string(fdt, node, "status", "okay"), 0);
	/* And move it into the second range: 0x40000040 -> 0xff800040. */
	{
		fdt32_t reg[2] = { cpu_to_fdt32(0x40000040), cpu_to_fdt32(0x40) };

		node = fdt_path_offset(fdt, "/soc/serial@7e215040");
		assert_int_equal(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), 0);
	}
	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	assert_int_equal(u.type, DT_UART_16550);
	assert_true(u.pa == 0xff800040ull);
	assert_true(u.size == 0x40);

	/* Outside every range: an error, not a made-up address. */
	{
		fdt32_t reg[2] = { cpu_to_fdt32(0x10000000), cpu_to_fdt32(0x40) };

		node = fdt_path_offset(fdt, "/soc/serial@7e215040");
		assert_int_equal(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), 0);
	}
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("outside its ranges");
	free(fdt);
}

static void test_bus_without_ranges(void **state)
{
	void *fdt = editable("dt_soc_bus.dts");
	int chosen = fdt_path_offset(fdt, "/chosen");
	struct dt_uart u;

	assert_int_equal(fdt_setprop_string(fdt, chosen, "stdout-path", "/soc/i2c-bus/uart@48"), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_EUNSUPP);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("no ranges");
	free(fdt);
}

static void test_fallback_first_enabled_pl011(void **state)
{
	void *fdt = fixture("dt_no_stdout.dts");
	struct dt_uart u;
	enum dt_psci_conduit c;

	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	assert_true(u.pa == 0x9040000); /* the first one is disabled */
	assert_int_equal(u.type, DT_UART_PL011);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_ENOENT);
	assert_int_equal(captured_errors, 1);
	free(fdt);
}

static void test_stdout_path_to_nowhere_falls_back(void **state)
{
	void *fdt = editable("dt_qemu_virt.dts");
	int chosen = fdt_path_offset(fdt, "/chosen");
	struct dt_uart u;

	assert_int_equal(fdt_setprop_string(fdt, chosen, "stdout-path", "/nothing@0:115200"), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	assert_true(u.pa == 0x9000000);
	assert_int_equal(captured_warnings, 1);

	/* Not NUL-terminated: ignored with a warning, never read past. */
	assert_int_equal(fdt_setprop(fdt, chosen, "stdout-path", "/pl011@9000000", 6), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_OK);
	assert_int_equal(captured_warnings, 1);
	free(fdt);
}

/* stdout-path naming the root itself (here through an alias, as a fuzzed firmware DT had
 * it): refused with one line, not silently. Found by tests/fuzz/fuzz_dt.c. */
static void test_stdout_path_to_root(void **state)
{
	void *fdt = editable("dt_qemu_virt.dts");
	int aliases = fdt_add_subnode(fdt, 0, "aliases");
	struct dt_uart u;

	assert_true(aliases >= 0);
	assert_int_equal(fdt_setprop_string(fdt, aliases, "serial0", "/"), 0);
	/* Looked up after the edits above, which move the nodes behind them. */
	assert_int_equal(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path",
					    "serial0:115200n8"), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("error: DT: the console node / has no parent bus, so no reg to read");
	free(fdt);
}

static void test_no_uart(void **state)
{
	static uint64_t buf[256];
	struct dt_uart u;

	assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(buf, &u), KB_ENOENT);
	assert_int_equal(captured_errors, 1);
}

static void test_bad_reg_and_cells(void **state)
{
	void *fdt = editable("dt_qemu_virt.dts");
	int node = fdt_path_offset(fdt, "/pl011@9000000");
	struct dt_uart u;
	fdt32_t short_reg[2] = { 0, cpu_to_fdt32(0x9000000) };

	assert_int_equal(fdt_setprop(fdt, node, "reg", short_reg, sizeof(short_reg)), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	/* Three address cells (PCI-style) are not something a console sits on here. */
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#address-cells", 3), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_find_uart(fdt, &u), KB_EUNSUPP);
	assert_int_equal(captured_errors, 1);
	free(fdt);
}

static void test_psci_methods(void **state)
{
	void *fdt = editable("dt_qemu_virt.dts");
	int node = fdt_path_offset(fdt, "/psci");
	enum dt_psci_conduit c;

	assert_int_equal(fdt_setprop_string(fdt, node, "method", "smc"), 0);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_OK);
	assert_int_equal(c, DT_PSCI_SMC);
	assert_int_equal(fdt_setprop_string(fdt, node, "method", "hvcx"), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_int_equal(fdt_setprop(fdt, node, "method", "hvc", 3), 0); /* no NUL */
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_EINVAL);
	assert_int_equal(fdt_delprop(fdt, node, "method"), 0);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_ENOENT);
	/* Found by path when the compatible is missing. */
	assert_int_equal(fdt_setprop_string(fdt, node, "method", "hvc"), 0);
	assert_int_equal(fdt_delprop(fdt, node, "compatible"), 0);
	assert_int_equal(dt_psci_conduit(fdt, &c), KB_OK);
	assert_int_equal(c, DT_PSCI_HVC);
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt_uart_and_psci),
		cmocka_unit_test(test_soc_bus_alias_and_ranges),
		cmocka_unit_test(test_second_range_and_16550),
		cmocka_unit_test(test_bus_without_ranges),
		cmocka_unit_test(test_fallback_first_enabled_pl011),
		cmocka_unit_test(test_stdout_path_to_nowhere_falls_back),
		cmocka_unit_test(test_stdout_path_to_root),
		cmocka_unit_test(test_no_uart),
		cmocka_unit_test(test_bad_reg_and_cells),
		cmocka_unit_test(test_psci_methods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
