/* SPDX-License-Identifier: BSD-2-Clause */
/* Issue 19, points 1, 2 and 7, over the whole boot flow on the fake firmware: kaslboot
 * never claims entropy that is not there.
 *   1. Under Secure Boot with no firmware source, a seed file and LoaderSystemToken that
 *      anyone with root could have planted are mixed, not credited: `kaslr require` is
 *      refused.
 *   2. A pool without credited bits hands Linux no rng-seed, no seed table and no
 *      LoaderRandomSeed, and creates neither the token nor the seed file, so that a second
 *      boot cannot credit what the first one made out of the counter.
 *   7. The layout stays out of the log: bases only at `log debug`, the kaslr-seed never. */
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
#include "loader/bli.h"
#include "loader/boot.h"
#include "loader/entropy_gather.h"
#include "loader/seed_file.h"
#include "loader/seed_table.h"
#include "assert_kb.h"

#define RAM_BYTES         (256ULL << 20)
#define KERNEL_IMAGE_SIZE (4ULL << 20)
#define KERNEL_FILE_SIZE  (64u << 10)

static uint8_t kernel_file[KERNEL_FILE_SIZE];

static const char linux_entry[] = "title Linux\nlinux /Image\noptions console=ttyAMA0\n";

/* A seed file as an attacker (or bootctl) would write it: 32 bytes. */
static const uint8_t planted_seed[SEED_FILE_NEW_SIZE] = { 0xde, 0xad, 0xbe, 0xef, 1,  2,  3,  4,
							  5,    6,    7,    8,    9,  10, 11, 12,
							  13,   14,   15,   16,   17, 18, 19, 20,
							  21,   22,   23,   24,   25, 26, 27, 28 };
static const uint8_t planted_token[SYSTEM_TOKEN_SIZE] = { 0x70, 0x6b, 1, 2, 3 };

/* A machine with no source of its own: no DT (so no DT seeds), no EFI_RNG_PROTOCOL, and
 * the host build's RNDR is absent (lib/counter_host.c). Only the counter is left. */
static void setup_bare(const char *loader_conf, bool secure_boot)
{
	make_header(kernel_file, 0, KERNEL_IMAGE_SIZE, FLAGS_4K_ANYWHERE);
	flow_firmware_init(false);
	flow_fw.secure_boot = secure_boot;
	fake_fw_init(RAM_BYTES);
	fake_cpu_reset();
	fake.secure_boot = secure_boot;
	fake_fw_add_file("/Image", kernel_file, sizeof(kernel_file));
	fake_fw_add_config(loader_conf, linux_entry, NULL);
}

static void plant_seed_and_token(void)
{
	fake_fw_add_file(SEED_FILE_PATH, planted_seed, sizeof(planted_seed));
	assert_kb_ok(
		fake_platform.var_set(fake_platform.ctx, &bli_vendor_guid, SYSTEM_TOKEN_VAR,
				      KB_VAR_NON_VOLATILE | KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME,
				      planted_token, sizeof(planted_token)));
}

static const struct fake_file *seed_file(void)
{
	for (unsigned i = 0; i < fake.nfiles; i++)
		if (!strcmp(fake.files[i].path, SEED_FILE_PATH))
			return &fake.files[i];
	return NULL;
}

static bool run_boot(int *rc)
{
	log_capture_clear();
	return fake_cpu_run_boot(&flow_fw, rc);
}

static const void *chosen_prop(const char *name, int *len)
{
	const void *dt = (const void *)(uintptr_t)fake_cpu.x0;
	int chosen = fdt_path_offset(dt, "/chosen");
	assert_true(chosen >= 0);
	return fdt_getprop(dt, chosen, name, len);
}

/* Point 1: Secure Boot, no firmware source, a planted seed file and token, `kaslr
 * require`: refused, and the log says the file was mixed, not credited. */
static void test_secure_boot_planted_seed_refused(void **state)
{
	int rc = 0;
	(void)state;
	setup_bare("kaslr require\n", true);
	plant_seed_and_token();
	assert_false(run_boot(&rc));
	assert_int_equal(rc, KB_EPERM);
	assert_logged("seed file mixed, not credited (Secure Boot and no firmware source)");
	assert_logged("(0 bits credited)");
	assert_logged("kaslr require: no strong entropy source");
	assert_false(fake.exited);
	/* It was still mixed, and rewritten (the next boot gets a different seed). */
	assert_logged("entropy: counter,seed-file,system-token (");
	assert_non_null(seed_file());
	assert_memory_not_equal(seed_file()->data, planted_seed, sizeof(planted_seed));
}

/* Point 1, the other side: without Secure Boot the same file is credited (systemd-boot's
 * rule too: the ESP is trusted as far as the OS is); under Secure Boot it is credited once
 * a firmware source was. */
static void test_seed_file_credited_when_trusted(void **state)
{
	struct boot_entropy be;
	struct kb_loader_conf conf;
	(void)state;
	memset(&conf, 0, sizeof(conf));

	setup_bare(NULL, false);
	plant_seed_and_token();
	assert_kb_ok(entropy_gather(&fake_platform, &flow_fw, &conf, &be));
	assert_int_equal(be.seed_file, SEED_FILE_CREDITED);
	assert_int_equal(entropy_strong_bits(&be.pool), SEED_FILE_CREDIT_BITS);
	entropy_gather_wipe(&be);

	setup_bare(NULL, true);
	fake.has_rng = true;
	plant_seed_and_token();
	assert_kb_ok(entropy_gather(&fake_platform, &flow_fw, &conf, &be));
	assert_int_equal(be.seed_file, SEED_FILE_CREDITED);
	assert_int_equal(entropy_strong_bits(&be.pool), 256 + SEED_FILE_CREDIT_BITS);
	entropy_gather_wipe(&be);
}

/* Keeps what a boot left on the ESP and in NVRAM for the next one. */
struct persisted {
	bool has_seed, has_token;
	uint8_t seed[SEED_FILE_MAX];
	size_t seed_len;
	uint8_t token[FAKE_VAR_MAX];
	size_t token_len;
};

static void persist(struct persisted *p)
{
	const struct fake_file *f = seed_file();
	const struct fake_var *v = fake_fw_var(SYSTEM_TOKEN_VAR);
	memset(p, 0, sizeof(*p));
	if ((p->has_seed = f != NULL)) {
		p->seed_len = f->len;
		memcpy(p->seed, f->data, f->len);
	}
	if ((p->has_token = v != NULL)) {
		p->token_len = v->len;
		memcpy(p->token, v->data, v->len);
	}
}

static void restore(const struct persisted *p)
{
	if (p->has_seed)
		fake_fw_add_file(SEED_FILE_PATH, p->seed, p->seed_len);
	if (p->has_token)
		assert_kb_ok(fake_platform.var_set(fake_platform.ctx, &bli_vendor_guid,
						   SYSTEM_TOKEN_VAR, KB_VAR_NON_VOLATILE, p->token,
						   p->token_len));
}

/* Point 2: a counter-only boot still places the kernel (kaslr-seed: placement only, with
 * the warning) but hands Linux nothing it would credit, and creates neither the token nor
 * the seed file; a second boot with `kaslr require` is still refused. */
static void test_counter_only_boot_claims_nothing(void **state)
{
	static struct persisted after;
	int rc = 0, len = 0;
	(void)state;
	setup_bare(NULL, false);
	assert_true(run_boot(&rc));
	assert_true(fake_cpu.linux_entered);
	assert_logged("weak entropy (only counter)");
	assert_logged("no rng-seed, seed table or LoaderRandomSeed");
	const uint8_t *kseed = chosen_prop("kaslr-seed", &len);
	assert_non_null(kseed);
	assert_int_equal(len, 8);
	assert_null(chosen_prop("rng-seed", &len));
	assert_null(fake_fw_table(&linux_random_seed_table_guid));
	assert_null(fake_fw_var(LOADER_RANDOM_SEED_VAR));
	assert_null(fake_fw_var(SYSTEM_TOKEN_VAR));
	assert_null(seed_file());
	persist(&after);

	setup_bare("kaslr require\n", false);
	restore(&after);
	assert_false(run_boot(&rc));
	assert_int_equal(rc, KB_EPERM);
	assert_logged("kaslr require: no strong entropy source");
}

/* Point 2, the threshold: 64 credited bits (the firmware DT's kaslr-seed alone) make KASLR
 * strong, but not the 256 bits the handoffs claim; with EFI_RNG_PROTOCOL they all go. */
static void test_handoff_needs_full_pool(void **state)
{
	int rc = 0, len = 0;
	(void)state;
	setup_bare(NULL, false);
	flow_firmware_init(true);
	/* Only the kaslr-seed: the DT's rng-seed removed. */
	int chosen = fdt_path_offset(flow_fw_dt, "/chosen");
	assert_int_equal(fdt_delprop(flow_fw_dt, chosen, "rng-seed"), 0);
	assert_true(run_boot(&rc));
	assert_logged("(64 bits credited)");
	assert_null(chosen_prop("rng-seed", &len));
	assert_null(fake_fw_table(&linux_random_seed_table_guid));
	assert_null(fake_fw_var(LOADER_RANDOM_SEED_VAR));
	/* Credited: the token may be made from it, but not a seed file the next boot would
	 * credit 256 bits. */
	assert_non_null(fake_fw_var(SYSTEM_TOKEN_VAR));
	assert_null(seed_file());
	assert_logged("seed file missing, not created (too few credited bits)");

	setup_bare(NULL, false);
	fake.has_rng = true;
	assert_true(run_boot(&rc));
	assert_non_null(chosen_prop("rng-seed", &len));
	assert_int_equal(len, 64);
	assert_non_null(fake_fw_table(&linux_random_seed_table_guid));
	assert_non_null(fake_fw_var(LOADER_RANDOM_SEED_VAR));
}

/* Whether the log holds v in hex, as kaslboot's formatter writes it (%lx, %016lx). */
static bool logged_hex(uint64_t v)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%lx", (unsigned long)v);
	snprintf(b, sizeof(b), "%016lx", (unsigned long)v);
	return strstr(captured_log, a) || strstr(captured_log, b);
}

/* Point 7: at info the log has sources, slots and bits but no base; at debug the bases,
 * never the kaslr-seed. */
static void test_layout_not_logged(void **state)
{
	int rc = 0, len = 0;
	(void)state;
	setup_bare(NULL, false);
	fake.has_rng = true;
	log_set_level(LOG_INFO); /* efi_main's level when loader.conf says nothing */
	assert_true(run_boot(&rc));
	assert_logged(" slots (");
	assert_false(logged_hex(fake_cpu.entry));

	setup_bare("log debug\n", false);
	fake.has_rng = true;
	assert_true(run_boot(&rc));
	const uint8_t *p = chosen_prop("kaslr-seed", &len);
	assert_non_null(p);
	uint64_t seed = 0;
	for (int i = 0; i < 8; i++)
		seed = seed << 8 | p[i];
	assert_true(logged_hex(fake_cpu.entry));
	if (logged_hex(seed))
		fail_msg("the kaslr-seed %016lx is in the log:\n%s", (unsigned long)seed,
			 captured_log);
	log_set_level(LOG_DEBUG);
}

static int teardown(void **state)
{
	log_set_level(LOG_DEBUG);
	return flow_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_secure_boot_planted_seed_refused, teardown),
		cmocka_unit_test_teardown(test_seed_file_credited_when_trusted, teardown),
		cmocka_unit_test_teardown(test_counter_only_boot_claims_nothing, teardown),
		cmocka_unit_test_teardown(test_handoff_needs_full_pool, teardown),
		cmocka_unit_test_teardown(test_layout_not_logged, teardown),
	};
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
