/* SPDX-License-Identifier: BSD-2-Clause */
/* The entropy pool: contributor bookkeeping, strength, the fixed-seed rule, the mixing
 * construction (recomputed with OpenSSL) and the wipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "entropy_testutil.h"
#include "lib/err.h"
#include "lib/secure_wipe.h"
#include "loader/entropy.h"
#include "log_capture.h"

static const uint8_t seed8[8] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67 };
static const uint8_t seed32[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

static void summary_is(const struct entropy_pool *pool, const char *want)
{
	char buf[ENTROPY_SUMMARY_MAX];

	assert_int_equal(entropy_summary(pool, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_summary(void **state)
{
	struct entropy_pool pool;
	uint64_t cnt = 0x123456789ULL;
	char small[12];
	unsigned s;
	(void)state;

	entropy_init(&pool);
	summary_is(&pool, "none");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_COUNTER, &cnt, sizeof(cnt), 0), KB_OK);
	summary_is(&pool, "counter");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_EFI_RNG, seed32, 32, 256), KB_OK);
	summary_is(&pool, "efi-rng,counter");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_DT_KASLR_SEED, seed8, 8, 64), KB_OK);
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_DT_RNG_SEED, seed32, 32, 256), KB_OK);
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_RNDR, seed8, 8, 64), KB_OK);
	summary_is(&pool, "dt-kaslr-seed,dt-rng-seed,efi-rng,rndr,counter");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_CONFIG_SEED, seed8, 8, 0), KB_OK);
	summary_is(&pool, "dt-kaslr-seed,dt-rng-seed,efi-rng,rndr,counter,config-seed");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_EFI_SEED_TABLE, seed32, 32, 256), KB_OK);
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_SYSTEM_TOKEN, seed32, 32, 256), KB_OK);
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_SEED_FILE, seed32, 32, 0), KB_OK);
	summary_is(&pool, "dt-kaslr-seed,dt-rng-seed,efi-rng,rndr,counter,config-seed,"
			  "seed-file,system-token,efi-seed-table");
	for (s = 0; s < ENTROPY_SRC_COUNT; s++)
		assert_true(entropy_has_source(&pool, (enum entropy_source)s));

	/* snprintf contract: full length returned, output cut and terminated. */
	assert_int_equal(entropy_summary(&pool, small, sizeof(small)),
			 strlen("dt-kaslr-seed,dt-rng-seed,efi-rng,rndr,counter,config-seed,"
				"seed-file,system-token,efi-seed-table"));
	assert_string_equal(small, "dt-kaslr-se"); /* 11 characters and the NUL */
}

/* A late credit (the seed file once rewritten): capped at what the source contributed,
 * refused for a source never added or never credited (the token); a peek is stable,
 * label-separated, and never the generator's seed. */
static void test_late_credit_and_peek(void **state)
{
	struct entropy_pool pool;
	uint8_t a[32], b[32], c[32], out[32];
	struct drbg rng;
	(void)state;

	entropy_init(&pool);
	entropy_credit(&pool, ENTROPY_SRC_SEED_FILE, 256);
	assert_int_equal(entropy_strong_bits(&pool), 0);
	entropy_add(&pool, ENTROPY_SRC_SEED_FILE, seed8, 8, 0);
	assert_int_equal(entropy_strong_bits(&pool), 0);
	entropy_credit(&pool, ENTROPY_SRC_SEED_FILE, 256);
	assert_int_equal(entropy_strong_bits(&pool), 64);
	entropy_add(&pool, ENTROPY_SRC_SYSTEM_TOKEN, seed32, 32, 0);
	entropy_credit(&pool, ENTROPY_SRC_SYSTEM_TOKEN, 256);
	assert_int_equal(entropy_strong_bits(&pool), 64);

	entropy_peek(&pool, "x", a);
	entropy_peek(&pool, "x", b);
	entropy_peek(&pool, "y", c);
	assert_memory_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
	assert_int_equal(entropy_finish(&pool, &rng), KB_OK);
	drbg_generate(&rng, out, sizeof(out));
	assert_memory_not_equal(out, a, 32);
}

static void test_strength(void **state)
{
	struct entropy_pool pool;
	uint64_t cnt = 42;
	(void)state;

	/* The counter is never credited, whatever the caller claims. */
	entropy_init(&pool);
	entropy_add(&pool, ENTROPY_SRC_COUNTER, &cnt, sizeof(cnt), 64);
	assert_int_equal(entropy_strong_bits(&pool), 0);
	assert_false(entropy_is_strong(&pool));

	/* A credit is capped at 8 bits a byte: 4 bytes of RNDR are 32 bits. */
	entropy_add(&pool, ENTROPY_SRC_RNDR, seed8, 4, 64);
	assert_int_equal(entropy_strong_bits(&pool), 32);
	assert_false(entropy_is_strong(&pool));
	/* Two weak-ish real sources add up to 64. */
	entropy_add(&pool, ENTROPY_SRC_DT_RNG_SEED, seed8, 8, 32);
	assert_int_equal(entropy_strong_bits(&pool), 64);
	assert_true(entropy_is_strong(&pool));

	/* One 8-byte DT kaslr-seed credited 64 bits is enough. */
	entropy_init(&pool);
	entropy_add(&pool, ENTROPY_SRC_DT_KASLR_SEED, seed8, 8, 64);
	assert_true(entropy_is_strong(&pool));
	assert_false(entropy_is_fixed(&pool));
	/* A fixed config seed makes the output reproducible, hence never strong. */
	entropy_add(&pool, ENTROPY_SRC_CONFIG_SEED, seed8, 8, 64);
	assert_true(entropy_is_fixed(&pool));
	assert_false(entropy_is_strong(&pool));
	assert_int_equal(entropy_strong_bits(&pool), 64);
}

static void test_bad_input(void **state)
{
	struct entropy_pool pool;
	struct drbg rng;
	uint8_t zeros[8] = { 0 };
	(void)state;

	log_capture_start(LOG_INFO);
	entropy_init(&pool);
	/* An all-zero DT seed (absent or already consumed) is not a contributor. */
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_DT_KASLR_SEED, zeros, 8, 64), KB_OK);
	assert_false(entropy_has_source(&pool, ENTROPY_SRC_DT_KASLR_SEED));
	assert_int_equal(entropy_strong_bits(&pool), 0);
	assert_logged("dt-kaslr-seed is empty or all zeros");
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_EFI_RNG, seed8, 0, 64), KB_OK);
	assert_false(entropy_has_source(&pool, ENTROPY_SRC_EFI_RNG));
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_COUNT, seed8, 8, 0), KB_EINVAL);
	assert_int_equal(entropy_add(&pool, (enum entropy_source)99, seed8, 8, 0), KB_EINVAL);

	/* Nothing contributed: the generator stays unseeded. */
	memset(&rng, 0, sizeof(rng));
	assert_int_equal(entropy_finish(&pool, &rng), KB_ENOENT);
	assert_false(drbg_is_seeded(&rng));
	assert_logged("no source contributed");
	/* After finish, neither add nor a second finish is accepted. */
	assert_int_equal(entropy_add(&pool, ENTROPY_SRC_RNDR, seed8, 8, 64), KB_EINVAL);
	assert_int_equal(entropy_finish(&pool, &rng), KB_EINVAL);
	log_capture_stop();
}

/* The documented construction, recomputed with OpenSSL: key = SHA-256("kaslboot entropy
 * pool v1\0" || for each input: source byte, 64-bit LE length, bytes). */
static void openssl_pool_key(const int *src, const uint8_t *const *data, const size_t *len,
			     size_t n, const char *domain, uint8_t key[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int out = 0;
	size_t i;
	int b;

	assert_int_equal(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
	EVP_DigestUpdate(c, domain, strlen(domain) + 1);
	for (i = 0; i < n; i++) {
		uint8_t hdr[9];
		hdr[0] = (uint8_t)src[i];
		for (b = 0; b < 8; b++)
			hdr[1 + b] = (uint8_t)((uint64_t)len[i] >> (8 * b));
		EVP_DigestUpdate(c, hdr, sizeof(hdr));
		EVP_DigestUpdate(c, data[i], len[i]);
	}
	EVP_DigestFinal_ex(c, key, &out);
	EVP_MD_CTX_free(c);
}

static void test_mixing_construction(void **state)
{
	const int src[3] = { ENTROPY_SRC_DT_KASLR_SEED, ENTROPY_SRC_EFI_RNG, ENTROPY_SRC_COUNTER };
	uint64_t cnt = 0x1122334455667788ULL;
	const uint8_t *data[3] = { seed8, seed32, (const uint8_t *)&cnt };
	const size_t len[3] = { 8, 32, 8 };
	struct entropy_pool pool;
	struct drbg rng, ref;
	uint8_t key[32];
	int i;
	(void)state;

	entropy_init(&pool);
	for (i = 0; i < 3; i++)
		assert_int_equal(entropy_add(&pool, (enum entropy_source)src[i], data[i], len[i], 64), KB_OK);
	assert_int_equal(entropy_finish(&pool, &rng), KB_OK);
	openssl_pool_key(src, data, len, 3, "kaslboot entropy pool v1", key);
	drbg_seed(&ref, key);
	assert_memory_equal(rng.key, ref.key, 32);

	/* Fixed seed: only it counts, under its own domain. */
	entropy_init(&pool);
	for (i = 0; i < 3; i++)
		entropy_add(&pool, (enum entropy_source)src[i], data[i], len[i], 64);
	entropy_add(&pool, ENTROPY_SRC_CONFIG_SEED, seed8, 8, 0);
	assert_int_equal(entropy_finish(&pool, &rng), KB_OK);
	{
		const int fsrc[1] = { ENTROPY_SRC_CONFIG_SEED };
		const uint8_t *fdata[1] = { seed8 };
		const size_t flen[1] = { 8 };
		openssl_pool_key(fsrc, fdata, flen, 1, "kaslboot fixed seed v1", key);
	}
	assert_memory_equal(rng.key, key, 32);
}

static uint64_t first_output(struct entropy_pool *pool)
{
	struct drbg rng;

	assert_int_equal(entropy_finish(pool, &rng), KB_OK);
	return drbg_u64(&rng);
}

/* Inputs are length-prefixed and tagged: splitting or relabelling changes the output. */
static void test_domain_separation(void **state)
{
	struct entropy_pool a, b;
	(void)state;

	entropy_init(&a);
	entropy_add(&a, ENTROPY_SRC_EFI_RNG, "ab", 2, 16);
	entropy_add(&a, ENTROPY_SRC_EFI_RNG, "c", 1, 8);
	entropy_init(&b);
	entropy_add(&b, ENTROPY_SRC_EFI_RNG, "a", 1, 8);
	entropy_add(&b, ENTROPY_SRC_EFI_RNG, "bc", 2, 16);
	assert_int_not_equal(first_output(&a), first_output(&b));

	entropy_init(&a);
	entropy_add(&a, ENTROPY_SRC_EFI_RNG, seed8, 8, 64);
	entropy_init(&b);
	entropy_add(&b, ENTROPY_SRC_RNDR, seed8, 8, 64);
	assert_int_not_equal(first_output(&a), first_output(&b));

	/* Same inputs, same output: the pool is a function of what was added. */
	entropy_init(&a);
	entropy_add(&a, ENTROPY_SRC_RNDR, seed8, 8, 64);
	entropy_init(&b);
	entropy_add(&b, ENTROPY_SRC_RNDR, seed8, 8, 64);
	assert_int_equal(first_output(&a), first_output(&b));
}

/* Two boots with the same fixed seed and different everything else agree; another fixed
 * seed disagrees. */
static void test_fixed_seed_determinism(void **state)
{
	struct entropy_pool a, b, c;
	uint64_t fixed = 0x0123456789abcdefULL, other = fixed ^ 1, cnt1 = 1000, cnt2 = 987654;
	uint8_t rnd1[32], rnd2[32];
	uint64_t s = 5;
	(void)state;

	tu_fill(&s, rnd1, sizeof(rnd1));
	tu_fill(&s, rnd2, sizeof(rnd2));
	entropy_init(&a);
	entropy_add(&a, ENTROPY_SRC_EFI_RNG, rnd1, 32, 256);
	entropy_add(&a, ENTROPY_SRC_COUNTER, &cnt1, 8, 0);
	entropy_add(&a, ENTROPY_SRC_CONFIG_SEED, &fixed, 8, 0);
	entropy_init(&b);
	entropy_add(&b, ENTROPY_SRC_CONFIG_SEED, &fixed, 8, 0);
	entropy_add(&b, ENTROPY_SRC_DT_KASLR_SEED, rnd2, 8, 64);
	entropy_add(&b, ENTROPY_SRC_RNDR, rnd2 + 8, 8, 64);
	entropy_add(&b, ENTROPY_SRC_COUNTER, &cnt2, 8, 0);
	entropy_init(&c);
	entropy_add(&c, ENTROPY_SRC_EFI_RNG, rnd1, 32, 256);
	entropy_add(&c, ENTROPY_SRC_COUNTER, &cnt1, 8, 0);
	entropy_add(&c, ENTROPY_SRC_CONFIG_SEED, &other, 8, 0);
	{
		uint64_t va = first_output(&a), vb = first_output(&b), vc = first_output(&c);
		assert_int_equal(va, vb);
		assert_int_not_equal(va, vc);
	}
}

/* entropy_finish leaves no hash state; secure_wipe zeroes. */
static void test_wipe(void **state)
{
	struct entropy_pool pool;
	struct drbg rng;
	uint8_t buf[100];
	(void)state;

	entropy_init(&pool);
	entropy_add(&pool, ENTROPY_SRC_EFI_RNG, seed32, 32, 256);
	entropy_add(&pool, ENTROPY_SRC_CONFIG_SEED, seed8, 8, 0);
	assert_false(tu_all_zero(&pool.mix, sizeof(pool.mix)));
	assert_false(tu_all_zero(&pool.fixed, sizeof(pool.fixed)));
	assert_int_equal(entropy_finish(&pool, &rng), KB_OK);
	assert_true(tu_all_zero(&pool.mix, sizeof(pool.mix)));
	assert_true(tu_all_zero(&pool.fixed, sizeof(pool.fixed)));
	/* The bookkeeping survives for the log. */
	summary_is(&pool, "efi-rng,config-seed");

	entropy_init(&pool);
	entropy_add(&pool, ENTROPY_SRC_EFI_RNG, seed32, 32, 256);
	assert_int_equal(entropy_finish(&pool, &rng), KB_OK);
	assert_true(tu_all_zero(&pool.mix, sizeof(pool.mix)));
	assert_true(tu_all_zero(&pool.fixed, sizeof(pool.fixed)));

	memset(buf, 0xc3, sizeof(buf));
	secure_wipe(buf + 10, 50);
	assert_true(tu_all_zero(buf + 10, 50));
	assert_int_equal(buf[9], 0xc3);
	assert_int_equal(buf[60], 0xc3);
	secure_wipe(NULL, 10); /* tolerated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_late_credit_and_peek),
		cmocka_unit_test(test_strength),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_mixing_construction),
		cmocka_unit_test(test_domain_separation),
		cmocka_unit_test(test_fixed_seed_determinism),
		cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
