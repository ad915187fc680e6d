/* SPDX-License-Identifier: BSD-2-Clause */
/* The whole boot flow (loader/boot.c) on the host, over the fake firmware of
 * fake_platform.h: a Linux Image and an MMU-on ELF payload booted end to end, then every
 * platform call of such a boot made to fail in turn. Whatever fails, the machine must not
 * be lost: either the boot goes on (a fallback entry, another slot, a source less) or it
 * returns to the firmware with one clear error, every page and pool allocation given
 * back, and ExitBootServices never reached after a failed check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "dt_testutil.h"
#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "lib/err.h"
#include "lib/utf16.h"
#include "log_capture.h"
#include "loader/bli.h"
#include "loader/boot.h"
#include "loader/entropy_gather.h"
#include "loader/memreserve.h"
#include "loader/screen_info.h"
#include "assert_kb.h"

/* Enough RAM for the 4 MiB kernel, a 2 MiB DT, the initrd and the pools, with room for
 * many 2 MiB slots. */
#define RAM_BYTES (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE (256u << 10)
#define INITRD_SIZE 5000u
#define PROBE_PATH "build/payload/probe.elf"

static uint8_t kernel_file[KERNEL_FILE_SIZE];
static uint8_t initrd_file[INITRD_SIZE];

/* A 6.1-style Image: header, then a byte pattern the test can find in the slot. */
static void make_kernel(void)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof(initrd_file); i++)
		initrd_file[i] = (uint8_t)(i ^ 0x5a);
}

static const char linux_entry[] =
	"title Linux\nlinux /Image\ninitrd /initrd.img\noptions console=ttyAMA0 quiet\n";
static const char mmu_on_entry[] =
	"title Probe\nlinux /probe.elf\nkaslboot-payload mmu-on\noptions probe\n";

/* Whether the firmware has a TPM (measured boot, loader/measure.c), and how many TPM
 * calls fail_every_call made fail. */
static bool with_tpm;
static unsigned tpm_failures;

/* A fresh firmware with the files every test uses. */
static void setup_esp(const char *loader_conf, const char *entry_a, const char *entry_b)
{
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.has_rng = true;
	if (with_tpm)
		fake_fw_add_tpm();
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_file("/initrd.img", initrd_file, sizeof(initrd_file));
	assert_true(fake_fw_add_host_file("/probe.elf", PROBE_PATH));
	fake_fw_add_config(loader_conf, entry_a, entry_b);
}

/* Runs the flow; true if it entered a payload (the fake CPU jumped back here). */
static bool run_boot(int *rc)
{
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, rc);
}

/* The DT property's bytes and length, failing the test if it is absent. */
static const uint8_t *chosen_prop(const void *fdt, const char *name, int *len)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	assert_true(chosen >= 0);
	const uint8_t *p = fdt_getprop(fdt, chosen, name, len);
	if (!p)
		fail_msg("/chosen/%s is missing", name);
	return p;
}

/* [va, va + size) was cleaned to PoC in one call, before or after ExitBootServices. */
static bool cleaned(uint64_t va, uint64_t size, bool after_exit)
{
	for (unsigned i = 0; i < fake_cpu.cleans && i < FAKE_MAX_CLEANS; i++)
		if (fake_cpu.cleaned[i].va <= va &&
		    fake_cpu.cleaned[i].va + fake_cpu.cleaned[i].size >= va + size &&
		    fake_cpu.cleaned[i].after_exit == after_exit)
			return true;
	return false;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* What the kernel finds: the Image in its slot, the DT with a fresh kaslr-seed and
 * rng-seed, the command line, the initrd; the firmware's own seeds are gone. */
static void check_linux_handoff(void)
{
	int len;
	assert_true(fake_cpu.linux_entered);
	assert_true(fake.exited);
	assert_true(fake_cpu.icache_invalidated);
	assert_int_equal(fake_cpu.entry % 0x10000, 0);   /* EFI_KIMG_ALIGN at the least */
	/* booting.rst: the Image's bytes cleaned to PoC (before ExitBootServices: nothing
	 * writes them after); the DT and the map, written by the exit hook, after it; the
	 * Image's BSS is not cleaned (the kernel clears it itself). */
	assert_true(cleaned(fake_cpu.entry, sizeof(kernel_file), false));
	assert_false(cleaned(fake_cpu.entry, sizeof(kernel_file) + 4096, false));
	assert_true(cleaned(fake_cpu.x0, fdt_totalsize((const void *)(uintptr_t)fake_cpu.x0),
			    true));
	assert_true(cleaned(fake.exit_map.buf, fake.exit_map.size, true));
	assert_memory_equal((void *)(uintptr_t)fake_cpu.entry, kernel_file, sizeof(kernel_file));

	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	assert_int_equal(fdt_check_header(dt), 0);
	const uint8_t *seed = chosen_prop(dt, "kaslr-seed", &len);
	assert_int_equal(len, 8);
	assert_true(be64_at(seed) != 0);
	assert_true(be64_at(seed) != 0x0123456789abcdefULL);   /* never the firmware's */
	chosen_prop(dt, "rng-seed", &len);
	assert_int_equal(len, 64);
	const char *args = (const char *)chosen_prop(dt, "bootargs", &len);
	assert_string_equal(args, "console=ttyAMA0 quiet");
	const uint8_t *s = chosen_prop(dt, "linux,initrd-start", &len);
	const uint8_t *e = chosen_prop(dt, "linux,initrd-end", &len);
	uint64_t start = be64_at(s), end = be64_at(e);
	assert_true(end - start >= INITRD_SIZE);
	assert_memory_equal((void *)(uintptr_t)start, initrd_file, INITRD_SIZE);
	uint64_t mmap_start = be64_at(chosen_prop(dt, "linux,uefi-mmap-start", &len));
	assert_int_equal(mmap_start, fake.exit_map.buf);

	/* The firmware's DT: kaslr-seed zeroed, rng-seed gone. */
	int chosen = fdt_path_offset(flow_fw_dt, "/chosen");
	const uint8_t *fw_seed = fdt_getprop(flow_fw_dt, chosen, "kaslr-seed", &len);
	assert_true(!fw_seed || be64_at(fw_seed) == 0);
	assert_null(fdt_getprop(flow_fw_dt, chosen, "rng-seed", &len));
}

static void check_entry_selected(const char *id)
{
	const struct fake_var *v = fake_fw_var("LoaderEntrySelected");
	char text[64];
	assert_non_null(v);
	assert_true(utf16_to_utf8((const uint16_t *)v->data, v->len / 2, text, sizeof(text)));
	assert_string_equal(text, id);
}

static void test_linux_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL, linux_entry, NULL);
	assert_true(run_boot(&rc));
	check_linux_handoff();
	check_entry_selected("a.conf");
	assert_int_equal(fake_cpu.entry % (2ULL << 20), 0);   /* no EFI stub: 2 MiB */
	assert_logged("entropy: dt-kaslr-seed,dt-rng-seed,efi-rng,counter,system-token;");
	assert_logged("seed file created");
	assert_int_equal(captured_errors, 0);
	assert_int_equal(captured_warnings, 0);
	assert_int_equal(fake.memmaps_live, 0);
	/* Each file opened once, each byte read once: the entry, the kernel (its header
	 * included), the initrd; nothing left open. */
	assert_int_equal(fake.opens, 3);
	assert_int_equal(fake.bytes_read, strlen(linux_entry) + sizeof(kernel_file) +
			 sizeof(initrd_file));
	assert_int_equal(fake.files_open, 0);
	assert_logged("kaslboot: phases (ms): start ");

	/* With a TPM: the same handoff, measured, no word more than a line of info. */
	with_tpm = true;
	flow_firmware_init(true);
	setup_esp(NULL, linux_entry, NULL);
	with_tpm = false;
	assert_true(run_boot(&rc));
	check_linux_handoff();
	assert_int_equal(fake.nevents, 4);
	assert_logged("tpm: event log handed to Linux");
	assert_int_equal(captured_errors, 0);
	assert_int_equal(captured_warnings, 0);
}

static void test_mmu_on_boots(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL, mmu_on_entry, NULL);
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.mmu_on_entered);
	assert_true(fake.exited);
	/* The protocol's high half, the DT in the fixmap at the top of it. */
	assert_true(fake_cpu.entry >= 0xffff900000000000ULL);
	assert_true(fake_cpu.x0 >= 0xffffe00000000000ULL);
	assert_true(fake_cpu.args.sp > fake_cpu.entry);
	assert_int_not_equal(fake_cpu.args.ttbr1, 0);
	assert_int_not_equal(fake_cpu.args.ttbr0, 0);
	assert_int_equal(captured_errors, 0);
}

/* Counts the platform calls of a clean boot. */
static unsigned clean_boot_calls(const char *conf, const char *a, const char *b)
{
	int rc = 0;
	flow_firmware_init(true);
	setup_esp(conf, a, b);
	assert_true(run_boot(&rc));
	return fake.calls;
}

/* After a boot that returned: nothing left allocated, nothing exited, one clear line. */
static void check_returned_clean(int rc, unsigned k)
{
	if (rc >= 0)
		fail_msg("call %u (%s) failed: the boot returned %d, not an error", k,
			 fake.failed_op, rc);
	if (fake.nallocs || fake.pools_live || fake.memmaps_live || fake.files_open)
		fail_msg("call %u (%s) failed: left %u page allocations, %d pool, %d maps, "
			 "%d open files", k, fake.failed_op, fake.nallocs, fake.pools_live,
			 fake.memmaps_live, fake.files_open);
	assert_false(fake.exited);
	assert_true(captured_errors >= 1);
	assert_last_logged("nothing booted: returning to the firmware (");
}

/* Fails each call of a clean boot of `a` (and fallback `b`) in turn. Returns how many
 * failures the boot survived and how many returned to the firmware. */
static void fail_every_call(const char *conf, const char *a, const char *b, bool linux_kind,
			    unsigned *survived, unsigned *returned)
{
	unsigned n = clean_boot_calls(conf, a, b);
	assert_true(n > 10);
	*survived = *returned = 0;
	for (unsigned k = 1; k <= n; k++) {
		int rc = 0;
		flow_firmware_init(true);
		setup_esp(conf, a, b);
		fake.fail_at = k;
		bool entered = run_boot(&rc);
		assert_non_null(fake.failed_op);
		/* The TPM failing costs one warning, never the boot. */
		if (!strncmp(fake.failed_op, "tpm_", 4)) {
			if (!entered || captured_warnings != 1)
				fail_msg("call %u (%s) failed: entered %d, %d warnings:\n%s", k,
					 fake.failed_op, entered, captured_warnings, captured_log);
			assert_logged("warning: tpm: ");
			tpm_failures++;
		}
		if (entered) {
			(*survived)++;
			assert_true(fake.exited);
			assert_int_equal(fake.files_open, 0);
			if (linux_kind && fake_cpu.linux_entered)
				check_linux_handoff();
			else
				assert_true(fake_cpu.mmu_on_entered || fake_cpu.linux_entered);
		} else {
			(*returned)++;
			check_returned_clean(rc, k);
			/* Only a failed ExitBootServices itself may have been asked for it. */
			if (strcmp(fake.failed_op, "exit_boot_services"))
				assert_int_equal(fake.exit_calls, 0);
		}
	}
}

static void test_every_call_fails_linux(void **state)
{
	unsigned survived, returned;
	(void)state;
	fail_every_call(NULL, linux_entry, NULL, true, &survived, &returned);
	/* Both outcomes happen: a refused slot is drawn again, a lost file is fatal. */
	assert_true(survived > 0);
	assert_true(returned > 0);
}

static void test_every_call_fails_mmu_on(void **state)
{
	unsigned survived, returned;
	(void)state;
	fail_every_call(NULL, mmu_on_entry, NULL, false, &survived, &returned);
	assert_true(survived > 0);
	assert_true(returned > 0);
}

/* With a TPM every boot measures (and hands Linux the event log): each of those calls
 * failing is survived too. */
static void test_every_call_fails_with_tpm(void **state)
{
	unsigned survived, returned;
	(void)state;
	with_tpm = true;
	tpm_failures = 0;
	fail_every_call("default a\n", linux_entry, NULL, true, &survived, &returned);
	with_tpm = false;
	assert_true(survived > 0);
	assert_true(returned > 0);
	/* The banks, loader.conf, the Image, the command line twice, the initrd, the log. */
	assert_int_equal(tpm_failures, 7);
	with_tpm = true;
	tpm_failures = 0;
	fail_every_call(NULL, mmu_on_entry, NULL, false, &survived, &returned);
	with_tpm = false;
	assert_true(survived > 0);
	/* The banks, the ELF, the command line, the log. */
	assert_int_equal(tpm_failures, 4);
}

/* With a fallback entry, a failure inside the first attempt boots the second. */
static void test_every_call_fails_with_fallback(void **state)
{
	unsigned survived, returned;
	(void)state;
	fail_every_call("default a\n", linux_entry, mmu_on_entry, false, &survived, &returned);
	assert_true(survived > returned);
}

/* A broken first entry: the fallback boots with the same strong sources, also under
 * `kaslr require`, and without the weak-entropy warning. */
static void test_fallback_keeps_entropy(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\nkaslr require\n", "linux /missing-Image\n", linux_entry);
	fake.has_rng = false;
	assert_true(run_boot(&rc));
	check_linux_handoff();
	check_entry_selected("b.conf");
	assert_logged("/missing-Image: no such file");
	assert_logged("falling back to entry 'b'");
	assert_logged("entropy: dt-kaslr-seed,dt-rng-seed,counter,system-token;");
	assert_int_equal(captured_warnings, 0);
}

/* Without a strong source, `kaslr require` refuses every entry and returns clean. */
/* The menu's editor reaches the kernel: the edited line is the bootargs of this boot, and
 * the watchdog the menu disabled is armed again before the kernel is loaded. */
static void test_menu_edit_reaches_the_kernel(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("timeout menu-force\n", linux_entry, NULL);
	fake_fw_push_key(KB_KEY_CHAR, 'e');
	fake_fw_push_key(KB_KEY_LEFT, 0);
	fake_fw_push_key(KB_KEY_CHAR, 0x08);  /* "quit", the cursor before the 't' */
	fake_fw_push_chars("e");
	fake_fw_push_key(KB_KEY_END, 0);
	fake_fw_push_chars(" edited=1\r");
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.linux_entered);
	int len;
	const char *args = (const char *)chosen_prop((const void *)(uintptr_t)fake_cpu.x0,
						     "bootargs", &len);
	assert_string_equal(args, "console=ttyAMA0 quiet edited=1");
	assert_logged("entry 'a': booting with the edited command line: console=ttyAMA0 quiet "
		      "edited=1");
	assert_int_equal(fake.watchdog_calls, 2);
	assert_int_equal(fake.watchdog_log[0], 0);
	assert_int_equal(fake.watchdog_log[1], 300);
	assert_int_equal(captured_errors, 0);
}

static void test_require_without_entropy_returns(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(false);
	setup_esp("kaslr require\n", linux_entry, NULL);
	fake.has_rng = false;
	assert_false(run_boot(&rc));
	check_returned_clean(rc, 0);
	/* No token either: it is never made from an uncredited pool (issue 19). */
	assert_logged("kaslr require: no strong entropy source (have: counter)");
}

/* A fixed seed gives an entry the same layout whether it boots first or as a fallback. */
static void test_fixed_seed_layout_per_entry(void **state)
{
	int rc = 0, len;
	uint64_t base1, seed1;
	(void)state;
	flow_firmware_init(true);
	setup_esp("kaslr-seed 12345\ndefault b\n", "linux /missing-Image\n", linux_entry);
	assert_true(run_boot(&rc));
	base1 = fake_cpu.entry;
	seed1 = be64_at(chosen_prop((void *)(uintptr_t)fake_cpu.x0, "kaslr-seed", &len));

	flow_firmware_init(true);
	setup_esp("kaslr-seed 12345\ndefault a\n", "linux /missing-Image\n", linux_entry);
	assert_true(run_boot(&rc));
	assert_logged("falling back to entry 'b'");
	assert_int_equal(fake_cpu.entry, base1);
	assert_int_equal(be64_at(chosen_prop((void *)(uintptr_t)fake_cpu.x0, "kaslr-seed", &len)),
			 seed1);
}

/* Each attempt draws fresh output; with a fixed seed an entry's generator depends on its
 * id alone. */
static void test_attempt_generators(void **state)
{
	struct boot_entropy be;
	struct drbg r1, r2;
	struct kb_loader_conf conf;
	uint64_t a, b;
	(void)state;
	flow_firmware_init(false);
	fake_fw_init(RAM_BYTES);
	fake.has_rng = true;
	loader_conf_init(&conf);
	assert_kb_ok(entropy_gather(&fake_platform, &flow_fw, &conf, &be));
	entropy_attempt_rng(&be, "x", &r1);
	entropy_attempt_rng(&be, "x", &r2);
	a = drbg_u64(&r1), b = drbg_u64(&r2);
	assert_true(a != b);

	conf.kaslr_seed_fixed = true;
	conf.kaslr_seed = 99;
	assert_kb_ok(entropy_gather(&fake_platform, &flow_fw, &conf, &be));
	entropy_attempt_rng(&be, "x", &r1);
	entropy_attempt_rng(&be, "y", &r2);
	a = drbg_u64(&r1), b = drbg_u64(&r2);
	assert_true(a != b);
	entropy_attempt_rng(&be, "x", &r2);
	assert_int_equal(drbg_u64(&r2), a);
	entropy_gather_wipe(&be);
}

/* A kernel with an EFI stub (a PE header at res5) goes on 64 KiB slots: over a few boots
 * the Image's offset within 2 MiB changes, which Linux keeps in its virtual base. */
static void test_efi_stub_kernel_on_64k_slots(void **state)
{
	uint64_t offsets[8];
	unsigned distinct = 0;
	(void)state;
	memcpy(kernel_file + 64, "PE\0\0", 4);   /* an empty COFF header follows: no sections */
	for (unsigned i = 0; i < 8; i++) {
		int rc = 0;
		flow_firmware_init(true);
		setup_esp(NULL, linux_entry, NULL);
		assert_true(run_boot(&rc));
		check_linux_handoff();
		assert_int_equal(fake_cpu.entry % 0x10000, 0);
		assert_logged(" slots ("); /* the base itself only at debug (issue 19) */
		assert_logged("64 KiB aligned");
		offsets[i] = fake_cpu.entry % (2ULL << 20);
		unsigned j;
		for (j = 0; j < i && offsets[j] != offsets[i]; j++)
			;
		distinct += j == i;
	}
	memset(kernel_file + 64, 0, 4);
	assert_true(distinct >= 2);
}

/* Flags bit 3 clear: "as close as possible to the base of DRAM": the lowest slot. */
static void test_flags_bit3_clear_gets_lowest_slot(void **state)
{
	int rc = 0;
	(void)state;
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE & ~8ull);
	flow_firmware_init(true);
	setup_esp(NULL, linux_entry, NULL);
	assert_true(run_boot(&rc));
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	assert_int_equal(fake_cpu.entry, (uint64_t)(uintptr_t)fake.ram);
	assert_logged("on (lowest slot: flags bit 3 clear)");
}

/* A Boot Loader Interface string variable as the OS would set it (UTF-16LE + NUL). */
/* `bootctl set-oneshot b.conf`: b boots once, the variable is gone afterwards;
 * `bootctl set-default a.conf` is the default otherwise. */
static void test_oneshot_and_default_variables(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default b\n", linux_entry, linux_entry);
	flow_set_var("LoaderEntryDefault", "a.conf", BLI_PERSISTENT);
	flow_set_var("LoaderEntryOneShot", "b.conf", BLI_PERSISTENT);
	assert_true(run_boot(&rc));
	check_entry_selected("b.conf");
	assert_null(fake_fw_var("LoaderEntryOneShot"));
	assert_logged("chosen by LoaderEntryOneShot");

	flow_firmware_init(true);
	setup_esp("default b\n", linux_entry, linux_entry);
	flow_set_var("LoaderEntryDefault", "a.conf", BLI_PERSISTENT);
	assert_true(run_boot(&rc));
	check_entry_selected("a.conf");
	assert_logged("chosen by LoaderEntryDefault");
}

/* What the OS reads back: LoaderEntries in menu order, exactly kaslboot's feature bits,
 * the loader's times, the image and partition. */
static void test_loader_variables(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	snprintf(flow_fw.image_path, sizeof(flow_fw.image_path), "\\EFI\\BOOT\\BOOTAA64.EFI");
	snprintf(flow_fw.esp_part_uuid, sizeof(flow_fw.esp_part_uuid), "0fc63daf-8483-4772-8e79-3d69d8477de4");
	setup_esp(NULL, linux_entry, mmu_on_entry);
	assert_true(run_boot(&rc));
	const struct fake_var *v = fake_fw_var("LoaderEntries");
	assert_non_null(v);
	static const uint16_t want[] = { 'b', '.', 'c', 'o', 'n', 'f', 0, 'a', '.', 'c', 'o', 'n',
					 'f', 0 };
	assert_int_equal(v->len, sizeof(want));
	assert_memory_equal(v->data, want, sizeof(want));
	v = fake_fw_var("LoaderFeatures");
	assert_non_null(v);
	uint64_t features;
	assert_int_equal(v->len, 8);
	memcpy(&features, v->data, 8);
	assert_int_equal(features, BLI_FEATURES);
	assert_string_equal(flow_var_text("LoaderImageIdentifier"), "\\EFI\\BOOT\\BOOTAA64.EFI");
	assert_string_equal(flow_var_text("LoaderDevicePartUUID"),
			    "0fc63daf-8483-4772-8e79-3d69d8477de4");
	assert_non_null(flow_var_text("LoaderTimeInitUSec"));
	uint64_t exec = strtoull(flow_var_text("LoaderTimeExecUSec"), NULL, 10);
	assert_true(exec >= strtoull(flow_var_text("LoaderTimeInitUSec"), NULL, 10));
	assert_non_null(flow_var_text("LoaderInfo"));
}

/* Boot counting: the entry's file is renamed before it boots, and systemd-bless-boot is
 * told where it is now. A refused rename is one warning; the boot goes on. */
static void test_boot_counting(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL, NULL, NULL);
	fake_fw_add_file("/loader/entries/k+3-1.conf", linux_entry, strlen(linux_entry));
	assert_true(run_boot(&rc));
	check_entry_selected("k.conf");
	assert_non_null(fake_fw_var("LoaderBootCountPath"));
	assert_string_equal(flow_var_text("LoaderBootCountPath"), "\\loader\\entries\\k+2-2.conf");
	bool found = false;
	for (unsigned i = 0; i < fake.nfiles; i++)
		found |= !strcmp(fake.files[i].path, "/loader/entries/k+2-2.conf");
	assert_true(found);

	flow_firmware_init(true);
	setup_esp(NULL, NULL, NULL);
	fake_fw_add_file("/loader/entries/k+3-1.conf", linux_entry, strlen(linux_entry));
	fake.writes_fail = true;
	assert_true(run_boot(&rc));
	assert_logged("cannot count this boot, the rename to k+2-2.conf failed");
	assert_null(fake_fw_var("LoaderBootCountPath"));
}

/* A loader.conf on a bad sector (scripts/fault-campaign.py, loader-conf): one warning, and
 * the entries boot with the defaults rather than the machine going back to the firmware. */
static void test_unreadable_loader_conf(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("default a\n", linux_entry, NULL);
	fake.read_fails = "/loader/loader.conf";
	assert_true(run_boot(&rc));
	assert_logged("warning: /loader/loader.conf: cannot be read (");
	check_entry_selected("a.conf");
	check_linux_handoff();
}

/* loader.conf `random-seed-mode off`: the seed file is neither read nor created. */
static void test_random_seed_mode_off(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("random-seed-mode off\n", linux_entry, NULL);
	assert_true(run_boot(&rc));
	assert_logged("seed file off (random-seed-mode off)");
	for (unsigned i = 0; i < fake.nfiles; i++)
		assert_string_not_equal(fake.files[i].path, "/loader/random-seed");
}

/* Bad variables: one line each, and the boot goes on with the default. */
static void test_bad_variables(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL, linux_entry, NULL);
	flow_set_var("LoaderEntryOneShot", "missing.conf", BLI_PERSISTENT);
	flow_set_var("LoaderConfigTimeout", "soon", BLI_PERSISTENT);
	/* An odd number of bytes: not UTF-16. */
	assert_int_equal(fake_platform.var_set(NULL, &bli_vendor_guid, "LoaderEntryDefault",
					       BLI_PERSISTENT, "abc", 3), 0);
	assert_true(run_boot(&rc));
	check_entry_selected("a.conf");
	assert_logged("LoaderEntryOneShot names entry 'missing.conf', which is not a bootable entry");
	assert_logged("LoaderConfigTimeout: 'soon' is not a number of seconds");
	assert_logged("LoaderEntryDefault: 3 bytes, not a NUL-terminated UTF-16 string: ignored");
	assert_null(fake_fw_var("LoaderEntryOneShot"));   /* used up, even though wrong */
}

/* A gzip kernel is read into memory before its slot is drawn: the slot comes from the map
 * as it is after that allocation. In 16 MiB, the ~6 MiB compressed file (at the top, as
 * edk2 allocates) leaves 1 or 2 slots for an 8 MiB image; a stale map would offer 5 and
 * sometimes draw one already taken. */
static void test_compressed_kernel_draws_from_a_fresh_map(void **state)
{
	enum { FILE_BYTES = 6 << 20, IMAGE_BYTES = 8 << 20 };
	uint8_t *img = malloc(FILE_BYTES);
	size_t gz_len;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	(void)state;
	for (size_t i = 0; i < FILE_BYTES; i++) {   /* incompressible: xorshift bytes */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		img[i] = (uint8_t)x;
	}
	make_header(img, 0, IMAGE_BYTES, FLAGS_4K_ANYWHERE);
	memset(img + 64, 0, 8);   /* no PE header: 2 MiB slots */
	uint8_t *gz = host_gzip(img, FILE_BYTES, 1, NULL, &gz_len);
	assert_true(gz_len > 5u << 20);
	uint64_t free_below = (16ULL << 20) - ((gz_len + 4095) & ~4095ULL);
	char want[32];
	snprintf(want, sizeof(want), " %llu slots (", (unsigned long long)
		 ((free_below - IMAGE_BYTES) / (2ULL << 20) + 1));
	for (int boot = 0; boot < 6; boot++) {
		int rc = 0;
		flow_firmware_init(true);
		fake_fw_init(16ULL << 20);
		fake_cpu_reset();
		fake.has_rng = true;
		fake_fw_add_file("/vmlinuz.gz", gz, gz_len);
		fake_fw_add_file("/loader/entries/z.conf", "linux /vmlinuz.gz\n", 18);
		assert_true(run_boot(&rc));
		assert_memory_equal((void *)(uintptr_t)fake_cpu.entry, img, FILE_BYTES);
		assert_logged(want);
		if (strstr(captured_log, "meanwhile"))
			fail_msg("a slot was drawn from a stale map:\n%s", captured_log);
	}
	free(gz);
	free(img);
}

/* A gzip kernel cut short says so (never "file is 4044182445 bytes": ISIZE is no length);
 * one with zero padding after the stream boots. */
static void test_truncated_and_padded_gzip_kernels(void **state)
{
	size_t gz_len;
	int rc = 0;
	(void)state;
	uint8_t *gz = host_gzip(kernel_file, sizeof(kernel_file), 9, "Image", &gz_len);
	uint8_t *padded = calloc(1, gz_len + 4096);
	memcpy(padded, gz, gz_len);

	flow_firmware_init(true);
	setup_esp(NULL, "linux /cut.gz\n", NULL);
	fake_fw_add_file("/cut.gz", gz, gz_len * 2 / 3);
	assert_false(run_boot(&rc));
	check_returned_clean(rc, 0);
	assert_logged("/cut.gz: gzip stream ends early at compressed byte");
	if (strstr(captured_log, "image_size is only"))
		fail_msg("ISIZE taken for a length:\n%s", captured_log);

	flow_firmware_init(true);
	setup_esp(NULL, "linux /padded.gz\n", NULL);
	fake_fw_add_file("/padded.gz", padded, gz_len + 4096);
	assert_true(run_boot(&rc));
	assert_memory_equal((void *)(uintptr_t)fake_cpu.entry, kernel_file, sizeof(kernel_file));
	free(padded);
	free(gz);
}

/* Initrds that do not fit: the error names each file and its size. */
static void test_initrd_too_big_names_the_files(void **state)
{
	enum { BIG = 40 << 20 };
	uint8_t *big = calloc(1, BIG);
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	fake_fw_init(32ULL << 20);
	fake_cpu_reset();
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_file("/small.img", initrd_file, sizeof(initrd_file));
	fake_fw_add_file("/big.img", big, BIG);
	free(big);
	static const char e[] = "linux /Image\ninitrd /small.img\ninitrd /big.img\n";
	fake_fw_add_file("/loader/entries/fat.conf", e, strlen(e));
	assert_false(run_boot(&rc));
	check_returned_clean(rc, 0);
	assert_logged("entry 'fat': no room for its initrd /small.img (5 KiB) + /big.img "
		      "(40960 KiB) within the kernel's 32 GiB window");
}

/* No configuration, no kernel: one line and back to the firmware. */
static void test_empty_esp_returns(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	assert_false(run_boot(&rc));
	check_returned_clean(rc, 0);
}

/* A kernel path naming a directory says so. */
static void test_linux_names_a_directory(void **state)
{
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp(NULL, "linux /boot\n", NULL);
	fake_fw_add_dir("/boot");
	assert_false(run_boot(&rc));
	check_returned_clean(rc, 0);
}

/* What Linux's stub installs (efi_stub_common: screen_info, memreserve) is there when the
 * kernel is entered, and gone with its pages when ExitBootServices is refused and the
 * boot returns to the firmware. */
static void test_stub_tables_handed_over_and_taken_back(void **state)
{
	const struct kb_gop_mode gop = { .fb_base = 0x7f000000,
					 .width = 800,
					 .height = 600,
					 .stride = 800,
					 .format = KB_PIXEL_BGRX8 };
	int rc = 0;
	(void)state;
	flow_firmware_init(true);
	setup_esp("log debug\n", linux_entry, NULL);
	fake.has_gop = true;
	fake.gop = gop;
	assert_true(run_boot(&rc));
	check_linux_handoff();
	const struct linux_screen_info *si = fake_fw_table(&linux_screen_info_table_guid);
	const struct linux_efi_memreserve_head *rsv = fake_fw_table(&linux_memreserve_table_guid);
	if (!si || !rsv)
		fail_msg("Linux was entered without screen_info (%p) or memreserve (%p)",
			 (const void *)si, (const void *)rsv);
	assert_int_equal(si->orig_video_isVGA, LINUX_VIDEO_TYPE_EFI);
	assert_int_equal(si->lfb_base, 0x7f000000);
	assert_int_equal(rsv->size, 0);
	assert_int_equal(rsv->next, 0);
	assert_logged("screen: 800x600 framebuffer at 0x7f000000 (3200 bytes a line) handed to "
		      "Linux");
	assert_int_equal(captured_warnings, 0);

	assert_false(fake.exit_vamap); /* no SMBIOS: runtime services stay 1:1 */

	/* Without a graphics output: memreserve alone. On eMAG firmware (SMBIOS type 4, its
	 * version string 2 after the manufacturer), SetVirtualAddressMap is asked for. */
	static const uint8_t emag[] = { 4, 0x11, 0, 0, 0,   0, 0,   0,   0,   0,   0, 0, 0,
					0, 0,    0, 2, 'A', 0, 'e', 'M', 'A', 'G', 0, 0 };
	flow_firmware_init(true);
	flow_fw.smbios_type4 = emag;
	flow_fw.smbios_type4_max = sizeof(emag);
	setup_esp(NULL, linux_entry, NULL);
	assert_true(run_boot(&rc));
	assert_null(fake_fw_table(&linux_screen_info_table_guid));
	assert_non_null(fake_fw_table(&linux_memreserve_table_guid));
	assert_true(fake.exit_vamap);
	assert_logged("runtime services: SetVirtualAddressMap for Ampere eMAG/Altra firmware");

	flow_firmware_init(true);
	setup_esp(NULL, linux_entry, NULL);
	fake.has_gop = true;
	fake.gop = gop;
	fake.exit_refusals = 1;
	assert_false(run_boot(&rc));
	assert_int_equal(fake.exit_calls, 1);
	assert_null(fake_fw_table(&linux_screen_info_table_guid));
	assert_null(fake_fw_table(&linux_memreserve_table_guid));
	assert_int_equal(fake.nallocs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_linux_boots, flow_teardown),
		cmocka_unit_test_teardown(test_mmu_on_boots, flow_teardown),
		cmocka_unit_test_teardown(test_every_call_fails_linux, flow_teardown),
		cmocka_unit_test_teardown(test_every_call_fails_mmu_on, flow_teardown),
		cmocka_unit_test_teardown(test_every_call_fails_with_fallback, flow_teardown),
		cmocka_unit_test_teardown(test_every_call_fails_with_tpm, flow_teardown),
		cmocka_unit_test_teardown(test_fallback_keeps_entropy, flow_teardown),
		cmocka_unit_test_teardown(test_require_without_entropy_returns, flow_teardown),
		cmocka_unit_test_teardown(test_menu_edit_reaches_the_kernel, flow_teardown),
		cmocka_unit_test_teardown(test_fixed_seed_layout_per_entry, flow_teardown),
		cmocka_unit_test_teardown(test_attempt_generators, flow_teardown),
		cmocka_unit_test_teardown(test_efi_stub_kernel_on_64k_slots, flow_teardown),
		cmocka_unit_test_teardown(test_flags_bit3_clear_gets_lowest_slot, flow_teardown),
		cmocka_unit_test_teardown(test_oneshot_and_default_variables, flow_teardown),
		cmocka_unit_test_teardown(test_loader_variables, flow_teardown),
		cmocka_unit_test_teardown(test_boot_counting, flow_teardown),
		cmocka_unit_test_teardown(test_bad_variables, flow_teardown),
		cmocka_unit_test_teardown(test_unreadable_loader_conf, flow_teardown),
		cmocka_unit_test_teardown(test_random_seed_mode_off, flow_teardown),
		cmocka_unit_test_teardown(test_compressed_kernel_draws_from_a_fresh_map,
					  flow_teardown),
		cmocka_unit_test_teardown(test_initrd_too_big_names_the_files, flow_teardown),
		cmocka_unit_test_teardown(test_truncated_and_padded_gzip_kernels, flow_teardown),
		cmocka_unit_test_teardown(test_empty_esp_returns, flow_teardown),
		cmocka_unit_test_teardown(test_linux_names_a_directory, flow_teardown),
		cmocka_unit_test_teardown(test_stub_tables_handed_over_and_taken_back,
					  flow_teardown),
	};
	make_kernel();
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
