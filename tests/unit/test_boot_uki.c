/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/boot_uki.c through the whole flow on the fake firmware: an ESP with only a UKI
 * boots its .linux with kaslboot's placement, .ucode then .initrd as the initrd, .cmdline
 * as bootargs; the selected profile's sections win; under Secure Boot a refused UKI is one
 * line and the next entry boots; a UKI without .linux falls back too. */
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
#include "image_fixture.h"
#include "lib/err.h"
#include "log_capture.h"
#include "assert_kb.h"
#include "pe_fixture.h"

#define RAM_BYTES         (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE  (64u << 10)

static uint8_t kernel_file[KERNEL_FILE_SIZE];
static const char osrel[] = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nID=debian\n";
static const char ucode[] = "UCODE";
static const char initrd[] = "INITRD-CPIO";
/* A UKI with a command line of its own ("from-uki"), an initrd and microcode: the tests
 * that check whose command line, or whose signature, wins. */
static const struct pef_section from_uki[] = {
	PEF_TEXT(".osrel", osrel),
	PEF_TEXT(".cmdline", "from-uki"),
	{ ".linux", kernel_file, sizeof(kernel_file) },
	PEF_TEXT(".initrd", initrd),
	PEF_TEXT(".ucode", ucode),
};

static void make_kernel(void)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 5 + 1);
}

static void add_uki(const char *path, const struct pef_section *s, unsigned n)
{
	size_t len;
	uint8_t *f = pef_build(s, n, &len);
	fake_fw_add_file(path, f, len);
	free(f);
}

static void setup_firmware(const char *loader_conf)
{
	make_kernel();
	flow_firmware_init(true);
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.has_rng = true;
	log_capture_start(LOG_DEBUG);
	if (loader_conf)
		fake_fw_add_file("/loader/loader.conf", loader_conf, strlen(loader_conf));
}

static bool run_boot(int *rc)
{
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, rc);
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static const void *chosen(const char *name, int *len)
{
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	int node = fdt_path_offset(dt, "/chosen");
	assert_true(node >= 0);
	const void *p = fdt_getprop(dt, node, name, len);
	if (!p)
		fail_msg("/chosen/%s is missing", name);
	return p;
}

/* The kernel in its slot, bootargs, and the initrd .ucode first, padded, then .initrd. */
static void check_handoff(const char *bootargs)
{
	int len;
	assert_true(fake_cpu.linux_entered);
	assert_int_equal(fake_cpu.entry % 0x10000, 0);
	assert_memory_equal((void *)(uintptr_t)fake_cpu.entry, kernel_file, sizeof(kernel_file));
	assert_string_equal((const char *)chosen("bootargs", &len), bootargs);
	const uint8_t *p = (const uint8_t *)(uintptr_t)be64_at(chosen("linux,initrd-start", &len));
	uint64_t end = be64_at(chosen("linux,initrd-end", &len));
	assert_memory_equal(p, ucode, 5);
	assert_memory_equal(p + 8, initrd, sizeof(initrd) - 1); /* after 4-byte padding */
	assert_int_equal(end - (uint64_t)(uintptr_t)p, 8 + 12);
}

static void test_lone_uki_boots(void **state)
{
	const struct pef_section s[] = {
		PEF_TEXT(".osrel", osrel),
		PEF_TEXT(".cmdline", "root=/dev/vda2 quiet\n"),
		{ ".linux", kernel_file, sizeof(kernel_file) },
		PEF_TEXT(".initrd", initrd),
		PEF_TEXT(".ucode", ucode),
	};
	int rc = 0;
	(void)state;
	setup_firmware(NULL);
	add_uki("/EFI/Linux/debian.efi", s, 5);
	assert_true(run_boot(&rc));
	check_handoff("root=/dev/vda2 quiet");
	assert_string_equal(flow_var_text("LoaderEntrySelected"), "debian.efi");
	assert_non_null(strstr(captured_log, "booting /EFI/Linux/debian.efi:.linux"));
}

/* `default` picks the second profile: its .cmdline, the base's kernel and initrds. */
static void test_profile_cmdline_arrives(void **state)
{
	const struct pef_section s[] = {
		PEF_TEXT(".osrel", osrel),
		{ ".linux", kernel_file, sizeof(kernel_file) },
		PEF_TEXT(".initrd", initrd),
		PEF_TEXT(".ucode", ucode),
		PEF_TEXT(".profile", "ID=main\n"),
		PEF_TEXT(".cmdline", "main"),
		PEF_TEXT(".profile", "ID=rescue\n"),
		PEF_TEXT(".cmdline", "rescue systemd.unit=rescue.target"),
	};
	int rc = 0;
	(void)state;
	setup_firmware("default debian.efi@rescue\n");
	add_uki("/EFI/Linux/debian.efi", s, 8);
	assert_true(run_boot(&rc));
	check_handoff("rescue systemd.unit=rescue.target");
	assert_string_equal(flow_var_text("LoaderEntrySelected"), "debian.efi@rescue");
}

/* Secure Boot: the whole UKI is checked before any section is used; refused, the next
 * entry boots. */
static void test_secure_boot_refusal_falls_back(void **state)
{
	const struct pef_section *s = from_uki;
	static const char conf[] = "title T1\nsort-key zzz\nlinux /Image\noptions type1\n";
	int rc = 0;
	(void)state;
	setup_firmware(NULL);
	flow_fw.secure_boot = true;
	fake.secure_boot = true;
	fake.verify_refuses = true;
	add_uki("/EFI/Linux/debian.efi", s, 5);
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_file("/loader/entries/t1.conf", conf, strlen(conf));
	assert_false(run_boot(&rc)); /* the verifier refuses the kernel of t1 too */
	assert_non_null(strstr(captured_log, "entry 'debian.efi' failed"));
	assert_non_null(strstr(captured_log, "falling back to entry 't1'"));
	/* Accepted: it boots, and its sections are not verified one by one. */
	setup_firmware(NULL);
	flow_fw.secure_boot = true;
	fake.secure_boot = true;
	add_uki("/EFI/Linux/debian.efi", s, 5);
	assert_true(run_boot(&rc));
	assert_string_equal((const char *)chosen("bootargs", &rc), "from-uki");
}

static void test_no_linux_falls_back(void **state)
{
	const struct pef_section s[] = { PEF_TEXT(".osrel", osrel), PEF_TEXT(".cmdline", "x") };
	static const char conf[] = "title T1\nlinux /Image\noptions type1\n";
	int rc = 0;
	(void)state;
	setup_firmware(NULL);
	add_uki("/EFI/Linux/debian.efi", s, 2);
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_file("/loader/entries/t1.conf", conf, strlen(conf));
	assert_true(run_boot(&rc));
	assert_non_null(strstr(captured_log, "/EFI/Linux/debian.efi: profile 0 has no .linux"));
	assert_string_equal((const char *)chosen("bootargs", &rc), "type1");
}

/* A tiny devicetree whose root has this compatible and model. */
static void *small_dtb(const char *compatible, const char *model, size_t *len)
{
	static uint8_t bufs[2][1024];
	static unsigned next;
	uint8_t *b = bufs[next++ % 2];
	assert_int_equal(fdt_create_empty_tree(b, 1024), 0);
	assert_int_equal(fdt_setprop_string(b, 0, "compatible", compatible), 0);
	assert_int_equal(fdt_setprop_string(b, 0, "model", model), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(b, 0, "#size-cells", 2), 0);
	assert_true(fdt_add_subnode(b, 0, "chosen") >= 0);
	assert_int_equal(fdt_pack(b), 0);
	*len = fdt_totalsize(b);
	return b;
}

/* Two .dtbauto: the one whose root compatible is the firmware DT's ("linux,dummy-virt")
 * reaches the kernel, over a plain .dtb. */
static void test_dtbauto_matching_the_firmware(void **state)
{
	size_t la, lb, lc;
	void *other = small_dtb("vendor,board", "other board", &la);
	void *virt = small_dtb("linux,dummy-virt", "matched virt", &lb);
	uint8_t plain_dtb[1024];
	memcpy(plain_dtb, small_dtb("vendor,plain", "plain dtb", &lc), lc);
	const struct pef_section s[] = {
		PEF_TEXT(".osrel", osrel),
		PEF_TEXT(".cmdline", "x"),
		{ ".linux", kernel_file, sizeof(kernel_file) },
		{ ".dtb", plain_dtb, lc },
		{ ".dtbauto", other, la },
		{ ".dtbauto", virt, lb },
	};
	int rc = 0, len;
	(void)state;
	setup_firmware(NULL);
	add_uki("/EFI/Linux/debian.efi", s, 6);
	assert_true(run_boot(&rc));
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	assert_string_equal((const char *)fdt_getprop(dt, 0, "model", &len), "matched virt");
	assert_non_null(strstr(captured_log, ".dtbauto #5 matches"));
}

/* `efi` naming a UKI: booted natively, the entry's options replacing .cmdline (Secure
 * Boot off); `uki` naming one boots it; `efi` naming another program starts it through
 * the firmware with the options, and when it returns the next entry runs. */
static void test_efi_and_uki_entries(void **state)
{
	const struct pef_section *s = from_uki;
	static const struct pef_section app[] = { PEF_TEXT(".text", "code") };
	static const char efi_conf[] = "title E\nefi /boot/k.efi\noptions from-entry\n";
	static const char uki_conf[] = "title U\nuki /boot/k.efi\n";
	static const char shell_conf[] = "title S\nsort-key a\nefi /shell.efi\noptions -nomap\n";
	int rc = 0;
	(void)state;
	setup_firmware(NULL);
	add_uki("/boot/k.efi", s, 5);
	fake_fw_add_file("/loader/entries/e.conf", efi_conf, strlen(efi_conf));
	assert_true(run_boot(&rc));
	check_handoff("from-entry");
	assert_non_null(strstr(captured_log, "/boot/k.efi: a UKI: booted by kaslboot"));

	setup_firmware(NULL);
	add_uki("/boot/k.efi", s, 5);
	fake_fw_add_file("/loader/entries/u.conf", uki_conf, strlen(uki_conf));
	assert_true(run_boot(&rc));
	check_handoff("from-uki");

	setup_firmware(NULL);
	add_uki("/boot/k.efi", s, 5);
	add_uki("/shell.efi", app, 1);
	fake_fw_add_file("/loader/entries/s.conf", shell_conf, strlen(shell_conf));
	fake_fw_add_file("/loader/entries/u.conf", uki_conf, strlen(uki_conf));
	assert_true(run_boot(&rc));
	assert_int_equal(fake.started, 1);
	assert_string_equal(fake.started_path, "/shell.efi");
	assert_string_equal(fake.started_options, "-nomap");
	assert_non_null(strstr(captured_log, "/shell.efi: returned to kaslboot"));
	check_handoff("from-uki"); /* then the next entry */
}

/* Secure Boot on: an `efi` entry's options do not replace a UKI's .cmdline. */
static void test_secure_boot_keeps_cmdline(void **state)
{
	const struct pef_section *s = from_uki;
	static const char efi_conf[] = "title E\nefi /boot/k.efi\noptions from-entry\n";
	int rc = 0;
	(void)state;
	setup_firmware(NULL);
	flow_fw.secure_boot = true;
	fake.secure_boot = true;
	add_uki("/boot/k.efi", s, 5);
	fake_fw_add_file("/loader/entries/e.conf", efi_conf, strlen(efi_conf));
	assert_true(run_boot(&rc));
	check_handoff("from-uki");
	assert_non_null(strstr(captured_log, "Secure Boot is on: the entry's options are ignored"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lone_uki_boots, flow_teardown),
		cmocka_unit_test_teardown(test_profile_cmdline_arrives, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_refusal_falls_back, flow_teardown),
		cmocka_unit_test_teardown(test_no_linux_falls_back, flow_teardown),
		cmocka_unit_test_teardown(test_dtbauto_matching_the_firmware, flow_teardown),
		cmocka_unit_test_teardown(test_efi_and_uki_entries, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_keeps_cmdline, flow_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
