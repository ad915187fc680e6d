/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 against the FIPS 180-4 / NIST CAVP example digests and against OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "entropy_testutil.h"
#include "crypto/sha256.h"

static void check_digest(const void *msg, size_t len, const char *hex)
{
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];

	assert_int_equal(tu_unhex(hex, want, sizeof(want)), SHA256_DIGEST_SIZE);
	sha256(msg, len, got);
	assert_memory_equal(got, want, SHA256_DIGEST_SIZE);
}

/* NIST "Cryptographic Algorithm Validation Program" example values for SHA-256 (the FIPS
 * 180-4 examples: one block, two blocks, long message) plus the empty message. */
static void test_nist_examples(void **state)
{
	static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char four_hundred[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		"klmnopqrlmnopqrsmnopqrstnopqrstu";
	(void)state;
	check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_digest(two_block, sizeof(two_block) - 1,
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_digest(four_hundred, sizeof(four_hundred) - 1,
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void **state)
{
	struct sha256_ctx ctx;
	uint8_t chunk[1000], got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];
	int i;
	(void)state;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&ctx);
	for (i = 0; i < 1000; i++)
		sha256_update(&ctx, chunk, sizeof(chunk));
	sha256_final(&ctx, got);
	tu_unhex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want,
		 sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
}

static void openssl_sha256(const void *msg, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	unsigned int n = 0;
	assert_int_equal(EVP_Digest(msg, len, out, &n, EVP_sha256(), NULL), 1);
	assert_int_equal(n, SHA256_DIGEST_SIZE);
}

/* Every length across the padding boundaries (55/56/63/64 mod 64) and some large ones,
 * one-shot and fed in random pieces. */
static void test_against_openssl(void **state)
{
	static uint8_t msg[70000];
	static const size_t big[] = { 1000, 4095, 4096, 4097, 65535, 65536, 65537, 70000 };
	uint64_t s = 0x5eed5eed12345678ULL;
	uint8_t got[SHA256_DIGEST_SIZE], want[SHA256_DIGEST_SIZE];
	size_t len, i;
	(void)state;

	tu_fill(&s, msg, sizeof(msg));
	for (len = 0; len < 600 + sizeof(big) / sizeof(big[0]); len++) {
		size_t n = len < 600 ? len : big[len - 600];
		struct sha256_ctx ctx;
		size_t done = 0;

		openssl_sha256(msg, n, want);
		sha256(msg, n, got);
		assert_memory_equal(got, want, sizeof(want));

		sha256_init(&ctx);
		while (done < n) {
			size_t piece = (size_t)(tu_rand(&s) % 150);
			if (piece > n - done)
				piece = n - done;
			sha256_update(&ctx, msg + done, piece);
			done += piece;
		}
		sha256_final(&ctx, got);
		assert_memory_equal(got, want, sizeof(want));
	}
	/* Flip one bit: the digest must change (and still match OpenSSL). */
	for (i = 0; i < 64; i++) {
		msg[i * 7] ^= 1;
		openssl_sha256(msg, 500, want);
		sha256(msg, 500, got);
		assert_memory_equal(got, want, sizeof(want));
	}
}

/* sha256_final leaves no message-derived state behind. */
static void test_final_wipes_context(void **state)
{
	struct sha256_ctx ctx;
	uint8_t out[SHA256_DIGEST_SIZE];
	(void)state;

	sha256_init(&ctx);
	sha256_update(&ctx, "secret seed material", 20);
	assert_false(tu_all_zero(&ctx, sizeof(ctx)));
	sha256_final(&ctx, out);
	assert_true(tu_all_zero(&ctx, sizeof(ctx)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nist_examples),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_against_openssl),
		cmocka_unit_test(test_final_wipes_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
