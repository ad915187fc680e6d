/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot (loader/measure.c) over the fake firmware's TPM: every event a boot leaves
 * (PCR, type, digest, the exact event bytes), checked against what systemd-boot, the
 * kernel's EFI stub and the firmware would have left; the event log handed to Linux; and a
 * TPM that is missing or fails, which must cost one warning at most and never the boot.
 * Expected bytes are spelled out here (UTF-16LE by hand, tagged-event headers by hand),
 * not taken from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include <openssl/sha.h>

#include "dt_testutil.h"
#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "log_capture.h"
#include "loader/bli.h"
#include "loader/boot.h"
#include "loader/measure.h"
#include "loader/phase_time.h"
#include "loader/tpm_log.h"

#define RAM_BYTES (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE (256u << 10)
#define PROBE_PATH "build/payload/probe.elf"
/* Sizes that are not multiples of 4: kaslboot pads between initrds, systemd-boot not. */
#define INITRD_A_SIZE 4001u
#define INITRD_B_SIZE 1234u

/* Event types and tags as the specifications and the peers' sources spell them. */
#define T_EV_POST_CODE                     0x1u
#define T_EV_EVENT_TAG 0x6u
#define T_EV_IPL 0xdu
#define T_EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define T_TAG_INITRD 0x8f3b22ecu
#define T_TAG_LOAD_OPTIONS 0x8f3b22edu
#define T_TAG_LOADER_CONF                  0xf5bc582au
/* include/linux/efi.h: LINUX_EFI_TPM_EVENT_LOG_GUID. */
static const struct kb_guid t_event_log_guid = {
	0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } };

static uint8_t kernel_file[KERNEL_FILE_SIZE];
static uint8_t initrd_a[INITRD_A_SIZE], initrd_b[INITRD_B_SIZE];

static const char loader_conf[] = "default a\ntimeout 0\n";
static const char cmdline[] = "console=ttyAMA0 quiet";
static const char linux_entry[] = "title Linux\nlinux /Image\ninitrd /a.img\ninitrd /b.img\n"
				  "options console=ttyAMA0\noptions quiet\n";

static void make_files(void)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 13 + 1);
	for (size_t i = 0; i < sizeof(initrd_a); i++)
		initrd_a[i] = (uint8_t)(i % 251 + 1);
	for (size_t i = 0; i < sizeof(initrd_b); i++)
		initrd_b[i] = (uint8_t)(i % 241 + 3);
}

/* A PE header behind the Image header (res5 = 64), PE32+ with this ImageBase: an Image
 * with an EFI stub, as far as measuring goes. */
static void make_efi_stub(uint64_t image_base)
{
	uint8_t *pe = kernel_file + 64;
	memset(pe, 0, 24 + 0xf0);
	memcpy(pe, "PE\0\0", 4);
	put_le16(pe + 4, 0xaa64);         /* Machine */
	put_le16(pe + 20, 0xf0);          /* SizeOfOptionalHeader */
	put_le16(pe + 24, 0x20b);         /* PE32+ */
	put_le64(pe + 24 + 24, image_base);
}

static void boot_setup(const char *conf, const char *entry_a, const char *entry_b, bool tpm)
{
	flow_firmware_init(true);
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.has_rng = true;
	if (tpm)
		fake_fw_add_tpm();
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_file("/a.img", initrd_a, sizeof(initrd_a));
	fake_fw_add_file("/b.img", initrd_b, sizeof(initrd_b));
	assert_true(fake_fw_add_host_file("/probe.elf", PROBE_PATH));
	fake_fw_add_config(conf, entry_a, entry_b);
}

static bool run_boot(void)
{
	int rc = 0;
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, &rc);
}

/* ASCII as UTF-16LE with the terminating NUL; the byte count. */
static size_t u16(const char *s, uint8_t *out)
{
	size_t n = 0;
	for (; *s; s++) {
		out[n++] = (uint8_t)*s;
		out[n++] = 0;
	}
	out[n++] = 0;
	out[n++] = 0;
	return n;
}

/* TCG_PCClientTaggedEvent: u32 id, u32 size, the data. */
static size_t tagged(uint32_t id, const void *data, size_t len, uint8_t *out)
{
	put_le32(out, id);
	put_le32(out + 4, (uint32_t)len);
	memcpy(out + 8, data, len);
	return 8 + len;
}

/* Event i is on `pcr`, of `type`, a digest of data[0..len) and logged with these bytes. */
static void expect_event(unsigned i, unsigned pcr, uint32_t type, const void *data, size_t len,
			 const void *event, size_t event_len)
{
	uint8_t digest[32];
	if (i >= fake.nevents)
		fail_msg("event %u missing: only %u were measured", i, fake.nevents);
	const struct fake_tpm_event *e = &fake.events[i];
	SHA256(data, len, digest);
	if (e->pcr != pcr || e->type != type)
		fail_msg("event %u: PCR %u type 0x%x, want PCR %u type 0x%x", i, e->pcr, e->type,
			 pcr, type);
	assert_int_equal(e->len, len);
	assert_memory_equal(e->sha256, digest, 32);
	if (event) {
		assert_int_equal(e->event_len, event_len);
		assert_memory_equal(e->event, event, event_len);
	}
}

static void expect_loader_conf_event(unsigned i, const char *conf)
{
	uint8_t name[64], ev[80];
	size_t n = u16("loader.conf", name);
	assert_int_equal(n, 24);
	expect_event(i, 5, T_EV_EVENT_TAG, conf, strlen(conf), ev,
		     tagged(T_TAG_LOADER_CONF, name, n, ev));
}

/* The command line: systemd-boot's PCR 12 event, then (for Linux) the stub's LoadOptions
 * in PCR 9: the same UTF-16LE bytes, NUL included. */
static void expect_cmdline_events(unsigned i, const char *line, bool stub)
{
	static uint8_t wide[8192], ev[8300];
	size_t n = u16(line, wide);
	expect_event(i, 12, T_EV_IPL, wide, n, wide, n);
	if (stub)
		expect_event(i + 1, 9, T_EV_EVENT_TAG, wide, n, ev,
			     tagged(T_TAG_LOAD_OPTIONS, "LOADED_IMAGE::LoadOptions", 26, ev));
}

static void expect_initrd_event(unsigned i)
{
	static uint8_t cat[INITRD_A_SIZE + INITRD_B_SIZE];
	uint8_t ev[32];
	memcpy(cat, initrd_a, INITRD_A_SIZE);
	memcpy(cat + INITRD_A_SIZE, initrd_b, INITRD_B_SIZE);
	expect_event(i, 9, T_EV_EVENT_TAG, cat, sizeof(cat), ev,
		     tagged(T_TAG_INITRD, "Linux initrd", 13, ev));
}

static void expect_banks_var(const char *value)
{
	uint8_t want[32];
	size_t n = u16(value, want);
	const struct fake_var *v = fake_fw_var("LoaderTpm2ActivePcrBanks");
	assert_non_null(v);
	assert_int_equal(v->len, n);
	assert_memory_equal(v->data, want, n);
	assert_int_equal(v->attrs, KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME);
}

/* The table Linux finds: the fake's whole log, final events already in it counted. */
static void expect_event_log_table(uint32_t final_preboot)
{
	const uint8_t *t = fake_fw_table(&t_event_log_guid);
	assert_non_null(t);
	uint32_t size = t[0] | t[1] << 8 | t[2] << 16 | (uint32_t)t[3] << 24;
	assert_int_equal(size, fake.tpm_log_len);
	assert_int_equal(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24, final_preboot);
	assert_int_equal(t[8], 2);   /* EFI_TCG2_EVENT_LOG_FORMAT_TCG_2 */
	assert_memory_equal(t + 9, fake.tpm_log, size);
	/* In memory the OS keeps (the stub uses EfiACPIReclaimMemory too). */
	bool found = false;
	for (unsigned i = 0; i < fake.nallocs; i++)
		if (fake.allocs[i].base == (uint64_t)(uintptr_t)t)
			found = fake.allocs[i].kind == KB_MEM_ACPI_RECLAIM;
	assert_true(found);
}

/* The initrd the kernel got: a, zeros up to 4 bytes, b, zeros. */
static void expect_padded_initrd(void)
{
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	int chosen = fdt_path_offset(dt, "/chosen"), len;
	const uint8_t *s = fdt_getprop(dt, chosen, "linux,initrd-start", &len);
	const uint8_t *e = fdt_getprop(dt, chosen, "linux,initrd-end", &len);
	assert_non_null(s);
	assert_non_null(e);
	uint64_t start = 0, end = 0;
	for (int i = 0; i < 8; i++) {
		start = start << 8 | s[i];
		end = end << 8 | e[i];
	}
	const uint8_t *p = (const uint8_t *)(uintptr_t)start;
	uint64_t size = end - start;
	assert_int_equal(size, 4004 + 1236);
	assert_memory_equal(p, initrd_a, INITRD_A_SIZE);
	for (unsigned i = INITRD_A_SIZE; i < 4004; i++)
		assert_int_equal(p[i], 0);
	assert_memory_equal(p + 4004, initrd_b, INITRD_B_SIZE);
	for (unsigned i = 4004 + INITRD_B_SIZE; i < size; i++)
		assert_int_equal(p[i], 0);
}

/* A Linux boot: loader.conf in PCR 5, the Image in PCR 4 (no PE header: its bytes, EV_IPL
 * with the path), the command line in PCR 12 and as LoadOptions in PCR 9 before the
 * initrds (the stub's order), the event log for Linux, the banks variable. */
static void test_linux_boot_measured(void **state)
{
	uint8_t path[32];
	(void)state;
	boot_setup(loader_conf, linux_entry, NULL, true);
	assert_true(run_boot());
	assert_true(fake_cpu.linux_entered);
	assert_int_equal(fake.nevents, 5);
	expect_loader_conf_event(0, loader_conf);
	size_t n = u16("/Image", path);
	expect_event(1, 4, T_EV_IPL, kernel_file, sizeof(kernel_file), path, n);
	assert_int_equal((uint64_t)(uintptr_t)fake.events[1].data, fake_cpu.entry);
	expect_cmdline_events(2, cmdline, true);
	expect_initrd_event(4);
	expect_padded_initrd();
	expect_event_log_table(0);
	expect_banks_var("0x00000003");
	assert_logged("tpm: TPM 2.0, active PCR banks sha1,sha256: measuring this boot");
	assert_logged("tpm: event log handed to Linux");
	assert_int_equal(captured_warnings, 0);
	assert_int_equal(captured_errors, 0);
}

/* An Image with an EFI stub is a PE: measured where it runs, as LoadImage would (the
 * firmware's Authenticode digest), with its path and link-time base. */
static void test_efi_stub_image_measured_as_pe(void **state)
{
	(void)state;
	make_efi_stub(0x1000);
	boot_setup(NULL, linux_entry, NULL, true);
	bool entered = run_boot();
	make_files();
	assert_true(entered);
	assert_int_equal(fake.nevents, 4);   /* no loader.conf: nothing in PCR 5 */
	const struct fake_tpm_event *e = &fake.events[0];
	assert_true(e->pe);
	assert_int_equal(e->pcr, 4);
	assert_int_equal(e->type, T_EV_EFI_BOOT_SERVICES_APPLICATION);
	assert_string_equal(e->path, "/Image");
	assert_int_equal(e->link_base, 0x1000);
	assert_int_equal(e->len, KERNEL_FILE_SIZE);
	assert_int_equal((uint64_t)(uintptr_t)e->data, fake_cpu.entry);
	expect_cmdline_events(1, cmdline, true);
	expect_initrd_event(3);
	assert_int_equal(captured_warnings, 0);
}

/* A firmware that cannot hash the PE (or lacks PE_COFF_IMAGE) extended nothing: the bytes
 * are measured instead, quietly. */
static void test_pe_the_firmware_refuses_is_measured_as_bytes(void **state)
{
	uint8_t path[32];
	(void)state;
	make_efi_stub(0);
	boot_setup(NULL, linux_entry, NULL, true);
	fake.tpm_no_pe = true;
	bool entered = run_boot();
	assert_true(entered);
	size_t n = u16("/Image", path);
	expect_event(0, 4, T_EV_IPL, kernel_file, sizeof(kernel_file), path, n);
	make_files();
	assert_int_equal(captured_warnings, 0);
}

/* A gzip kernel: the file as read from the ESP, then the Image inflated from it. */
static void test_gzip_kernel_measured_twice(void **state)
{
	uint8_t path[32];
	size_t gz_len;
	(void)state;
	uint8_t *gz = host_gzip(kernel_file, sizeof(kernel_file), 6, NULL, &gz_len);
	boot_setup(NULL, "linux /Image.gz\noptions x\n", NULL, true);
	fake_fw_add_file("/Image.gz", gz, gz_len);
	assert_true(run_boot());
	size_t n = u16("/Image.gz", path);
	expect_event(0, 4, T_EV_IPL, gz, gz_len, path, n);
	expect_event(1, 4, T_EV_IPL, kernel_file, sizeof(kernel_file), path, n);
	expect_cmdline_events(2, "x", true);
	assert_int_equal(fake.nevents, 4);
	free(gz);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* U-Boot's PCR 1 event for a DT (efi_tcg2_measure_dtb), computed here from the header
 * fields: a one-byte size, "DTB DATA" and its NUL, then the SHA-256 of the header, the
 * structure block, the strings block and the reservations up to their empty entry. */
static size_t uboot_dtb_event(const void *blob, uint8_t ev[42])
{
	const uint8_t *b = blob;
	size_t rsv = be32_at(b + 16), nrsv = 1, at = 0;
	while (be32_at(b + rsv + 16 * (nrsv - 1) + 8) || be32_at(b + rsv + 16 * (nrsv - 1) + 12))
		nrsv++;
	uint8_t *cat = malloc(be32_at(b + 4));
	assert_non_null(cat);
	memcpy(cat, b, 40);
	at = 40;
	memcpy(cat + at, b + be32_at(b + 8), be32_at(b + 36)); /* off/size_dt_struct */
	at += be32_at(b + 36);
	memcpy(cat + at, b + be32_at(b + 12), be32_at(b + 32)); /* off/size_dt_strings */
	at += be32_at(b + 32);
	memcpy(cat + at, b + rsv, 16 * nrsv);
	at += 16 * nrsv;
	ev[0] = 9;
	memcpy(ev + 1, "DTB DATA", 9);
	SHA256(cat, at, ev + 10);
	free(cat);
	return 42;
}

/* A `devicetree` file in PCR 1 as read, then its overlays in order, as U-Boot measures
 * the DT it hands over (EV_POST_CODE "DTB DATA"): the event is what each bank hashes. */
static void test_devicetree_file_measured(void **state)
{
	uint8_t ev[42];
	size_t dtb_len, one_len, two_len;
	(void)state;
	void *dtb = dt_compile_fixture("dt_board.dts", &dtb_len);
	void *one = dt_compile_fixture_with("dt_overlay_one.dtso", "-@", &one_len);
	void *two = dt_compile_fixture_with("dt_overlay_two.dtso", "-@", &two_len);
	boot_setup(NULL,
		   "linux /Image\ndevicetree /board.dtb\n"
		   "devicetree-overlay /two.dtbo /one.dtbo\n",
		   NULL, true);
	fake_fw_add_file("/board.dtb", dtb, dtb_len);
	fake_fw_add_file("/one.dtbo", one, one_len);
	fake_fw_add_file("/two.dtbo", two, two_len);
	assert_true(run_boot());
	assert_int_equal(fake.nevents, 4); /* the Image, the DT, two overlays */
	size_t n = uboot_dtb_event(dtb, ev);
	expect_event(1, 1, T_EV_POST_CODE, ev, n, ev, n);
	n = uboot_dtb_event(two, ev);
	expect_event(2, 1, T_EV_POST_CODE, ev, n, ev, n);
	n = uboot_dtb_event(one, ev);
	expect_event(3, 1, T_EV_POST_CODE, ev, n, ev, n);
	free(dtb);
	free(one);
	free(two);
}

/* An MMU-on payload: the ELF as read in PCR 4, its command line in PCR 12 only (no stub
 * measures LoadOptions), its initrds in PCR 9. */
static void test_mmu_on_payload_measured(void **state)
{
	uint8_t path[32];
	static uint8_t elf[4 << 20];
	(void)state;
	FILE *f = fopen(PROBE_PATH, "rb");
	assert_non_null(f);
	size_t elf_len = fread(elf, 1, sizeof(elf), f);
	fclose(f);
	boot_setup(NULL, "linux /probe.elf\nkaslboot-payload mmu-on\ninitrd /a.img\n"
		   "initrd /b.img\noptions probe\n", NULL, true);
	assert_true(run_boot());
	assert_true(fake_cpu.mmu_on_entered);
	assert_int_equal(fake.nevents, 3);
	size_t n = u16("/probe.elf", path);
	expect_event(0, 4, T_EV_IPL, elf, elf_len, path, n);
	expect_cmdline_events(1, "probe", false);
	expect_initrd_event(2);
	expect_event_log_table(0);
	assert_int_equal(captured_warnings, 0);
}

/* Without a TPM: one question, nothing measured, no table, the variable says 0, quiet. */
static void test_no_tpm(void **state)
{
	(void)state;
	boot_setup(loader_conf, linux_entry, NULL, false);
	assert_true(run_boot());
	assert_int_equal(fake.tpm_calls, 1);
	assert_int_equal(fake.nevents, 0);
	assert_null(fake_fw_table(&t_event_log_guid));
	expect_banks_var("0x00000000");
	assert_int_equal(captured_warnings, 0);
	expect_padded_initrd();
}

/* A TPM whose every call fails: one warning, the boot goes on; each event is still tried
 * (issue 19 point 5), its failures at debug. */
static void test_broken_tpm_one_warning(void **state)
{
	(void)state;
	boot_setup(loader_conf, linux_entry, NULL, true);
	fake.tpm_broken = true;
	assert_true(run_boot());
	assert_true(fake_cpu.linux_entered);
	assert_int_equal(captured_warnings, 1);
	assert_logged("warning: tpm: asking for the active PCR banks failed (I/O error): "
		      "LoaderTpm2ActivePcrBanks says none; each measurement is still tried");
	assert_logged("tpm: measuring the initrd into PCR 9 failed (I/O error)");
	assert_int_equal(fake.nevents, 0);
	assert_null(fake_fw_table(&t_event_log_guid));
	expect_banks_var("0x00000000");
}

static void expect_cmdline_and_initrd_pcrs(void);

/* Each measurement of a boot failing in turn: one warning naming it, and only that event
 * is missing: every later one is still tried (issue 19 point 5: each event on its own, as
 * systemd-boot and the stub), Linux still gets the log of what was measured. */
static void test_tpm_failing_mid_boot(void **state)
{
	(void)state;
	for (unsigned k = 1; k <= 5; k++) {
		boot_setup(loader_conf, linux_entry, NULL, true);
		fake.tpm_fail_measure = k;
		assert_true(run_boot());
		assert_true(fake_cpu.linux_entered);
		if (captured_warnings != 1)
			fail_msg("measurement %u failing: %d warnings:\n%s", k, captured_warnings,
				 captured_log);
		assert_logged("the next measurements are still made");
		if (fake.nevents != 4)
			fail_msg("measurement %u failing: %u measured:\n%s", k, fake.nevents,
				 captured_log);
		assert_int_equal(fake.tpm_measure_calls, 5);
		if (k <= 2) /* loader.conf or the Image: the command line and initrd still in */
			expect_cmdline_and_initrd_pcrs();
		expect_event_log_table(0);
	}
}

/* Nothing to say, nothing measured (systemd-boot and the stub skip empty load options). */
static void test_empty_cmdline_not_measured(void **state)
{
	(void)state;
	boot_setup(NULL, "linux /Image\ninitrd /a.img\ninitrd /b.img\n", NULL, true);
	assert_true(run_boot());
	assert_int_equal(fake.nevents, 2);
	assert_int_equal(fake.events[0].pcr, 4);
	expect_initrd_event(1);
}

/* A command line UCS-2 cannot hold is still measured: its UTF-8 bytes, NUL included. */
static void test_cmdline_outside_ucs2_still_measured(void **state)
{
	static const char line[] = "x=\xf0\x9f\x94\x91";   /* U+1F511, outside the BMP */
	(void)state;
	boot_setup(NULL, "linux /Image\noptions x=\xf0\x9f\x94\x91\n", NULL, true);
	assert_true(run_boot());
	assert_int_equal(fake.nevents, 3);
	expect_event(1, 12, T_EV_IPL, line, sizeof(line), line, sizeof(line));
	expect_event(2, 9, T_EV_EVENT_TAG, line, sizeof(line), NULL, 0);
}

/* The first attempt's ExitBootServices is refused after its table went in: it comes out
 * again, the fallback measures its own boot (those events are in the final-events table
 * too, since the log was asked for) and hands a fresh table that says so. */
static void test_fallback_hands_a_fresh_log(void **state)
{
	(void)state;
	boot_setup("default a\n", linux_entry, "linux /Image\noptions second\n", true);
	fake.exit_refusals = 1;
	assert_true(run_boot());
	assert_logged("falling back to entry 'b'");
	/* a: loader.conf, Image, 2 x command line, initrd; b: Image, 2 x command line. */
	assert_int_equal(fake.nevents, 8);
	expect_cmdline_events(6, "second", true);
	/* The seed table, the event log and memreserve (no GOP: no screen_info). */
	assert_int_equal(fake.ntables, 3);
	expect_event_log_table((uint32_t)(fake.tpm_final_len - 16));
	assert_true(fake.tpm_final_len > 16);
}

/* Direct: the banks variable for every bank, and no TPM answers nothing. */
static void test_banks_variable(void **state)
{
	(void)state;
	fake_fw_init(RAM_BYTES);
	fake_fw_add_tpm();
	fake.tpm_banks = 0x1f;
	log_capture_clear();
	measure_begin(&fake_platform);
	expect_banks_var("0x0000001f");
	assert_logged("active PCR banks sha1,sha256,sha384,sha512,sm3_256");
	fake.tpm_banks = 0;
	measure_begin(&fake_platform);
	expect_banks_var("0x00000000");
	assert_logged("active PCR banks none");
	measure_loader_conf(&fake_platform, NULL, 0);
	assert_int_equal(fake.nevents, 0);
	/* LoaderFeatures says the variable is there: systemd's bit 18. */
	assert_int_equal(BLI_FEATURE_TPM2_ACTIVE_PCR_BANKS, 1ULL << 18);
	assert_true(BLI_FEATURES & BLI_FEATURE_TPM2_ACTIVE_PCR_BANKS);
}

/* The firmware's hashing is timed as the measure phase, and the phase it interrupted goes
 * on afterwards (a devicetree is measured in the middle of PHASE_DT). */
static void test_measuring_is_its_own_phase(void **state)
{
	static uint8_t blob[8 << 20];
	void *big;
	(void)state;
	fake_fw_init(RAM_BYTES);
	fake_fw_add_tpm();
	/* A tree with an 8 MiB property: its digest is the time to account for. */
	assert_int_equal(fdt_create_empty_tree(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_setprop_placeholder(blob, 0, "big", (7 << 20), &big), 0);
	memset(big, 0x5a, 7 << 20);
	phase_init(cpu_counter());
	measure_begin(&fake_platform);
	phase_enter(PHASE_DT);
	measure_devicetree(&fake_platform, "/big.dtb", blob);
	assert_int_equal(fake.nevents, 1);
	assert_int_equal(phase_current(), PHASE_DT);
	assert_true(phase_us(PHASE_MEASURE) > 0); /* a digest of 7 MiB */
}

/* A log the firmware hands out broken is one warning, and no table. */
static void test_corrupt_firmware_log(void **state)
{
	bool installed = true;
	struct kb_allocs allocs;
	(void)state;
	fake_fw_init(RAM_BYTES);
	fake_fw_add_tpm();
	log_capture_clear();
	measure_begin(&fake_platform);
	memcpy(fake.tpm_log + 32, "Spec ID Event02", 16);
	kb_allocs_init(&allocs, &fake_platform);
	measure_event_log_install(&fake_platform, &allocs, &installed);
	assert_false(installed);
	assert_int_equal(allocs.n, 0);
	assert_int_equal(captured_warnings, 1);
	assert_logged("tpm: handing the event log to Linux failed (corrupt data)");
	measure_event_log_remove(&fake_platform, &installed);
	assert_int_equal(fake.ntables, 0);
}

/* A TCG 1.2 (SHA-1) log is handed over as such. */
static void test_tcg12_log(void **state)
{
	bool installed = false;
	struct kb_allocs allocs;
	(void)state;
	fake_fw_init(RAM_BYTES);
	fake_fw_add_tpm();
	fake.tpm_log_12 = true;
	measure_begin(&fake_platform);
	kb_allocs_init(&allocs, &fake_platform);
	measure_event_log_install(&fake_platform, &allocs, &installed);
	assert_true(installed);
	const uint8_t *t = fake_fw_table(&t_event_log_guid);
	assert_non_null(t);
	assert_int_equal(t[8], 1);   /* EFI_TCG2_EVENT_LOG_FORMAT_TCG_1_2 */
	assert_int_equal(t[0] | t[1] << 8, 32 + (fake.tpm_log[28] | fake.tpm_log[29] << 8));
	measure_event_log_remove(&fake_platform, &installed);
	assert_null(fake_fw_table(&t_event_log_guid));
	kb_free_all(&allocs);
}

/* ---- issue 19: one PCR 4 event per kernel under Secure Boot; every event on its own ---- */

static unsigned pcr_events(unsigned pcr)
{
	unsigned n = 0;
	for (unsigned i = 0; i < fake.nevents; i++)
		n += fake.events[i].pcr == pcr;
	return n;
}

/* A PCR of the fake TPM's SHA-256 bank against zero extended with these digests of data. */
static void expect_pcr_sha256(unsigned pcr, const void *a, size_t a_len, const void *b,
			      size_t b_len)
{
	uint8_t v[64] = { 0 };
	SHA256(a, a_len, v + 32);
	SHA256(v, 64, v);
	if (b) {
		SHA256(b, b_len, v + 32);
		SHA256(v, 64, v);
	}
	assert_memory_equal(fake.pcr_sha256[pcr], v, 32);
}

/* The command line and initrd of linux_entry reached PCR 12 and PCR 9 as the stub and
 * systemd-boot put them there. */
static void expect_cmdline_and_initrd_pcrs(void)
{
	static uint8_t wide[128], cat[INITRD_A_SIZE + INITRD_B_SIZE];
	size_t n = u16(cmdline, wide);
	memcpy(cat, initrd_a, INITRD_A_SIZE);
	memcpy(cat + INITRD_A_SIZE, initrd_b, INITRD_B_SIZE);
	expect_pcr_sha256(12, wide, n, NULL, 0);
	expect_pcr_sha256(9, wide, n, cat, sizeof(cat));
}

static void secure_boot_setup(void)
{
	boot_setup(NULL, linux_entry, NULL, true);
	flow_fw.secure_boot = true;
}

/* Point 4: the verifier (LoadImage, shim) measured the signed Image it accepted: that is
 * the kernel's one PCR 4 event; kaslboot's own would be a second for the same image. */
static void test_secure_boot_verifier_measured_once(void **state)
{
	(void)state;
	make_efi_stub(0x1000);
	secure_boot_setup();
	fake.verify_measures = true;
	bool entered = run_boot();
	make_files();
	assert_true(entered);
	if (pcr_events(4) != 1)
		fail_msg("%u PCR 4 events for one kernel:\n%s", pcr_events(4), captured_log);
	const struct fake_tpm_event *e = &fake.events[0];
	assert_true(e->by_verifier);
	assert_int_equal(e->len, KERNEL_FILE_SIZE);
	assert_int_equal((uint64_t)(uintptr_t)e->data, fake_cpu.entry); /* where it runs */
	expect_cmdline_events(1, cmdline, true);
	expect_initrd_event(3);
	assert_int_equal(fake.nevents, 4);
	assert_logged("/Image: measured into PCR 4 by the Secure Boot verifier: not again");
	assert_int_equal(captured_warnings, 0);
	expect_event_log_table((uint32_t)(fake.tpm_final_len - 16));
}

/* edk2 logs PCR 7's authority event right after the image's PCR 4 event the first time a
 * db certificate verifies an image (a kernel signed with another key than kaslboot's): the
 * verifier's PCR 4 event is then not the log's last entry, and still the kernel's one. */
static void test_secure_boot_verifier_then_authority_measured_once(void **state)
{
	(void)state;
	make_efi_stub(0x1000);
	secure_boot_setup();
	fake.verify_measures = true;
	fake.verify_authority = true;
	bool entered = run_boot();
	make_files();
	assert_true(entered);
	if (pcr_events(4) != 1)
		fail_msg("%u PCR 4 events for one kernel:\n%s", pcr_events(4), captured_log);
	assert_true(fake.events[0].by_verifier);
	assert_int_equal(pcr_events(7), 1);
	assert_logged("/Image: measured into PCR 4 by the Secure Boot verifier: not again");
}

/* A verifier that measures nothing (firmware without measured LoadImage): kaslboot's own
 * event is the kernel's one. */
static void test_secure_boot_silent_verifier(void **state)
{
	(void)state;
	make_efi_stub(0x1000);
	secure_boot_setup();
	bool entered = run_boot();
	make_files();
	assert_true(entered);
	assert_int_equal(pcr_events(4), 1);
	assert_false(fake.events[0].by_verifier);
	assert_true(fake.events[0].pe);
	assert_int_equal((uint64_t)(uintptr_t)fake.events[0].data, fake_cpu.entry);
	assert_int_equal(captured_warnings, 0);
}

/* A log already full when the kernel is verified shows no new event: the verifier
 * extended PCR 4 all the same (it measures what it loads), so kaslboot does not again. */
static void test_secure_boot_full_log_verifier_taken_as_measured(void **state)
{
	(void)state;
	make_efi_stub(0x1000);
	secure_boot_setup();
	fake.verify_measures = true;
	fake.tpm_log_truncated = true;
	bool entered = run_boot();
	make_files();
	assert_true(entered);
	assert_int_equal(pcr_events(4), 1);
	assert_true(fake.events[0].by_verifier);
	assert_false(fake.events[0].logged);
	expect_cmdline_and_initrd_pcrs();
}

/* An EFI zboot file: 6.1's layout (header, PE signature, gzip payload of the Image). */
#define ZB_PAYLOAD_OFF    0x1000u
#define ZB_PE_OFF         0x40u
#define ZB_LINUX_PE_MAGIC 0x818223cdu
static uint8_t *make_zboot(size_t *len)
{
	size_t gz_len;
	uint8_t *gz = host_gzip(kernel_file, sizeof(kernel_file), 6, NULL, &gz_len);
	*len = ZB_PAYLOAD_OFF + gz_len + 4096;
	uint8_t *f = calloc(1, *len);
	assert_non_null(f);
	memcpy(f, "MZ", 2);
	memcpy(f + 4, "zimg", 4);
	put_le32(f + 8, ZB_PAYLOAD_OFF);
	put_le32(f + 12, (uint32_t)gz_len);
	strcpy((char *)f + 24, "gzip");
	put_le32(f + 0x38, ZB_LINUX_PE_MAGIC);
	put_le32(f + 0x3c, ZB_PE_OFF);
	memcpy(f + ZB_PE_OFF, "PE\0\0", 4);
	put_le16(f + ZB_PE_OFF + 4, 0xaa64);
	memcpy(f + ZB_PAYLOAD_OFF, gz, gz_len);
	free(gz);
	return f;
}

/* A zboot file under Secure Boot: the verifier's event for the file it checked, then
 * kaslboot's for the Image inflated from it (as a 6.1 zboot started by the firmware
 * leaves: LoadImage of the file, the zboot stub's LoadImage of the Image); never the
 * file twice. */
static void test_secure_boot_zboot_two_events_not_three(void **state)
{
	size_t zb_len;
	(void)state;
	uint8_t *zb = make_zboot(&zb_len);
	boot_setup(NULL, "linux /vmlinuz.efi\noptions x\n", NULL, true);
	fake_fw_add_file("/vmlinuz.efi", zb, zb_len);
	flow_fw.secure_boot = true;
	fake.verify_measures = true;
	assert_true(run_boot());
	if (pcr_events(4) != 2)
		fail_msg("%u PCR 4 events for one zboot kernel:\n%s", pcr_events(4), captured_log);
	assert_true(fake.events[0].by_verifier);
	expect_event(0, 4, T_EV_EFI_BOOT_SERVICES_APPLICATION, zb, zb_len, NULL, 0);
	assert_false(fake.events[1].by_verifier);
	assert_int_equal(fake.events[1].pcr, 4);
	assert_int_equal(fake.events[1].len, sizeof(kernel_file));
	assert_int_equal((uint64_t)(uintptr_t)fake.events[1].data, fake_cpu.entry);
	expect_cmdline_events(2, "x", true);
	free(zb);
}

/* Point 5: EFI_VOLUME_FULL means the PCR was extended and only the log is full. From
 * the first measurement on (loader.conf) and from the command line on: every later
 * event is still extended, the command line and initrd reach PCR 12 and 9, one warning. */
static void test_log_full_measuring_goes_on(void **state)
{
	(void)state;
	for (unsigned from = 1; from <= 3; from += 2) {
		boot_setup(loader_conf, linux_entry, NULL, true);
		fake.tpm_log_full_from = from;
		assert_true(run_boot());
		assert_true(fake_cpu.linux_entered);
		if (fake.nevents != 5)
			fail_msg("log full from measurement %u: %u extended:\n%s", from,
				 fake.nevents, captured_log);
		for (unsigned i = 0; i < 5; i++)
			assert_int_equal(fake.events[i].logged, i + 1 < from);
		expect_cmdline_and_initrd_pcrs();
		assert_int_equal(captured_warnings, 1);
		assert_logged("warning: tpm: the firmware's event log is full: ");
		assert_logged("measuring goes on");
		/* Linux still gets the log, what it holds. */
		assert_non_null(fake_fw_table(&t_event_log_guid));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_linux_boot_measured, flow_teardown),
		cmocka_unit_test_teardown(test_efi_stub_image_measured_as_pe, flow_teardown),
		cmocka_unit_test_teardown(test_pe_the_firmware_refuses_is_measured_as_bytes,
					  flow_teardown),
		cmocka_unit_test_teardown(test_gzip_kernel_measured_twice, flow_teardown),
		cmocka_unit_test_teardown(test_devicetree_file_measured, flow_teardown),
		cmocka_unit_test_teardown(test_mmu_on_payload_measured, flow_teardown),
		cmocka_unit_test_teardown(test_no_tpm, flow_teardown),
		cmocka_unit_test_teardown(test_broken_tpm_one_warning, flow_teardown),
		cmocka_unit_test_teardown(test_tpm_failing_mid_boot, flow_teardown),
		cmocka_unit_test_teardown(test_empty_cmdline_not_measured, flow_teardown),
		cmocka_unit_test_teardown(test_cmdline_outside_ucs2_still_measured, flow_teardown),
		cmocka_unit_test_teardown(test_fallback_hands_a_fresh_log, flow_teardown),
		cmocka_unit_test_teardown(test_banks_variable, flow_teardown),
		cmocka_unit_test_teardown(test_measuring_is_its_own_phase, flow_teardown),
		cmocka_unit_test_teardown(test_corrupt_firmware_log, flow_teardown),
		cmocka_unit_test_teardown(test_tcg12_log, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_verifier_measured_once, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_verifier_then_authority_measured_once,
					  flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_silent_verifier, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_full_log_verifier_taken_as_measured,
					  flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_zboot_two_events_not_three,
					  flow_teardown),
		cmocka_unit_test_teardown(test_log_full_measuring_goes_on, flow_teardown),
	};
	make_files();
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
