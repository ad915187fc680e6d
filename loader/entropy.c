/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/entropy.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"

/* Domain tags: the pool digest and the fixed-seed digest are never equal to a SHA-256 used
 * anywhere else, nor to each other. */
static const char pool_domain[] = "kaslboot entropy pool v1";
static const char fixed_domain[] = "kaslboot fixed seed v1";

static const char *const source_names[ENTROPY_SRC_COUNT] = {
	[ENTROPY_SRC_DT_KASLR_SEED] = "dt-kaslr-seed",
	[ENTROPY_SRC_DT_RNG_SEED] = "dt-rng-seed",
	[ENTROPY_SRC_EFI_RNG] = "efi-rng",
	[ENTROPY_SRC_RNDR] = "rndr",
	[ENTROPY_SRC_COUNTER] = "counter",
	[ENTROPY_SRC_CONFIG_SEED] = "config-seed",
	[ENTROPY_SRC_SEED_FILE] = "seed-file",
	[ENTROPY_SRC_SYSTEM_TOKEN] = "system-token",
	[ENTROPY_SRC_EFI_SEED_TABLE] = "efi-seed-table",
};

/* The header byte that marks a peek label: no source id has it. */
#define PEEK_TAG 0xff

#define BITS_PER_BYTE 8u

static bool source_is_random(enum entropy_source src)
{
	return src == ENTROPY_SRC_DT_KASLR_SEED || src == ENTROPY_SRC_DT_RNG_SEED ||
	       src == ENTROPY_SRC_EFI_RNG || src == ENTROPY_SRC_RNDR ||
	       src == ENTROPY_SRC_SEED_FILE || src == ENTROPY_SRC_EFI_SEED_TABLE;
}

const char *entropy_source_name(enum entropy_source src)
{
	return (unsigned)src < ENTROPY_SRC_COUNT ? source_names[src] : "unknown";
}

void entropy_init(struct entropy_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	sha256_init(&pool->mix);
	sha256_update(&pool->mix, pool_domain, sizeof(pool_domain));
	sha256_init(&pool->fixed);
	sha256_update(&pool->fixed, fixed_domain, sizeof(fixed_domain));
}

int entropy_add(struct entropy_pool *pool, enum entropy_source src, const void *data,
		size_t len, unsigned credited_bits)
{
	uint8_t header[1 + 8];
	uint64_t max_credit;

	if ((unsigned)src >= ENTROPY_SRC_COUNT)
		return log_error_ret(KB_EINVAL, "entropy: unknown source %u", (unsigned)src);
	if (pool->finished)
		return log_error_ret(KB_EINVAL, "entropy: %s added after the generator was seeded",
				     source_names[src]);
	if (!len || !data || bytes_all_zero(data, len))
		return log_warn_ret(KB_OK, "entropy: %s is empty or all zeros, ignored",
				    source_names[src]);

	/* Source id and 64-bit length ahead of the bytes: inputs are uniquely decodable, so
	 * moving bytes from one source to the next changes the digest. */
	header[0] = (uint8_t)src;
	put_le64(header + 1, (uint64_t)len);

	if (src == ENTROPY_SRC_CONFIG_SEED) {
		sha256_update(&pool->fixed, header, sizeof(header));
		sha256_update(&pool->fixed, data, len);
		pool->has_fixed = true;
		credited_bits = 0;
	} else {
		sha256_update(&pool->mix, header, sizeof(header));
		sha256_update(&pool->mix, data, len);
		if (!source_is_random(src))
			credited_bits = 0;
	}
	max_credit = (uint64_t)len * BITS_PER_BYTE;
	if (credited_bits > max_credit)
		credited_bits = (unsigned)max_credit;
	if (pool->credited[src] > UINT32_MAX - credited_bits)
		pool->credited[src] = UINT32_MAX;
	else
		pool->credited[src] += credited_bits;
	pool->contributed |= 1u << src;
	pool->contributed_bytes[src] += len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	log_debug("entropy: %s added %zu bytes, %u bits credited", source_names[src], len,
		  credited_bits);
	return KB_OK;
}

void entropy_credit(struct entropy_pool *pool, enum entropy_source src, unsigned bits)
{
	if ((unsigned)src >= ENTROPY_SRC_COUNT || !source_is_random(src) ||
	    !(pool->contributed & (1u << src)) || pool->finished)
		return;
	uint64_t total = (uint64_t)pool->credited[src] + bits;
	uint64_t cap = (uint64_t)pool->contributed_bytes[src] * BITS_PER_BYTE;
	pool->credited[src] = (uint32_t)(total < cap ? total : cap);
}

void entropy_peek(const struct entropy_pool *pool, const char *label,
		  uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx h = pool->mix;
	uint8_t tag = PEEK_TAG;
	sha256_update(&h, &tag, 1);
	sha256_update(&h, label, strlen(label) + 1);
	sha256_final(&h, out);
	secure_wipe(&h, sizeof(h));
}

unsigned entropy_strong_bits(const struct entropy_pool *pool)
{
	uint64_t sum = 0;
	unsigned s;

	for (s = 0; s < ENTROPY_SRC_COUNT; s++)
		if (source_is_random((enum entropy_source)s))
			sum += pool->credited[s];
	return sum > UINT32_MAX ? UINT32_MAX : (unsigned)sum;
}

bool entropy_is_strong(const struct entropy_pool *pool)
{
	return !pool->has_fixed && entropy_strong_bits(pool) >= ENTROPY_STRONG_BITS;
}

bool entropy_can_hand_over(const struct entropy_pool *pool)
{
	return !pool->has_fixed && entropy_strong_bits(pool) >= ENTROPY_HANDOFF_BITS;
}

bool entropy_is_fixed(const struct entropy_pool *pool) { return pool->has_fixed; }

bool entropy_has_source(const struct entropy_pool *pool, enum entropy_source src)
{
	return (unsigned)src < ENTROPY_SRC_COUNT && (pool->contributed & (1u << src));
}

/* Appends str at position len of buf, truncating, keeping the NUL; returns the new
 * untruncated length. */
static size_t append(char *buf, size_t size, size_t len, const char *str)
{
	size_t n = strlen(str);

	if (len + 1 < size) {
		size_t room = size - 1 - len;
		memcpy(buf + len, str, n < room ? n : room);
		buf[len + (n < room ? n : room)] = '\0';
	}
	return len + n;
}

size_t entropy_summary(const struct entropy_pool *pool, char *buf, size_t size)
{
	size_t len = 0;
	unsigned s;

	if (size)
		buf[0] = '\0';
	for (s = 0; s < ENTROPY_SRC_COUNT; s++) {
		if (!(pool->contributed & (1u << s)))
			continue;
		if (len)
			len = append(buf, size, len, ",");
		len = append(buf, size, len, source_names[s]);
	}
	if (!len)
		len = append(buf, size, 0, "none");
	return len;
}

int entropy_finish(struct entropy_pool *pool, struct drbg *out)
{
	uint8_t digest[SHA256_DIGEST_SIZE];

	if (pool->finished)
		return log_error_ret(KB_EINVAL, "entropy: pool finished twice");
	pool->finished = true;
	if (!pool->contributed) {
		secure_wipe(&pool->mix, sizeof(pool->mix));
		secure_wipe(&pool->fixed, sizeof(pool->fixed));
		return log_error_ret(
			KB_ENOENT, "entropy: no source contributed, the generator stays unseeded");
	}
	if (pool->has_fixed) {
		/* Reproducible layout: the fixed seed alone, the rest is dropped. */
		sha256_final(&pool->fixed, digest);
		secure_wipe(&pool->mix, sizeof(pool->mix));
		log_info("entropy: generator seeded from the fixed config seed only");
	} else {
		sha256_final(&pool->mix, digest);
		secure_wipe(&pool->fixed, sizeof(pool->fixed));
	}
	drbg_seed(out, digest);
	secure_wipe(digest, sizeof(digest));
	return KB_OK;
}
