/* SPDX-License-Identifier: BSD-2-Clause */
/* dt_validate() against hostile blobs: every header field, block layout and structure
 * error is rejected with one error line, and random corruption never crashes (the blob
 * sits right before an unreadable page, so even an over-read inside libfdt faults). */
#include "dt_testutil.h"

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/platform.h"
#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "lib/err.h"

static void *virt_blob(size_t *size)
{
	return dt_compile_fixture("dt_qemu_virt.dts", size);
}

/* Validates a mutated copy in a guarded buffer; checks "rejected with exactly one error
 * line" when the result is an error. */
static int validate_guarded(const void *blob, size_t size, size_t max)
{
	struct dt_guarded g;
	int err;

	dt_guard(&g, blob, size);
	log_capture_start(LOG_DEBUG);
	err = dt_validate(g.blob, max ? max : g.max, "test DT");
	if (err)
		assert_int_equal(captured_errors, 1);
	else
		assert_int_equal(captured_errors, 0);
	dt_unguard(&g);
	return err;
}

static void test_valid_fixture_passes(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	assert_int_equal(validate_guarded(blob, size, 0), KB_OK);
	/* Exactly totalsize readable is enough. */
	assert_int_equal(validate_guarded(blob, size, size), KB_OK);
	free(blob);
}

static void test_null_and_tiny(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	log_capture_start(LOG_DEBUG);
	assert_int_equal(dt_validate(NULL, 4096, "x"), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	/* Fewer bytes than a header: nothing may be read beyond them. */
	assert_int_equal(validate_guarded(blob, 16, 16), KB_ECORRUPT);
	assert_last_logged("smaller than a DT header");
	free(blob);
}

static void test_bad_magic(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	fdt_set_magic(blob, 0xd00dfeef);
	assert_int_equal(validate_guarded(blob, size, 0), KB_EINVAL);
	assert_last_logged("magic");
	free(blob);
}

static void test_old_version(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	fdt_set_version(blob, 16);
	assert_int_equal(validate_guarded(blob, size, 0), KB_EUNSUPP);
	free(blob);
}

static void test_truncated_blob(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	/* Only the first size - 64 bytes are present: totalsize claims more. */
	assert_int_equal(validate_guarded(blob, size - 64, size - 64), KB_ERANGE);
	assert_last_logged("totalsize");
	free(blob);
}

static void test_totalsize_over_max(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	assert_int_equal(validate_guarded(blob, size, size - 8), KB_ERANGE);
	fdt_set_totalsize(blob, 0x7fffff00u);
	assert_int_equal(validate_guarded(blob, size, 0), KB_ERANGE);
	free(blob);
}

static void test_struct_block_out_of_bounds(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	fdt_set_off_dt_struct(blob, fdt_totalsize(blob) - 4);
	assert_int_not_equal(validate_guarded(blob, size, 0), KB_OK);
	free(blob);

	blob = virt_blob(&size);
	fdt_set_size_dt_strings(blob, fdt_totalsize(blob));
	assert_int_not_equal(validate_guarded(blob, size, 0), KB_OK);
	free(blob);
}

/* A copy of the blob with `pad` zero bytes inserted at offset `at`, every block offset
 * behind it moved along. */
static void *insert_gap(const void *blob, size_t size, size_t at, size_t pad, size_t *new_size)
{
	uint8_t *out = aligned_alloc(8, (size + pad + 7) & ~(size_t)7);

	assert_non_null(out);
	memcpy(out, blob, at);
	memset(out + at, 0, pad);
	memcpy(out + at + pad, (const uint8_t *)blob + at, size - at);
	if (fdt_off_mem_rsvmap(out) >= at)
		fdt_set_off_mem_rsvmap(out, fdt_off_mem_rsvmap(out) + pad);
	if (fdt_off_dt_struct(out) >= at)
		fdt_set_off_dt_struct(out, fdt_off_dt_struct(out) + pad);
	if (fdt_off_dt_strings(out) >= at)
		fdt_set_off_dt_strings(out, fdt_off_dt_strings(out) + pad);
	fdt_set_totalsize(out, (uint32_t)(size + pad));
	*new_size = size + pad;
	return out;
}

/* Issue 13: libfdt 1.6.1's own checks accept a memory reservation block that is not 8-byte
 * aligned (and a structure block that is not 4-byte aligned), then read them with
 * misaligned loads. The fixture has two /memreserve/ entries, so the list is walked. */
static void test_misaligned_blocks_rejected(void **state)
{
	size_t size, bad_size;
	void *blob = virt_blob(&size);
	void *bad;

	assert_int_equal(fdt_num_mem_rsv(blob), 2);
	/* 4 bytes after the header: the reservation block moves to 0x2c. */
	bad = insert_gap(blob, size, fdt_off_mem_rsvmap(blob), 4, &bad_size);
	assert_int_equal(fdt_off_mem_rsvmap(bad), 0x2c);
	assert_int_equal(fdt_check_header(bad), 0); /* libfdt alone takes it */
	assert_int_equal(validate_guarded(bad, bad_size, 0), KB_EINVAL);
	assert_last_logged("error: test DT: memory reservation block at offset 0x2c is not 8-byte aligned (DTSpec 5.6)");
	free(bad);

	/* 2 bytes before the structure block. */
	bad = insert_gap(blob, size, fdt_off_dt_struct(blob), 2, &bad_size);
	assert_int_equal(fdt_check_header(bad), 0);
	assert_int_equal(validate_guarded(bad, bad_size, 0), KB_EINVAL);
	assert_last_logged("structure block at offset");
	assert_last_logged("is not 4-byte aligned (DTSpec 5.6)");
	free(bad);

	/* 8 bytes keep both aligned: accepted. */
	bad = insert_gap(blob, size, fdt_off_mem_rsvmap(blob), 8, &bad_size);
	assert_int_equal(validate_guarded(bad, bad_size, 0), KB_OK);
	free(bad);
	free(blob);
}

static void test_overlapping_blocks(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);

	/* Inside the blob, so the header check alone accepts it; the strings block now
	 * starts inside the structure block. */
	fdt_set_off_dt_strings(blob, fdt_off_dt_struct(blob) + 8);
	fdt_set_size_dt_strings(blob, 16);
	assert_int_equal(validate_guarded(blob, size, 0), KB_ECORRUPT);
	assert_last_logged("overlaps");
	free(blob);

	/* The reservation list running into the structure block. */
	blob = virt_blob(&size);
	fdt_set_off_dt_struct(blob, fdt_off_mem_rsvmap(blob) + 16);
	fdt_set_size_dt_struct(blob, 64);
	assert_int_not_equal(validate_guarded(blob, size, 0), KB_OK);
	free(blob);
}

/* Offset of the first FDT_PROP tag in the structure block. */
static int first_prop_tag(const void *blob)
{
	int off = fdt_first_property_offset(blob, 0);

	assert_true(off >= 0);
	return off;
}

static void test_corrupt_tag(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);
	uint32_t *tag = (uint32_t *)((char *)blob + fdt_off_dt_struct(blob) + first_prop_tag(blob));

	*tag = cpu_to_fdt32(0x0badf00d);
	assert_int_equal(validate_guarded(blob, size, 0), KB_ECORRUPT);
	assert_last_logged("malformed structure");
	free(blob);
}

static void test_property_name_outside_strings(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);
	struct fdt_property *p =
		(struct fdt_property *)((char *)blob + fdt_off_dt_struct(blob) + first_prop_tag(blob));

	p->nameoff = cpu_to_fdt32(fdt_size_dt_strings(blob) + 100);
	assert_int_not_equal(validate_guarded(blob, size, 0), KB_OK);
	free(blob);

	/* A property length running past the structure block. */
	blob = virt_blob(&size);
	p = (struct fdt_property *)((char *)blob + fdt_off_dt_struct(blob) + first_prop_tag(blob));
	p->len = cpu_to_fdt32(0x7ffffff0);
	assert_int_not_equal(validate_guarded(blob, size, 0), KB_OK);
	free(blob);
}

/* Two root nodes one after the other. */
static void test_second_root_rejected(void **state)
{
	static uint64_t buf[512];
	void *fdt = buf;

	assert_int_equal(fdt_create(fdt, sizeof(buf)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(validate_guarded(fdt, fdt_totalsize(fdt), 0), KB_ECORRUPT);
}

/* A structure block that starts with FDT_NOP, not the root node: balanced and within
 * bounds, so fdt_check_full() accepts it, but libfdt's "/" is offset 0 and would point
 * at the NOP. Built by moving the strings block up 4 bytes and inserting the NOP. */
static void test_root_not_first_rejected(void **state)
{
	size_t size;
	void *blob = virt_blob(&size);
	size_t big_size = (size + 8 + 7) & ~(size_t)7;
	char *big = aligned_alloc(8, big_size);
	uint32_t st = fdt_off_dt_struct(blob), str = fdt_off_dt_strings(blob);
	uint32_t nop = cpu_to_fdt32(FDT_NOP);

	assert_non_null(big);
	assert_true(str == st + fdt_size_dt_struct(blob)); /* dtc's layout */
	memset(big, 0, big_size);
	memcpy(big, blob, st);
	memcpy(big + st, &nop, 4);
	memcpy(big + st + 4, (char *)blob + st, size - st);
	fdt_set_totalsize(big, (uint32_t)size + 4);
	fdt_set_size_dt_struct(big, fdt_size_dt_struct(blob) + 4);
	fdt_set_off_dt_strings(big, str + 4);
	assert_int_equal(fdt_check_full(big, big_size), 0);
	assert_int_equal(validate_guarded(big, size + 4, 0), KB_ECORRUPT);
	assert_last_logged("does not start with the root node");
	free(big);
	free(blob);
}

/* Runs every reader and writer on a blob that validated: none may crash or over-read. */
static void exercise_accepted(void *blob, size_t max)
{
	static uint64_t work[16384]; /* 128 KiB */
	struct dt_seeds seeds;
	struct dt_uart uart;
	enum dt_psci_conduit conduit;
	size_t out;

	assert_int_equal(dt_read_seeds(blob, &seeds), KB_OK);
	assert_true(seeds.rng_seed_len <= DT_RNG_SEED_MAX);
	(void)dt_find_uart(blob, &uart);
	(void)dt_psci_conduit(blob, &conduit);
	if (dt_open(blob, max, "fuzz DT", work, sizeof(work)) == KB_OK) {
		(void)dt_delete_memreserve(work);
		(void)dt_set_bootargs(work, "console=ttyAMA0");
		(void)dt_set_kaslr_seed(work, 0x1122334455667788ull);
		(void)dt_set_efi_handoff(work, 0x1000, DT_SECURE_BOOT_DISABLED);
		(void)dt_update_efi_mmap(work, 0x2000, 0x3000, 48, 1);
		if (dt_finish(work, &out) == KB_OK)
			assert_int_equal(dt_validate(work, out, "packed fuzz DT"), KB_OK);
	}
	(void)dt_wipe_seeds(blob);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random byte flips anywhere, and random values in header fields: each blob either
 * validates (and then survives every reader and writer) or is rejected with exactly one
 * error line. Both outcomes must occur, or the loop is not testing anything. */
static void test_random_corruption_never_crashes(void **state)
{
	enum { ITERATIONS = 3000, HEADER_WORDS = 10 };
	size_t size;
	void *blob = virt_blob(&size);
	struct dt_guarded g;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	int accepted = 0, rejected = 0;

	dt_guard(&g, blob, size);
	for (int i = 0; i < ITERATIONS; i++) {
		memcpy(g.blob, blob, size);
		if (i % 4 == 0) {
			uint32_t *hdr = g.blob;

			hdr[xorshift(&rng) % HEADER_WORDS] = (uint32_t)xorshift(&rng);
		} else {
			int flips = 1 + (int)(xorshift(&rng) % 4);

			while (flips--)
				((uint8_t *)g.blob)[xorshift(&rng) % size] ^=
					(uint8_t)(1 + xorshift(&rng) % 255);
		}
		log_capture_start(LOG_DEBUG);
		if (dt_validate(g.blob, g.max, "fuzz DT") == KB_OK) {
			assert_int_equal(captured_errors, 0);
			accepted++;
			exercise_accepted(g.blob, g.max);
		} else {
			assert_int_equal(captured_errors, 1);
			rejected++;
		}
	}
	print_message("fuzz: %d accepted, %d rejected\n", accepted, rejected);
	assert_true(accepted > 0);
	assert_true(rejected > 0);
	dt_unguard(&g);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_fixture_passes),
		cmocka_unit_test(test_null_and_tiny),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_old_version),
		cmocka_unit_test(test_truncated_blob),
		cmocka_unit_test(test_totalsize_over_max),
		cmocka_unit_test(test_struct_block_out_of_bounds),
		cmocka_unit_test(test_overlapping_blocks),
		cmocka_unit_test(test_misaligned_blocks_rejected),
		cmocka_unit_test(test_corrupt_tag),
		cmocka_unit_test(test_property_name_outside_strings),
		cmocka_unit_test(test_second_root_rejected),
		cmocka_unit_test(test_root_not_first_rejected),
		cmocka_unit_test(test_random_corruption_never_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
