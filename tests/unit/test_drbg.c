/* SPDX-License-Identifier: BSD-2-Clause */
/* ChaCha20 against RFC 8439 and OpenSSL's EVP_chacha20; the fast-key-erasure generator
 * against its definition (computed with OpenSSL); drbg_uniform's distribution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "entropy_testutil.h"
#include "crypto/chacha20.h"
#include "crypto/drbg.h"
#include "log_capture.h"

/* OpenSSL's ChaCha20 IV is the 32-bit block counter (little-endian) then the 96-bit nonce. */
static void openssl_keystream(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
			      uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t iv[16];
	int n = 0;
	size_t done = 0;

	iv[0] = (uint8_t)counter;
	iv[1] = (uint8_t)(counter >> 8);
	iv[2] = (uint8_t)(counter >> 16);
	iv[3] = (uint8_t)(counter >> 24);
	memcpy(iv + 4, nonce, 12);
	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, key, iv), 1);
	memset(out, 0, len);
	while (done < len) {
		int piece = len - done > 4096 ? 4096 : (int)(len - done);
		assert_int_equal(EVP_EncryptUpdate(c, out + done, &n, out + done, piece), 1);
		assert_int_equal(n, piece);
		done += (size_t)piece;
	}
	EVP_CIPHER_CTX_free(c);
}

/* RFC 8439 section 2.3.2: test vector for the block function. */
static void test_rfc8439_block(void **state)
{
	uint8_t key[32], nonce[12], want[64], got[64];
	unsigned i;
	(void)state;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	tu_unhex("00 00 00 09 00 00 00 4a 00 00 00 00", nonce, sizeof(nonce));
	tu_unhex("10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4"
		 "c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
		 "d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2"
		 "b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e", want, sizeof(want));
	chacha20_block(key, 1, nonce, got);
	assert_memory_equal(got, want, 64);
}

/* RFC 8439 appendix A.1, test vector #1: all-zero key and nonce, counter 0. */
static void test_rfc8439_zero_key(void **state)
{
	uint8_t key[32] = { 0 }, nonce[12] = { 0 }, want[64], got[64];
	(void)state;

	tu_unhex("76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28"
		 "bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
		 "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37"
		 "6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86", want, sizeof(want));
	chacha20_block(key, 0, nonce, got);
	assert_memory_equal(got, want, 64);
}

/* RFC 8439 section 2.4.2: the "sunscreen" encryption, 114 bytes over two blocks. */
static void test_rfc8439_encrypt(void **state)
{
	static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				    "only one tip for the future, sunscreen would be it.";
	uint8_t key[32], nonce[12], want[114], buf[114];
	unsigned i;
	(void)state;

	assert_int_equal(sizeof(plain) - 1, 114);
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	tu_unhex("00 00 00 00 00 00 00 4a 00 00 00 00", nonce, sizeof(nonce));
	assert_int_equal(tu_unhex(
		"6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81"
		"e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
		"f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57"
		"16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
		"07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e"
		"52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
		"5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42"
		"87 4d", want, sizeof(want)), 114);
	memcpy(buf, plain, 114);
	chacha20_xor(key, 1, nonce, buf, 114);
	assert_memory_equal(buf, want, 114);
	chacha20_xor(key, 1, nonce, buf, 114);
	assert_memory_equal(buf, plain, 114);
}

static void test_keystream_against_openssl(void **state)
{
	static uint8_t got[3000], want[3000];
	uint64_t s = 0xc4ac4a20ULL;
	int iter;
	(void)state;

	for (iter = 0; iter < 200; iter++) {
		uint8_t key[32], nonce[12];
		uint32_t counter = (uint32_t)tu_rand(&s) & 0xffff;
		size_t len = (size_t)(tu_rand(&s) % sizeof(got));

		tu_fill(&s, key, sizeof(key));
		tu_fill(&s, nonce, sizeof(nonce));
		openssl_keystream(key, counter, nonce, want, len);
		memset(got, 0, len);
		chacha20_xor(key, counter, nonce, got, len);
		assert_memory_equal(got, want, len);
	}
}

/* The generator is defined as: stream = ChaCha20(key, nonce 0, counter 0); next key =
 * stream[0..32), output = stream[32..32+n), in pieces of at most 64 KiB. */
static void reference_generate(uint8_t key[32], uint8_t *out, size_t n)
{
	static uint8_t stream[32 + 65536];
	static const uint8_t zero_nonce[12];

	while (n) {
		size_t piece = n < 65536 ? n : 65536;
		openssl_keystream(key, 0, zero_nonce, stream, 32 + piece);
		memcpy(out, stream + 32, piece);
		memcpy(key, stream, 32);
		out += piece;
		n -= piece;
	}
}

static void test_drbg_matches_definition(void **state)
{
	static const size_t sizes[] = { 1, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 65536, 70000 };
	static uint8_t got[70000], want[70000];
	uint8_t seed[32], ref_key[32];
	struct drbg rng;
	size_t i;
	uint64_t s = 77;
	(void)state;

	tu_fill(&s, seed, sizeof(seed));
	drbg_seed(&rng, seed);
	memcpy(ref_key, seed, 32);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		drbg_generate(&rng, got, sizes[i]);
		reference_generate(ref_key, want, sizes[i]);
		assert_memory_equal(got, want, sizes[i]);
		/* Fast key erasure: the key that produced the output is gone. */
		assert_memory_equal(rng.key, ref_key, 32);
		assert_memory_not_equal(rng.key, seed, 32);
	}
}

static void test_drbg_u64_and_determinism(void **state)
{
	uint8_t seed[32] = { 1, 2, 3 }, key[32], bytes[8];
	struct drbg a, b, c;
	uint64_t va, vb, want = 0;
	int i;
	(void)state;

	drbg_seed(&a, seed);
	drbg_seed(&b, seed);
	memcpy(key, seed, 32);
	va = drbg_u64(&a);
	reference_generate(key, bytes, 8);
	for (i = 7; i >= 0; i--)
		want = want << 8 | bytes[i];
	assert_int_equal(va, want); /* little-endian */
	assert_int_equal(drbg_u64(&b), va);
	for (i = 0; i < 100; i++)
		assert_int_equal(drbg_u64(&a), drbg_u64(&b));
	seed[31] ^= 1;
	drbg_seed(&c, seed);
	va = drbg_u64(&a);
	vb = drbg_u64(&c);
	assert_int_not_equal(va, vb);
	for (i = 0; i < 1000; i++)
		assert_int_not_equal(drbg_u64_nonzero(&c), 0);
}

static void test_drbg_unseeded_and_wipe(void **state)
{
	struct drbg rng;
	uint8_t seed[32], buf[40];
	(void)state;

	memset(&rng, 0, sizeof(rng));
	log_capture_start(LOG_INFO);
	memset(buf, 0xaa, sizeof(buf));
	drbg_generate(&rng, buf, sizeof(buf));
	assert_true(tu_all_zero(buf, sizeof(buf)));
	assert_logged("unseeded");
	assert_int_equal(drbg_uniform(&rng, 12345), 0); /* no endless rejection loop */
	assert_int_equal(drbg_u64_nonzero(&rng), 0);

	memset(seed, 0x5a, sizeof(seed));
	drbg_seed(&rng, seed);
	assert_true(drbg_is_seeded(&rng));
	drbg_u64(&rng);
	drbg_wipe(&rng);
	assert_true(tu_all_zero(&rng, sizeof(rng)));
	assert_false(drbg_is_seeded(&rng));
	log_capture_stop();
}

/* Pearson's chi-square statistic of counts against equal expectation. */
static double chi_square(const unsigned *count, unsigned bins, unsigned draws)
{
	double expect = (double)draws / bins, chi = 0;
	unsigned i;

	for (i = 0; i < bins; i++)
		chi += ((double)count[i] - expect) * ((double)count[i] - expect) / expect;
	return chi;
}

/* chi-square critical values at p = 0.001: df 7 -> 24.32, df 9 -> 27.88. */
#define CHI2_DF7_P001 24.32
#define CHI2_DF9_P001 27.88

/* The textbook mistake, v % bound, for the power check below. */
static uint64_t biased_uniform(struct drbg *rng, uint64_t bound) { return drbg_u64(rng) % bound; }

/* bound = (2^64 / 3) * 2: a modulo reduction maps 2^64 values onto it so that the lower
 * half of [0, bound) is twice as likely as the upper half. 8 equal bins over [0, bound). */
static double big_bound_chi(uint64_t (*gen)(struct drbg *, uint64_t), struct drbg *rng)
{
	const uint64_t bound = (UINT64_MAX / 3) * 2;
	const unsigned draws = 16000;
	unsigned count[8] = { 0 }, i;

	for (i = 0; i < draws; i++) {
		uint64_t v = gen(rng, bound);
		unsigned bin;

		assert_true(v < bound);
		bin = (unsigned)(v / (bound / 8 + 1));
		count[bin]++;
	}
	return chi_square(count, 8, draws);
}

static void test_uniform_no_modulo_bias(void **state)
{
	uint8_t seed[32] = { 0x42 };
	struct drbg rng;
	double chi;
	(void)state;

	drbg_seed(&rng, seed);
	chi = big_bound_chi(drbg_uniform, &rng);
	assert_true(chi < CHI2_DF7_P001);
	/* The same statistic catches a modulo implementation: the test has power. */
	drbg_seed(&rng, seed);
	chi = big_bound_chi(biased_uniform, &rng);
	assert_true(chi > CHI2_DF7_P001 * 10);
}

static void test_uniform_small_bounds(void **state)
{
	uint8_t seed[32] = { 0x17 };
	struct drbg rng;
	unsigned count[10] = { 0 }, i;
	uint64_t b;
	(void)state;

	drbg_seed(&rng, seed);
	assert_int_equal(drbg_uniform(&rng, 0), 0);
	assert_int_equal(drbg_uniform(&rng, 1), 0);
	for (i = 0; i < 20000; i++)
		count[drbg_uniform(&rng, 10)]++;
	assert_true(chi_square(count, 10, 20000) < CHI2_DF9_P001);
	for (b = 2; b < 2000; b += 37)
		for (i = 0; i < 20; i++)
			assert_true(drbg_uniform(&rng, b) < b);
	for (i = 0; i < 100; i++)
		assert_true(drbg_uniform(&rng, UINT64_MAX) < UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8439_block),
		cmocka_unit_test(test_rfc8439_zero_key),
		cmocka_unit_test(test_rfc8439_encrypt),
		cmocka_unit_test(test_keystream_against_openssl),
		cmocka_unit_test(test_drbg_matches_definition),
		cmocka_unit_test(test_drbg_u64_and_determinism),
		cmocka_unit_test(test_drbg_unseeded_and_wipe),
		cmocka_unit_test(test_uniform_no_modulo_bias),
		cmocka_unit_test(test_uniform_small_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
