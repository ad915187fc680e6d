/* SPDX-License-Identifier: BSD-2-Clause */
/* The persistent seed (loader/seed_file.h) and the random seed table
 * (loader/seed_table.h) over the fake firmware: every state of the seed file, the
 * credit rule (only after the rewrite reached the medium), a different file after every
 * boot, LoaderSystemToken created once, and the table Linux gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_platform.h"
#include "lib/err.h"
#include "log_capture.h"
#include "loader/entropy.h"
#include "loader/seed_file.h"
#include "loader/seed_table.h"
#include "assert_kb.h"

#define RAM (16ULL << 20)

static struct fake_file *seed(void)
{
	for (unsigned i = 0; i < fake.nfiles; i++)
		if (!strcmp(fake.files[i].path, SEED_FILE_PATH))
			return &fake.files[i];
	return NULL;
}

/* What a firmware source (EFI_RNG_PROTOCOL) credits before the seed file is seen: enough
 * for kaslboot to make a new seed file (SEED_FILE_CREDIT_BITS). */
#define FW_BITS 256u

/* One gathering: a counter-like input and fw_bits from a firmware source (none for 0),
 * then the seed file, under Secure Boot or not. */
static enum seed_file_state gather_with(struct entropy_pool *pool, unsigned fw_bits,
					bool secure_boot)
{
	static uint64_t n;
	uint8_t fw[FW_BITS / 8];
	n++;
	memset(fw, 0x5a, sizeof(fw));
	memcpy(fw, &n, sizeof(n));
	entropy_init(pool);
	entropy_add(pool, ENTROPY_SRC_COUNTER, &n, sizeof(n), 0);
	if (fw_bits)
		entropy_add(pool, ENTROPY_SRC_EFI_RNG, fw, sizeof(fw), fw_bits);
	log_capture_clear();
	return seed_file_mix(&fake_platform, pool, secure_boot);
}

static enum seed_file_state gather(struct entropy_pool *pool)
{
	return gather_with(pool, FW_BITS, false);
}

static int setup(void **state)
{
	(void)state;
	fake_fw_init(RAM);
	log_capture_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_fw_free();
	return 0;
}

/* Missing: created (nothing credited yet); next boot: credited, and the file changed. */
static void test_missing_then_credited(void **state)
{
	struct entropy_pool pool;
	uint8_t before[SEED_FILE_NEW_SIZE];
	(void)state;
	assert_int_equal(gather(&pool), SEED_FILE_CREATED);
	assert_non_null(seed());
	assert_int_equal(seed()->len, SEED_FILE_NEW_SIZE);
	assert_int_equal(entropy_strong_bits(&pool), FW_BITS);
	assert_false(entropy_has_source(&pool, ENTROPY_SRC_SEED_FILE));

	for (int boot = 0; boot < 3; boot++) {
		memcpy(before, seed()->data, sizeof(before));
		assert_int_equal(gather(&pool), SEED_FILE_CREDITED);
		assert_true(entropy_has_source(&pool, ENTROPY_SRC_SEED_FILE));
		assert_int_equal(entropy_strong_bits(&pool), FW_BITS + SEED_FILE_CREDIT_BITS);
		assert_true(entropy_is_strong(&pool));
		assert_int_equal(seed()->len, SEED_FILE_NEW_SIZE);
		assert_memory_not_equal(before, seed()->data, sizeof(before));
		assert_int_equal(captured_warnings, 0);
	}
}

/* A larger file (bootctl writes the kernel's pool size, e.g. 512 bytes) keeps its size. */
static void test_other_valid_size_kept(void **state)
{
	struct entropy_pool pool;
	uint8_t old[512];
	(void)state;
	memset(old, 0xa5, sizeof(old));
	fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
	assert_int_equal(gather(&pool), SEED_FILE_CREDITED);
	assert_int_equal(seed()->len, sizeof(old));
	assert_memory_not_equal(old, seed()->data, sizeof(old));
}

/* Short or long: mixed, not credited, one warning, replaced by a proper 32-byte seed. */
static void test_bad_sizes(void **state)
{
	static const size_t sizes[] = { 1, SEED_FILE_MIN - 1, SEED_FILE_MAX + 1 };
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct entropy_pool pool;
		uint8_t *old = malloc(sizes[i]);
		memset(old, 0x3c, sizes[i]);
		fake_fw_init(RAM);
		fake_fw_add_file(SEED_FILE_PATH, old, sizes[i]);
		free(old);
		assert_int_equal(gather(&pool), SEED_FILE_BAD_SIZE);
		assert_true(entropy_has_source(&pool, ENTROPY_SRC_SEED_FILE));
		assert_int_equal(entropy_strong_bits(&pool), FW_BITS);
		assert_int_equal(captured_warnings, 1);
		assert_logged("/loader/random-seed: ");
		assert_logged("mixed, not credited, replaced");
		assert_int_equal(seed()->len, SEED_FILE_NEW_SIZE);
	}
}

/* A read-only ESP, a failed write or a failed flush (all one file_write failure): the old
 * seed is mixed but not credited, one warning, and the file is as it was. */
static void test_unwritable(void **state)
{
	struct entropy_pool pool;
	uint8_t old[SEED_FILE_NEW_SIZE];
	(void)state;
	memset(old, 0x77, sizeof(old));
	fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
	fake.writes_fail = true;
	assert_int_equal(gather(&pool), SEED_FILE_NOT_CREDITED);
	assert_true(entropy_has_source(&pool, ENTROPY_SRC_SEED_FILE));
	assert_int_equal(entropy_strong_bits(&pool), FW_BITS);
	assert_int_equal(captured_warnings, 1);
	assert_logged("cannot be rewritten (the ESP refuses writes): mixed, not credited");
	assert_memory_equal(seed()->data, old, sizeof(old));

	/* Missing and uncreatable: one warning, nothing credited. */
	fake_fw_init(RAM);
	fake.writes_fail = true;
	assert_int_equal(gather(&pool), SEED_FILE_NONE);
	assert_int_equal(captured_warnings, 1);
	assert_null(seed());
}

/* The everyday boot: the file is opened once, read, rewritten in place through the same
 * handle and flushed (one file_rewrite), never replaced whole nor closed and reopened;
 * credited only once that rewrite succeeded. */
static void test_one_open_one_rewrite(void **state)
{
	struct entropy_pool pool;
	uint8_t old[SEED_FILE_NEW_SIZE];
	(void)state;
	memset(old, 0x42, sizeof(old));
	fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
	assert_int_equal(gather(&pool), SEED_FILE_CREDITED);
	assert_int_equal(fake.opens, 1);
	assert_int_equal(fake.rewrites, 1);
	assert_int_equal(fake.writes, 0);
	assert_int_equal(fake.files_open, 0);
	assert_int_equal(seed()->len, sizeof(old));
	assert_memory_not_equal(seed()->data, old, sizeof(old));

	/* The rewrite (its write or its flush) fails: mixed, not credited, one warning, the
	 * old seed left as it was. */
	for (unsigned k = 1; k < 12; k++) {
		fake_fw_init(RAM);
		fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
		fake.fail_at = k;
		enum seed_file_state st = gather(&pool);
		if (!fake.failed_op || strcmp(fake.failed_op, "file_rewrite"))
			continue;
		assert_int_equal(st, SEED_FILE_NOT_CREDITED);
		assert_int_equal(entropy_strong_bits(&pool), FW_BITS);
		assert_int_equal(captured_warnings, 1);
		assert_logged("cannot be rewritten (I/O error): mixed, not credited");
		assert_int_equal(fake.files_open, 0);
		assert_memory_equal(seed()->data, old, sizeof(old));
		return;
	}
	fail_msg("no file_rewrite call to fail");
}

/* Every failing platform call during the seed work: never a crash, never a credit without
 * a successful rewrite, never a pool leak. */
static void test_every_call_fails(void **state)
{
	uint8_t old[SEED_FILE_NEW_SIZE];
	(void)state;
	memset(old, 0x11, sizeof(old));
	for (unsigned k = 1; k < 12; k++) {
		struct entropy_pool pool;
		fake_fw_init(RAM);
		fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
		fake.fail_at = k;
		enum seed_file_state st = gather(&pool);
		assert_int_equal(fake.pools_live, 0);
		if (st == SEED_FILE_CREDITED)
			assert_memory_not_equal(seed()->data, old, sizeof(old));
		else
			assert_int_equal(entropy_strong_bits(&pool), FW_BITS);
	}
}

/* LoaderSystemToken: created once (non-volatile), then read and mixed, never credited. */
static void test_system_token(void **state)
{
	struct entropy_pool pool;
	uint8_t first[SYSTEM_TOKEN_SIZE];
	(void)state;
	gather(&pool);
	const struct fake_var *v = fake_fw_var(SYSTEM_TOKEN_VAR);
	assert_non_null(v);
	assert_int_equal(v->len, SYSTEM_TOKEN_SIZE);
	assert_true(v->attrs & KB_VAR_NON_VOLATILE);
	memcpy(first, v->data, sizeof(first));
	gather(&pool);
	assert_memory_equal(fake_fw_var(SYSTEM_TOKEN_VAR)->data, first, sizeof(first));
	assert_true(entropy_has_source(&pool, ENTROPY_SRC_SYSTEM_TOKEN));

	/* Two installations cloned from one image diverge: their tokens differ. */
	fake_fw_init(RAM);
	gather(&pool);
	assert_memory_not_equal(fake_fw_var(SYSTEM_TOKEN_VAR)->data, first, sizeof(first));
}

/* Issue 19: a pool with nothing credited makes nothing the next boot would trust: no seed
 * file, no token; a bad-size file is kept, not replaced. What exists is still mixed and
 * rewritten, and credited without Secure Boot. */
static void test_uncredited_pool_creates_nothing(void **state)
{
	struct entropy_pool pool;
	uint8_t old[SEED_FILE_NEW_SIZE], bad[SEED_FILE_MIN - 1];
	(void)state;
	assert_int_equal(gather_with(&pool, 0, false), SEED_FILE_NOT_CREATED);
	assert_null(seed());
	assert_null(fake_fw_var(SYSTEM_TOKEN_VAR));
	assert_int_equal(captured_warnings, 0);
	assert_logged("/loader/random-seed: missing, not created: 0 bits credited, a new seed "
		      "needs 256");
	assert_logged("LoaderSystemToken: not created: no credited source this boot");
	assert_int_equal(entropy_strong_bits(&pool), 0);

	/* 64 bits (a DT kaslr-seed): a token, but still no seed file. */
	assert_int_equal(gather_with(&pool, 64, false), SEED_FILE_NOT_CREATED);
	assert_null(seed());
	assert_non_null(fake_fw_var(SYSTEM_TOKEN_VAR));

	memset(bad, 0x3c, sizeof(bad));
	fake_fw_init(RAM);
	fake_fw_add_file(SEED_FILE_PATH, bad, sizeof(bad));
	assert_int_equal(gather_with(&pool, 0, false), SEED_FILE_BAD_SIZE);
	assert_logged("mixed, not credited, kept (too few credited bits to make a new seed)");
	assert_int_equal(seed()->len, sizeof(bad));
	assert_memory_equal(seed()->data, bad, sizeof(bad));

	/* A file the OS wrote (bootctl, kaslboot-install): credited without Secure Boot, and
	 * from it the token may be made. */
	memset(old, 0x42, sizeof(old));
	fake_fw_init(RAM);
	fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
	assert_int_equal(gather_with(&pool, 0, false), SEED_FILE_CREDITED);
	assert_int_equal(entropy_strong_bits(&pool), SEED_FILE_CREDIT_BITS);
	assert_non_null(fake_fw_var(SYSTEM_TOKEN_VAR));
}

/* Issue 19: under Secure Boot the file counts only beside a credited firmware source. */
static void test_secure_boot_needs_firmware_source(void **state)
{
	struct entropy_pool pool;
	uint8_t old[SEED_FILE_NEW_SIZE];
	(void)state;
	memset(old, 0x42, sizeof(old));
	fake_fw_add_file(SEED_FILE_PATH, old, sizeof(old));
	assert_int_equal(gather_with(&pool, 0, true), SEED_FILE_UNTRUSTED);
	assert_int_equal(entropy_strong_bits(&pool), 0);
	assert_true(entropy_has_source(&pool, ENTROPY_SRC_SEED_FILE));
	assert_int_equal(captured_warnings, 1);
	assert_logged("Secure Boot is on and no firmware source was credited: mixed, not "
		      "credited");
	assert_memory_not_equal(seed()->data, old, sizeof(old)); /* rewritten all the same */
	assert_null(fake_fw_var(SYSTEM_TOKEN_VAR));

	assert_int_equal(gather_with(&pool, 64, true), SEED_FILE_CREDITED);
	assert_int_equal(entropy_strong_bits(&pool), 64 + SEED_FILE_CREDIT_BITS);
}

/* The table: 32 fresh bytes behind a u32 size, in ACPI-reclaim memory, and gone again
 * when the attempt backs out. */
static void test_seed_table(void **state)
{
	struct kb_allocs allocs;
	struct drbg rng;
	uint8_t key[DRBG_SEED_SIZE] = { 1 };
	bool installed;
	uint32_t size;
	(void)state;
	drbg_seed(&rng, key);
	kb_allocs_init(&allocs, &fake_platform);
	seed_table_install(&fake_platform, &rng, &allocs, &installed);
	assert_true(installed);
	assert_int_equal(fake.ntables, 1);
	assert_memory_equal(&fake.tables[0].guid, &linux_random_seed_table_guid,
			    sizeof(struct kb_guid));
	memcpy(&size, fake.tables[0].table, 4);
	assert_int_equal(size, SEED_TABLE_BYTES);
	assert_int_equal(fake.allocs[0].kind, KB_MEM_ACPI_RECLAIM);
	/* systemd <= 252's LoaderRandomSeed: 32 bytes of its own, not the table's. */
	const struct fake_var *v = fake_fw_var(LOADER_RANDOM_SEED_VAR);
	assert_non_null(v);
	assert_int_equal(v->len, LOADER_RANDOM_SEED_BYTES);
	assert_memory_not_equal(v->data, (uint8_t *)fake.tables[0].table + SEED_TABLE_HEADER,
				LOADER_RANDOM_SEED_BYTES);

	/* An earlier table is mixed and credited. */
	struct entropy_pool pool;
	entropy_init(&pool);
	seed_table_mix_previous(fake.tables[0].table, &pool);
	assert_int_equal(entropy_strong_bits(&pool), 8 * SEED_TABLE_BYTES);

	seed_table_remove(&fake_platform, NULL, &installed);
	assert_false(installed);
	assert_int_equal(fake.ntables, 0);
	assert_null(fake_fw_var(LOADER_RANDOM_SEED_VAR));
	kb_free_all(&allocs);
	assert_int_equal(fake.nallocs, 0);

	/* A table the firmware refuses: one warning, nothing left allocated. */
	fake.fail_at = fake.calls + 2;
	log_capture_clear();
	seed_table_install(&fake_platform, &rng, &allocs, &installed);
	assert_false(installed);
	assert_int_equal(fake.nallocs, 0);
	assert_int_equal(captured_warnings, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_then_credited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_valid_size_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_open_one_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_call_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncredited_pool_creates_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_secure_boot_needs_firmware_source, setup,
						teardown),
	};
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
