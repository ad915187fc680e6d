/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/kaslr_claim.c: a refused claim is drawn again elsewhere, never on a refused
 * range, a bounded number of times; then one error line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/kaslr_claim.h"
#include "log_capture.h"
#include "assert_kb.h"

#define MB (1ULL << 20)

/* Four 64 MiB conventional regions: 128 2 MiB slots for a 2 MiB request. */
static struct memmap_entry entries[] = {
	{ 0x40000000, 64 * MB / 4096, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB },
	{ 0x50000000, 64 * MB / 4096, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB },
	{ 0x60000000, 64 * MB / 4096, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB },
	{ 0x70000000, 64 * MB / 4096, MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB },
};
static const struct memmap map = { entries, sizeof(entries) / sizeof(entries[0]) };

struct fake_fw {
	unsigned refuse;          /* refuse this many claims, then accept */
	unsigned calls;
	uint64_t start[16], size[16];
};

static int fake_claim(uint64_t start, uint64_t size, void *ctx)
{
	struct fake_fw *fw = ctx;
	fw->start[fw->calls] = start;
	fw->size[fw->calls] = size;
	return fw->calls++ < fw->refuse ? KB_ENOMEM : 0;
}

static void seeded(struct drbg *rng)
{
	uint8_t seed[DRBG_SEED_SIZE];
	memset(seed, 0x5a, sizeof(seed));
	drbg_seed(rng, seed);
}

static const struct kaslr_request req = {
	.align = 2 * MB, .offset = 0x10000, .size = 2 * MB - 0x10000, .max_addr = 0,
};

static void test_first_claim_accepted(void **state)
{
	struct fake_fw fw = { .refuse = 0 };
	struct drbg rng;
	uint64_t base = 0, nslots = 0;
	seeded(&rng);
	assert_kb_ok(kaslr_claim(&map, &req, true, &rng, 4, fake_claim, &fw, "k", &base, &nslots));
	assert_int_equal(fw.calls, 1);
	assert_int_equal(nslots, 128);
	assert_int_equal(base % (2 * MB), 0);
	assert_int_equal(fw.start[0], base + req.offset);   /* the claim covers offset..size */
	assert_int_equal(fw.size[0], req.size);
	(void)state;
}

static void test_refused_slots_are_not_drawn_again(void **state)
{
	for (unsigned seed = 0; seed < 50; seed++) {
		struct fake_fw fw = { .refuse = 3 };
		struct drbg rng;
		uint8_t s[DRBG_SEED_SIZE] = { (uint8_t)seed };
		uint64_t base = 0, nslots = 0;
		drbg_seed(&rng, s);
		log_capture_start(LOG_WARN);
		assert_int_equal(kaslr_claim(&map, &req, true, &rng, 4, fake_claim, &fw, "k", &base,
					     &nslots), 0);
		assert_int_equal(fw.calls, 4);
		assert_int_equal(captured_warnings, 3);
		assert_int_equal(nslots, 128);                /* the first draw's count */
		assert_int_equal(fw.start[3], base + req.offset);
		for (unsigned i = 0; i < 3; i++)
			for (unsigned j = i + 1; j < 4; j++)
				assert_true(fw.start[i] != fw.start[j]);
		log_capture_stop();
	}
	(void)state;
}

static void test_every_attempt_refused_is_one_error(void **state)
{
	struct fake_fw fw = { .refuse = 100 };
	struct drbg rng;
	uint64_t base = 0, nslots = 0;
	seeded(&rng);
	log_capture_start(LOG_WARN);
	assert_int_equal(kaslr_claim(&map, &req, true, &rng, 4, fake_claim, &fw, "/Image", &base,
				     &nslots), KB_ENOMEM);
	assert_int_equal(fw.calls, 4);
	assert_int_equal(captured_errors, 1);
	assert_last_logged("/Image: the firmware refused 4 slots in a row");
	log_capture_stop();
	(void)state;
}

static void test_lowest_slot_moves_up_when_refused(void **state)
{
	struct fake_fw fw = { .refuse = 1 };
	uint64_t base = 0;
	log_capture_start(LOG_ERROR);
	assert_kb_ok(kaslr_claim(&map, &req, false, NULL, 2, fake_claim, &fw, "k", &base, NULL));
	assert_int_equal(fw.start[0], 0x40000000 + req.offset);
	assert_int_equal(base, 0x40200000);                 /* the next slot up */
	log_capture_stop();
	(void)state;
}

static void test_no_slot_and_bad_arguments(void **state)
{
	struct fake_fw fw = { 0 };
	struct drbg rng;
	uint64_t base;
	struct kaslr_request big = req;
	struct kaslr_range r = { 0, 1 };
	struct kaslr_request with_avoid = req;
	seeded(&rng);
	big.size = 128 * MB;
	log_capture_start(LOG_ERROR);
	assert_int_equal(kaslr_claim(&map, &big, true, &rng, 4, fake_claim, &fw, "k", &base, NULL),
			 KB_ENOSPC);
	assert_int_equal(fw.calls, 0);
	assert_int_equal(kaslr_claim(&map, &req, true, &rng, 0, fake_claim, &fw, "k", &base, NULL),
			 KB_EINVAL);
	assert_int_equal(kaslr_claim(&map, &req, true, &rng, KASLR_MAX_AVOID + 1, fake_claim, &fw,
				     "k", &base, NULL), KB_EINVAL);
	with_avoid.avoid = &r;
	with_avoid.n_avoid = 1;
	assert_int_equal(kaslr_claim(&map, &with_avoid, true, &rng, 2, fake_claim, &fw, "k", &base,
				     NULL), KB_EINVAL);
	log_capture_stop();
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_claim_accepted),
		cmocka_unit_test(test_refused_slots_are_not_drawn_again),
		cmocka_unit_test(test_every_attempt_refused_is_one_error),
		cmocka_unit_test(test_lowest_slot_moves_up_when_refused),
		cmocka_unit_test(test_no_slot_and_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
