/* SPDX-License-Identifier: BSD-2-Clause */
#define _GNU_SOURCE /* memmem */
/* loader/uki_hooks.c through the whole flow on the fake firmware with a TPM: a UKI boot
 * makes systemd-stub 257's PCR 11/12/13 events in docs/uki-measurements.md's order (the
 * expected digests computed here with OpenSSL, the descriptions typed here), none of
 * systemd-boot's PCR 12 command line event for the UKI's own .cmdline, sets the Stub*
 * variables, hands the credentials/sysext archives and the addon initrd to Linux after the
 * UKI's own initrds, appends the addons' .cmdline, applies the addons' devicetrees (the
 * last addon's wins, its matching .dtbauto before its .dtb); under Secure Boot an unsigned
 * addon is skipped with one warning. */
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

#include "fake_platform.h"
#include "flow_fixture.h"
#include "image_fixture.h"
#include "log_capture.h"
#include "pe_fixture.h"

#define RAM_BYTES         (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE  (64u << 10)

/* TCG PC Client PFP event types and systemd 257 tpm2-pcr.h tags, typed again. */
#define T_EV_IPL       0xdu
#define T_EV_EVENT_TAG 0x6u
#define T_TAG_PROFILE  0x13aed6dbu
#define T_TAG_INITRD   0x49dffe0fu
#define T_TAG_DT       0x6c46f751u
#define T_TAG_LOADOPTS 0x8f3b22edu /* the kernel stub's LoadOptions, PCR 9 */
/* systemd 257 efivars-fundamental.h EFI_STUB_FEATURE_*: bits 0-5 and 7-10, not 6. */
#define T_STUB_FEATURES 0x7bfu

#define D "/EFI/Linux/debian.efi.extra.d"

static uint8_t kernel_file[KERNEL_FILE_SIZE];
static const char osrel[] = "ID=debian\n";
static const char uname[] = "6.12.0-1-arm64";
static const char ucode[] = "UCODE";
static const char initrd[] = "INITRD-CPIO";
static const char addon_initrd[] = "ADDON-INITRD";

static void add_pe(const char *path, const struct pef_section *s, unsigned n)
{
	size_t len;
	uint8_t *f = pef_build(s, n, &len);
	fake_fw_add_file(path, f, len);
	free(f);
}

/* An ESP with the UKI, a global and a per-UKI addon, one addon for another kernel,
 * a credential, a global credential and a system extension. */
static void setup_esp(const char *cmdline)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	for (size_t i = 64; i < sizeof(kernel_file); i++)
		kernel_file[i] = (uint8_t)(i * 7 + 3);
	flow_firmware_init(true);
	fake_fw_init(RAM_BYTES);
	fake_fw_add_tpm();
	fake_cpu_reset();
	fake.has_rng = true;
	log_capture_start(LOG_DEBUG);
	const struct pef_section uki[] = {
		PEF_TEXT(".osrel", osrel),
		PEF_TEXT(".uname", uname),
		{ ".cmdline", cmdline, strlen(cmdline) },
		{ ".linux", kernel_file, sizeof(kernel_file) },
		PEF_TEXT(".initrd", initrd),
		PEF_TEXT(".ucode", ucode),
		PEF_TEXT(".profile", "ID=main\n"),
		PEF_TEXT(".profile", "ID=rescue\n"),
		PEF_TEXT(".cmdline", "rescue"),
	};
	const struct pef_section global[] = { PEF_TEXT(".cmdline", "global=1") };
	const struct pef_section own[] = { PEF_TEXT(".cmdline", "per=2"),
					   PEF_TEXT(".initrd", addon_initrd) };
	const struct pef_section other[] = { PEF_TEXT(".uname", "5.10.0"),
					     PEF_TEXT(".cmdline", "other") };
	add_pe("/EFI/Linux/debian.efi", uki, 9);
	add_pe("/loader/addons/g.addon.efi", global, 1);
	add_pe(D "/a.addon.efi", own, 2);
	add_pe(D "/b.addon.efi", other, 2);
	fake_fw_add_file(D "/k.cred", "secret", 6);
	fake_fw_add_file(D "/tools.sysext.raw", "sysext", 6);
	fake_fw_add_file("/loader/credentials/g.cred", "global", 6);
}

static const char *var(const char *name)
{
	const char *v = flow_var_text(name);
	if (!v)
		fail_msg("%s is not set", name);
	return v;
}

static bool run_boot(void)
{
	int rc = 0;
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, &rc);
}

static const char *bootargs(void)
{
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	int node = fdt_path_offset(dt, "/chosen");
	assert_true(node >= 0);
	return fdt_getprop(dt, node, "bootargs", NULL);
}

static const uint8_t *chosen_u64(const char *name, uint64_t *v)
{
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	const uint8_t *p = fdt_getprop(dt, fdt_path_offset(dt, "/chosen"), name, NULL);
	assert_non_null(p);
	*v = 0;
	for (int i = 0; i < 8; i++)
		*v = *v << 8 | p[i];
	return (const uint8_t *)(uintptr_t)*v;
}

/* ASCII as UTF-16LE with its NUL, as systemd's load options and descriptions. */
static size_t utf16(const char *s, uint8_t *out)
{
	size_t n = strlen(s) + 1;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)s[i];
		out[2 * i + 1] = 0;
	}
	return 2 * n;
}

struct want {
	unsigned pcr;
	uint32_t tag;     /* 0: EV_IPL */
	const void *data; /* NULL: a generated archive (checked against the initrd) */
	size_t len;
	const char *desc;
};

static void check_event(const struct fake_tpm_event *e, const struct want *w, unsigned i)
{
	uint8_t desc[256], digest[32];
	size_t n = utf16(w->desc, desc);
	const uint8_t *ev = e->event;
	if (e->pcr != w->pcr || e->type != (w->tag ? T_EV_EVENT_TAG : T_EV_IPL))
		fail_msg("event %u (%s): PCR %u type %#x, wanted PCR %u tag %#x", i, w->desc,
			 e->pcr, e->type, w->pcr, w->tag);
	if (w->tag) {
		assert_int_equal(ev[0] | ev[1] << 8 | ev[2] << 16 | (uint32_t)ev[3] << 24, w->tag);
		ev += 8;
	}
	if (e->event_len - (size_t)(ev - e->event) != n || memcmp(ev, desc, n))
		fail_msg("event %u: not described as \"%s\"", i, w->desc);
	if (!w->data)
		return;
	SHA256(w->data, w->len, digest);
	if (memcmp(digest, e->sha256, 32))
		fail_msg("event %u (%s): wrong digest", i, w->desc);
}

/* The events of PCRs 11, 12 and 13, in order, are exactly `want`. */
static void check_events(const struct want *want, unsigned n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < fake.nevents; i++) {
		const struct fake_tpm_event *e = &fake.events[i];
		if (e->pcr < 11 || e->pcr > 13)
			continue;
		if (k == n)
			fail_msg("event %u (PCR %u) is one more than the %u wanted", i, e->pcr, n);
		check_event(e, &want[k], k);
		k++;
	}
	if (k != n)
		fail_msg("%u events in PCRs 11-13, wanted %u", k, n);
}

/* The PCR 11 pair of each section present, in the canonical order (not the file's). */
static unsigned section_events(struct want *w, const char *cmdline, const char *profile)
{
	const struct {
		const char *name;
		const void *data;
		size_t len;
	} s[] = {
		{ ".linux", kernel_file, sizeof(kernel_file) },
		{ ".osrel", osrel, strlen(osrel) },
		{ ".cmdline", cmdline, strlen(cmdline) },
		{ ".initrd", initrd, strlen(initrd) },
		{ ".ucode", ucode, strlen(ucode) },
		{ ".uname", uname, strlen(uname) },
		{ ".profile", profile, profile ? strlen(profile) : 0 },
	};
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(s) / sizeof(s[0]) - !profile; i++) {
		w[n++] = (struct want){ 11, 0, s[i].name, strlen(s[i].name) + 1, s[i].name };
		w[n++] = (struct want){ 11, 0, s[i].data, s[i].len, s[i].name };
	}
	return n;
}

/* After PCR 11: the addons' command line, the archives, the addon's initrd. */
static unsigned after_sections(struct want *w)
{
	static uint8_t extra[64];
	unsigned n = 0;
	w[n++] = (struct want){ 12, 0, extra, utf16("global=1 per=2", extra), "global=1 per=2" };
	w[n++] = (struct want){ 12, 0, NULL, 0, "Credentials initrd" };
	w[n++] = (struct want){ 12, 0, NULL, 0, "Global credentials initrd" };
	w[n++] = (struct want){ 13, 0, NULL, 0, "System extension initrd" };
	w[n++] = (struct want){ 12, T_TAG_INITRD, addon_initrd, strlen(addon_initrd),
				"a.addon.efi" };
	return n;
}

/* The last PCR 9 LoadOptions event: the kernel stub's view of the command line. */
static void check_pcr9_cmdline(const char *cmdline)
{
	uint8_t text[256], digest[32];
	const struct fake_tpm_event *last = NULL;
	for (unsigned i = 0; i < fake.nevents; i++)
		if (fake.events[i].pcr == 9 && fake.events[i].type == T_EV_EVENT_TAG &&
		    fake.events[i].event[0] == (T_TAG_LOADOPTS & 0xff))
			last = &fake.events[i];
	assert_non_null(last);
	SHA256(text, utf16(cmdline, text), digest);
	assert_memory_equal(digest, last->sha256, 32);
}

/* Where this event's bytes are in the initrd Linux got; -1 if nowhere. */
static long in_initrd(const struct fake_tpm_event *e)
{
	uint64_t start, end;
	const uint8_t *p = chosen_u64("linux,initrd-start", &start);
	chosen_u64("linux,initrd-end", &end);
	for (uint64_t off = 0; off + e->len <= end - start; off += 4)
		if (!memcmp(p + off, e->data, e->len))
			return (long)off;
	return -1;
}

static void test_events_vars_and_initrds(void **state)
{
	static const char cmdline[] = "root=/dev/vda2";
	struct want w[24];
	(void)state;
	setup_esp(cmdline);
	assert_true(run_boot());
	assert_string_equal(bootargs(), "root=/dev/vda2 global=1 per=2");

	unsigned n = section_events(w, cmdline, "ID=main\n");
	n += after_sections(w + n);
	check_events(w, n);
	check_pcr9_cmdline("root=/dev/vda2 global=1 per=2");
	assert_non_null(strstr(captured_log, "b.addon.efi: .uname differs from the UKI's"));

	/* The initrd: .ucode, .initrd, the three archives in the order measured, the addon's. */
	uint64_t start, end;
	const uint8_t *p = chosen_u64("linux,initrd-start", &start);
	chosen_u64("linux,initrd-end", &end);
	assert_memory_equal(p, ucode, strlen(ucode));
	assert_memory_equal(p + 8, initrd, strlen(initrd));
	long at = 8;
	for (unsigned i = 0; i < fake.nevents; i++) {
		const struct fake_tpm_event *e = &fake.events[i];
		if (e->pcr < 12 || e->type != T_EV_IPL || e->len < 100)
			continue; /* the archives: the command line events are shorter */
		long here = in_initrd(e);
		if (here <= at)
			fail_msg("event %u's archive is not in the initrd after the last", i);
		at = here;
	}
	assert_memory_equal(p + (end - start) - strlen(addon_initrd), addon_initrd,
			    strlen(addon_initrd));
	assert_non_null(memmem(p, end - start, "secret", 6));

	assert_string_equal(var("StubInfo"), "kaslboot test");
	assert_string_equal(var("StubImageIdentifier"), "\\EFI\\Linux\\debian.efi");
	assert_string_equal(var("StubProfile"), "0");
	assert_string_equal(var("StubPcrKernelImage"), "11");
	assert_string_equal(var("StubPcrKernelParameters"), "12");
	assert_string_equal(var("StubPcrInitRDSysExts"), "13");
	assert_null(fake_fw_var("StubPcrInitRDConfExts"));
	const struct fake_var *f = fake_fw_var("StubFeatures");
	assert_non_null(f);
	assert_int_equal(f->len, 8);
	uint64_t features = 0;
	for (int i = 7; i >= 0; i--)
		features = features << 8 | f->data[i];
	assert_int_equal(features, T_STUB_FEATURES);
}

/* Profile 1 of a Type #2 entry: systemd-boot's "@1" load options, then the stub's profile
 * event, both in PCR 12 before PCR 11. */
static void test_profile_events(void **state)
{
	struct want w[24];
	uint8_t at1[16], one[8];
	(void)state;
	setup_esp("root=/dev/vda2");
	fake_fw_add_file("/loader/loader.conf", "default debian.efi@rescue\n", 26);
	assert_true(run_boot());
	assert_string_equal(bootargs(), "rescue global=1 per=2");
	unsigned n = 0;
	w[n++] = (struct want){ 12, 0, at1, utf16("@1", at1), "@1" };
	w[n++] = (struct want){ 12, T_TAG_PROFILE, one, utf16("1", one), "1" };
	n += section_events(w + n, "rescue", "ID=rescue\n");
	n += after_sections(w + n);
	check_events(w, n);
	assert_string_equal(var("StubProfile"), "1");
}

/* An `efi` entry's options replace .cmdline (Secure Boot off): systemd-boot measures them
 * as its load options, then the stub as the command line it was given (step 3). */
static void test_entry_options_events(void **state)
{
	static const char conf[] = "title E\nefi /EFI/Linux/debian.efi\noptions opts=1\n";
	struct want w[24];
	uint8_t opts[16];
	(void)state;
	setup_esp("root=/dev/vda2");
	fake_fw_add_file("/loader/loader.conf", "default e\n", 10);
	fake_fw_add_file("/loader/entries/e.conf", conf, strlen(conf));
	assert_true(run_boot());
	assert_string_equal(bootargs(), "opts=1 global=1 per=2");
	unsigned n = 0;
	w[n++] = (struct want){ 12, 0, opts, utf16("opts=1", opts), "opts=1" };
	n += section_events(w + n, "root=/dev/vda2", "ID=main\n");
	w[n++] = (struct want){ 12, 0, opts, utf16("opts=1", opts), "opts=1" };
	n += after_sections(w + n);
	check_events(w, n);
	check_pcr9_cmdline("opts=1 global=1 per=2");
}

/* Secure Boot: the unsigned addon is skipped with one warning (the firmware's refusal a
 * debug line only), the signed ones used. */
static void test_secure_boot_skips_unsigned_addon(void **state)
{
	(void)state;
	setup_esp("root=/dev/vda2");
	flow_fw.secure_boot = true;
	fake.secure_boot = true;
	fake.verify_refuses_path = D "/a.addon.efi";
	log_capture_start(LOG_INFO); /* the default console */
	assert_true(run_boot());
	assert_string_equal(bootargs(), "root=/dev/vda2 global=1");
	static const char tag[] = "kaslboot: warning: ";
	static const char want[] = D "/a.addon.efi: not signed with a key Secure Boot trusts: "
				     "addon skipped\r\n";
	const char *line = strstr(captured_log, want);
	if (!line || line - captured_log < (long)strlen(tag) ||
	    strncmp(line - strlen(tag), tag, strlen(tag)))
		fail_msg("no warning \"%s\" in:\n%s", want, captured_log);
	/* The only line that names it. */
	if (strstr(captured_log, "a.addon.efi") != line + strlen(D "/") ||
	    strstr(line + strlen(want), "a.addon.efi"))
		fail_msg("more than one line names a.addon.efi:\n%s", captured_log);
	/* Errors are printed again after it. */
	assert_int_equal(log_set_floor(LOG_ERROR), LOG_ERROR);
}

/* A DT blob with that root compatible and model, in buf; its size. */
static size_t make_dt(uint8_t *buf, size_t size, const char *compatible, const char *model)
{
	assert_int_equal(fdt_create_empty_tree(buf, (int)size), 0);
	assert_int_equal(fdt_setprop_string(buf, 0, "compatible", compatible), 0);
	assert_int_equal(fdt_setprop_string(buf, 0, "model", model), 0);
	assert_int_equal(fdt_pack(buf), 0);
	return fdt_totalsize(buf);
}

/* Devicetree addons as stub.c install_addon_devicetrees: a global one with a .dtb, a
 * per-UKI one with a .dtbauto for another board, one for the firmware's and a .dtb. The
 * per-UKI one is installed last: its matching .dtbauto reaches Linux. Both are measured
 * into PCR 12 (tag 0x6c46f751, the addon's file name) after the addons' command line;
 * a broken one is one line and neither used nor measured. */
static void test_devicetree_addons(void **state)
{
	static uint8_t g[512], other[512], match[512], plain[512];
	struct want w[32], tail[8];
	(void)state;
	setup_esp("root=/dev/vda2");
	const char *fw = fdt_getprop(flow_fw_dt, 0, "compatible", NULL);
	assert_non_null(fw);
	const struct pef_section gs[] = { { ".dtb", g, make_dt(g, sizeof(g), fw, "global") } };
	const struct pef_section cs[] = {
		{ ".dtbauto", other, make_dt(other, sizeof(other), "acme,other", "other") },
		{ ".dtbauto", match, make_dt(match, sizeof(match), fw, "matched") },
		{ ".dtb", plain, make_dt(plain, sizeof(plain), fw, "plain") },
	};
	const struct pef_section bad[] = { PEF_TEXT(".dtb", "not a devicetree") };
	add_pe("/loader/addons/gdt.addon.efi", gs, 1);
	add_pe(D "/c.addon.efi", cs, 3);
	add_pe(D "/d.addon.efi", bad, 1);
	assert_true(run_boot());

	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	const char *model = fdt_getprop(dt, 0, "model", NULL);
	assert_non_null(model);
	assert_string_equal(model, "matched");
	assert_non_null(strstr(captured_log, "d.addon.efi: "));
	unsigned n = section_events(w, "root=/dev/vda2", "ID=main\n");
	unsigned k = after_sections(tail);
	w[n++] = tail[0]; /* the addons' command line */
	w[n++] = (struct want){ 12, T_TAG_DT, g, fdt_totalsize(g), "gdt.addon.efi" };
	w[n++] = (struct want){ 12, T_TAG_DT, match, fdt_totalsize(match), "c.addon.efi" };
	for (unsigned i = 1; i < k; i++)
		w[n++] = tail[i];
	check_events(w, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_events_vars_and_initrds, flow_teardown),
		cmocka_unit_test_teardown(test_profile_events, flow_teardown),
		cmocka_unit_test_teardown(test_entry_options_events, flow_teardown),
		cmocka_unit_test_teardown(test_secure_boot_skips_unsigned_addon, flow_teardown),
		cmocka_unit_test_teardown(test_devicetree_addons, flow_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
