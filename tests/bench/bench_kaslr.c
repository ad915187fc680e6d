/* SPDX-License-Identifier: BSD-2-Clause */
/* Costs on the boot path of the entropy code, each as a ratio against a reference
 * measured in the same run: SHA-256 and the ChaCha20 keystream against OpenSSL's portable
 * figures (it uses SIMD, so > 1 is expected; a boot hashes a few hundred bytes), and one
 * random slot choice on a 128-entry map against one plain drbg_u64. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "crypto/chacha20.h"
#include "crypto/drbg.h"
#include "loader/kaslr.h"
#include "crypto/sha256.h"

#define DATA_LEN (8u << 20)

static uint8_t data[DATA_LEN];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
	uint8_t digest[32], key[32] = { 1 }, nonce[12] = { 0 }, iv[16] = { 0 };
	unsigned int dlen;
	double t0, ours, ref;
	struct drbg rng;
	struct memmap_entry ent[128];
	struct memmap map = { ent, 128 };
	uint64_t base, n, sink = 0;
	int i, outl;

	for (i = 0; i < (int)DATA_LEN; i++)
		data[i] = (uint8_t)(i * 131);

	t0 = now();
	sha256(data, DATA_LEN, digest);
	ours = now() - t0;
	t0 = now();
	EVP_Digest(data, DATA_LEN, digest, &dlen, EVP_sha256(), NULL);
	ref = now() - t0;
	printf("bench_kaslr: sha256 %.1f MB/s, %.2fx OpenSSL's time\n", DATA_LEN / ours / 1e6, ours / ref);

	t0 = now();
	chacha20_xor(key, 0, nonce, data, DATA_LEN);
	ours = now() - t0;
	{
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		t0 = now();
		EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, key, iv);
		EVP_EncryptUpdate(c, data, &outl, data, DATA_LEN);
		ref = now() - t0;
		EVP_CIPHER_CTX_free(c);
	}
	printf("bench_kaslr: chacha20 %.1f MB/s, %.2fx OpenSSL's time\n", DATA_LEN / ours / 1e6,
	       ours / ref);

	for (i = 0; i < 128; i++) {
		ent[i].phys = 0x40000000ULL + (uint64_t)i * (256ULL << 20);
		ent[i].pages = (200ULL << 20) / 4096;
		ent[i].type = i % 3 ? MEMMAP_CONVENTIONAL : MEMMAP_BOOT_SERVICES_DATA;
		ent[i].attr = MEMMAP_ATTR_WB;
	}
	drbg_seed(&rng, key);
	t0 = now();
	for (i = 0; i < 100000; i++)
		sink += drbg_u64(&rng);
	ref = now() - t0;
	t0 = now();
	for (i = 0; i < 100000; i++) {
		kaslr_choose_phys(&map, BOOT_IMAGE_ALIGN, 0, 40ULL << 20, BOOT_IMAGE_PHYS_LIMIT,
				  true, &rng, &base, &n);
		sink += base;
	}
	ours = now() - t0;
	printf("bench_kaslr: slot choice on a 128-entry map %.2f us, %.1fx one drbg_u64 (%llu slots)%s\n",
	       ours / 1e5 * 1e6, ours / ref, (unsigned long long)n, sink ? "" : " ");
	return 0;
}
