/* SPDX-License-Identifier: BSD-2-Clause */
/* gzip inflate into caller memory (formats/gzip.c), checked against the host's zlib: the
 * fixtures are fake Images compressed with the host's deflate (image_fixture.h), then
 * broken on purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "lib/err.h"
#include "lib/log.h"
#include "formats/gzip.h"
#include "formats/image.h"
#include "formats/image_pe.h"
#include "formats/kernel_format.h"

#include "image_fixture.h"
#include "log_capture.h"

#define IMAGE_LEN  (3u * 1024 * 1024 + 4321) /* a few MiB, not a round number */
#define BSS_LEN    (512u * 1024)
/* How the fixture is compressed: like `gzip -9`, which keeps the name (FNAME). */
#define FIXTURE_GZIP_LEVEL 9
#define FIXTURE_GZIP_NAME  "Image"

struct fixture {
	uint8_t *image;   /* the uncompressed fake Image */
	size_t image_len;
	uint8_t *gz;      /* its gzip file */
	size_t gz_len;
	uint8_t *out;     /* inflate target, image_size bytes + a canary */
	size_t out_cap;
	uint8_t arena_mem[GZIP_ARENA_SIZE];
	struct gzip_arena arena;
};

/* Kernel-like content: runs of repeated code-ish words and pseudo-random bytes, so
 * deflate uses literals, short matches and far (up to 32 KiB) back-references. */
static void fill_fake_image(uint8_t *p, size_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if ((i / 4096) % 3 == 0)
			p[i] = (uint8_t)x;                       /* incompressible */
		else if ((i / 4096) % 3 == 1)
			p[i] = p[i - 4096 + (x % 8)];            /* near copies */
		else
			p[i] = (uint8_t)("\x1f\x20\x03\xd5" "\xfd\x7b\xbf\xa9")[i % 8];
	}
	/* The arm64 header at the front. */
	make_header(p, 0, (uint64_t)n + BSS_LEN, FLAGS_4K_ANYWHERE);
}

#define CANARY 0xa5

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->image_len = IMAGE_LEN;
	f->image = malloc(f->image_len);
	assert_non_null(f->image);
	fill_fake_image(f->image, f->image_len);
	f->gz = host_gzip(f->image, f->image_len, FIXTURE_GZIP_LEVEL, FIXTURE_GZIP_NAME, &f->gz_len);
	f->out_cap = f->image_len + BSS_LEN;
	f->out = malloc(f->out_cap + 1);
	assert_non_null(f->out);
	memset(f->out, CANARY, f->out_cap + 1);
	gzip_arena_init(&f->arena, f->arena_mem, sizeof(f->arena_mem));
	log_capture_start(LOG_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->image);
	free(f->gz);
	free(f->out);
	free(f);
	return 0;
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 0;
	uint32_t trailer_crc = (uint32_t)f->gz[f->gz_len - 8] | (uint32_t)f->gz[f->gz_len - 7] << 8 |
			       (uint32_t)f->gz[f->gz_len - 6] << 16 | (uint32_t)f->gz[f->gz_len - 5] << 24;

	assert_true(f->gz_len < f->image_len); /* the fixture really compresses */
	assert_int_equal(kernel_format_detect(f->gz, f->gz_len), KERNEL_FMT_GZIP);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), 0);
	assert_int_equal(out_len, f->image_len);
	assert_memory_equal(f->out, f->image, f->image_len);
	/* The bytes past the inflated file are untouched (no writes beyond out_len). */
	assert_int_equal(f->out[f->image_len], CANARY);
	assert_int_equal(f->out[f->out_cap], CANARY);
	/* zlib checked the trailer; confirm it is the CRC of what we got. */
	assert_int_equal(crc32(0, f->out, (uInt)out_len), trailer_crc);
	assert_int_equal(captured_errors, 0);
	/* One Z_FINISH call over everything: no 32 KiB window was allocated. */
	assert_true(f->arena.peak > 0);
	assert_true(f->arena.peak < 16u * 1024);
}

static void test_exact_capacity(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 0;

	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->image_len, &out_len, &f->arena,
				      "vmlinuz"), 0);
	assert_int_equal(out_len, f->image_len);
	assert_memory_equal(f->out, f->image, f->image_len);
	assert_int_equal(f->out[f->image_len], CANARY);
}

static void test_capacity_too_small(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 1;

	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->image_len - 1, &out_len, &f->arena,
				      "vmlinuz"), KB_ENOSPC);
	assert_int_equal(out_len, 0);
	/* Nothing was written past the capacity given. */
	assert_int_equal(f->out[f->image_len - 1], CANARY);
	assert_int_equal(captured_errors, 1);
	assert_logged("vmlinuz");

	log_capture_start(LOG_DEBUG);
	memset(f->out, CANARY, f->out_cap + 1);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, 4096, &out_len, &f->arena, "vmlinuz"),
			 KB_ENOSPC);
	assert_int_equal(f->out[4096], CANARY);
	assert_int_equal(captured_errors, 1);
}

static void test_truncated(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 1;

	char want[128];

	/* Cut in the middle of the deflate data: the line says where the input ran out. */
	assert_int_equal(gzip_inflate(f->gz, f->gz_len / 2, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	assert_int_equal(out_len, 0);
	snprintf(want, sizeof(want), "vmlinuz: gzip stream ends early at compressed byte %zu,",
		 f->gz_len / 2);
	assert_logged(want);
	/* Only the trailer's ISIZE missing. */
	log_capture_start(LOG_DEBUG);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len - 4, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	snprintf(want, sizeof(want), "vmlinuz: gzip stream ends early at compressed byte %zu, after %zu bytes inflated",
		 f->gz_len - 4, f->image_len);
	assert_logged(want);
	/* The same with an exactly sized output: truncated, not "too small". */
	log_capture_start(LOG_DEBUG);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len - 4, f->out, f->image_len, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	assert_int_equal(captured_errors, 1);
	/* Nothing but a header. */
	assert_int_equal(gzip_inflate(f->gz, 10, f->out, f->out_cap, &out_len, &f->arena, "vmlinuz"),
			 KB_EINVAL);
}

static void test_flipped_byte(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 1;

	f->gz[f->gz_len / 2] ^= 0x10;
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	assert_int_equal(out_len, 0);
	assert_int_equal(captured_errors, 1);
	assert_logged("corrupt");
}

static void test_wrong_crc_and_isize(void **state)
{
	struct fixture *f = *state;
	size_t out_len = 1;

	f->gz[f->gz_len - 8] ^= 0x01; /* CRC32 */
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	assert_logged("incorrect data check");
	/* The data itself inflated fine: only the check caught it. */
	assert_memory_equal(f->out, f->image, f->image_len);
	f->gz[f->gz_len - 8] ^= 0x01;

	log_capture_start(LOG_DEBUG);
	f->gz[f->gz_len - 4] ^= 0x01; /* ISIZE */
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_ECORRUPT);
	assert_logged("incorrect length check");
}

static void test_peek_header(void **state)
{
	struct fixture *f = *state;
	uint8_t hdr[IMAGE_HEADER_SIZE + 1];
	struct image_info info;

	memset(hdr, CANARY, sizeof(hdr));
	assert_int_equal(gzip_peek(f->gz, f->gz_len, hdr, IMAGE_HEADER_SIZE, &f->arena, "vmlinuz"), 0);
	assert_memory_equal(hdr, f->image, IMAGE_HEADER_SIZE);
	assert_int_equal(hdr[IMAGE_HEADER_SIZE], CANARY);
	assert_int_equal(image_header_validate(hdr, f->image_len, &info, "vmlinuz"), 0);
	assert_int_equal(info.image_size, f->image_len + BSS_LEN);
	/* Peeking needs the window; it still fits the documented arena size. */
	assert_true(f->arena.peak > 32u * 1024);
	assert_true(f->arena.peak <= GZIP_ARENA_SIZE);

	/* A longer peek, across deflate blocks, matches too. */
	assert_int_equal(gzip_peek(f->gz, f->gz_len, f->out, 1u << 20, &f->arena, "vmlinuz"), 0);
	assert_memory_equal(f->out, f->image, 1u << 20);
	assert_int_equal(f->out[1u << 20], CANARY);
	/* A peek needs no trailer. */
	assert_int_equal(gzip_peek(f->gz, f->gz_len / 2, hdr, IMAGE_HEADER_SIZE, &f->arena, "vmlinuz"), 0);
	assert_int_equal(captured_errors, 0);
}

static void test_peek_short_stream(void **state)
{
	struct fixture *f = *state;
	static const uint8_t tiny[10] = "0123456789";
	size_t tiny_gz_len;
	uint8_t *tiny_gz = host_gzip(tiny, sizeof(tiny), FIXTURE_GZIP_LEVEL, FIXTURE_GZIP_NAME,
				     &tiny_gz_len);
	uint8_t hdr[IMAGE_HEADER_SIZE];

	assert_int_equal(gzip_peek(tiny_gz, tiny_gz_len, hdr, sizeof(hdr), &f->arena, "vmlinuz"),
			 KB_ECORRUPT);
	assert_int_equal(captured_errors, 1);
	/* Truncated before 64 bytes came out. */
	assert_int_equal(gzip_peek(f->gz, 12, hdr, sizeof(hdr), &f->arena, "vmlinuz"), KB_EINVAL);
	assert_int_equal(gzip_peek(f->gz, 24, hdr, sizeof(hdr), &f->arena, "vmlinuz"), KB_ECORRUPT);
	assert_last_logged("vmlinuz: gzip stream ends early at compressed byte 24,");
	free(tiny_gz);
}

static void test_arena_too_small(void **state)
{
	struct fixture *f = *state;
	struct gzip_arena small;
	uint8_t mem[1024];
	uint8_t hdr[IMAGE_HEADER_SIZE];
	size_t out_len;

	gzip_arena_init(&small, mem, sizeof(mem));
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &small,
				      "vmlinuz"), KB_ENOMEM);
	assert_int_equal(gzip_peek(f->gz, f->gz_len, hdr, sizeof(hdr), &small, "vmlinuz"), KB_ENOMEM);
	assert_int_equal(captured_errors, 2);
	assert_logged("arena");

	/* Room for the inflate state but not the window: a full inflate still works (no
	 * window with one Z_FINISH call), a peek fails cleanly. */
	gzip_arena_init(&small, f->arena_mem, 16u * 1024);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &small,
				      "vmlinuz"), 0);
	assert_memory_equal(f->out, f->image, f->image_len);
	assert_int_equal(gzip_peek(f->gz, f->gz_len, hdr, sizeof(hdr), &small, "vmlinuz"), KB_ENOMEM);

	/* No arena at all. */
	gzip_arena_init(&small, NULL, 0);
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &small,
				      "vmlinuz"), KB_ENOMEM);
}

static void test_not_gzip(void **state)
{
	struct fixture *f = *state;
	size_t out_len;

	assert_int_equal(gzip_inflate(f->image, f->image_len, f->out, f->out_cap, &out_len, &f->arena,
				      "Image"), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_logged("Image");
	f->gz[2] = 7; /* CM other than deflate */
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "Image"), KB_EINVAL);
	f->gz[2] = 8;
	f->gz[3] |= 0xe0; /* reserved FLG bits: zlib rejects the header */
	assert_int_equal(gzip_inflate(f->gz, f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "Image"), KB_ECORRUPT);
}

static void test_trailing_data(void **state)
{
	struct fixture *f = *state;
	size_t out_len;
	uint8_t *buf = malloc(2 * f->gz_len);

	assert_non_null(buf);
	/* Zero padding: accepted silently. */
	memcpy(buf, f->gz, f->gz_len);
	memset(buf + f->gz_len, 0, 512);
	assert_int_equal(gzip_inflate(buf, f->gz_len + 512, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), 0);
	assert_int_equal(out_len, f->image_len);
	assert_int_equal(captured_warnings, 0);
	/* Other trailing bytes (an appended DTB, a signature): accepted with a warning. */
	memcpy(buf + f->gz_len, "\xd0\x0d\xfe\xed", 4);
	assert_int_equal(gzip_inflate(buf, f->gz_len + 512, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), 0);
	assert_memory_equal(f->out, f->image, f->image_len);
	assert_int_equal(captured_warnings, 1);
	/* A second member: refused. */
	memcpy(buf + f->gz_len, f->gz, f->gz_len);
	assert_int_equal(gzip_inflate(buf, 2 * f->gz_len, f->out, f->out_cap, &out_len, &f->arena,
				      "vmlinuz"), KB_EUNSUPP);
	assert_logged("multi-member");
	free(buf);
}

static void test_isize(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(gzip_isize(f->gz, f->gz_len), f->image_len);
	assert_int_equal(gzip_isize(f->gz, GZIP_MIN_LEN - 1), 0);
	/* Read from the last 4 bytes, at any alignment. */
	uint8_t t[GZIP_MIN_LEN + 1] = { 0 };
	put_le32(t + sizeof(t) - 4, 0x89abcdefu);
	assert_int_equal(gzip_isize(t, sizeof(t)), 0x89abcdefu);
	assert_int_equal(gzip_isize(t + 1, sizeof(t) - 1), 0x89abcdefu);
}

/* What a loader does with a gzip kernel (efi/kernel_load.c's load_compressed): measure the
 * stream and keep its head (gzip_scan), check the Image header against the true length,
 * inflate into memory of image_size bytes, check the PE length. ISIZE plays no part. */
static int load_like_the_loader(struct fixture *f, const uint8_t *gz, size_t gz_len,
				size_t *produced)
{
	static uint8_t hdr[IMAGE_PE_PROBE_LEN];
	struct gzip_scan_result scan;
	struct image_info info;
	int rc;

	*produced = 0;
	rc = gzip_scan(gz, gz_len, hdr, sizeof(hdr), IMAGE_SIZE_MAX, &scan, &f->arena, "vmlinuz");
	if (rc)
		return rc;
	rc = image_header_validate(hdr, scan.size, &info, "vmlinuz");
	if (rc)
		return rc;
	assert_true(info.image_size <= f->out_cap);
	rc = gzip_inflate(gz, gz_len, f->out, info.image_size, produced, &f->arena, "vmlinuz");
	if (rc)
		return rc;
	assert_int_equal(*produced, scan.size);
	return image_pe_check_length(hdr, scan.head_len, *produced, "vmlinuz");
}

/* Issue 13: a cut gzip kernel. Its last 4 bytes are deflate data, not ISIZE; the loader
 * used to take them as the length and refuse the file with a made-up size. The line now
 * says where the stream really ends. */
static void test_truncated_kernel_says_where_it_ends(void **state)
{
	struct fixture *f = *state;
	size_t cuts[] = { f->gz_len / 3, f->gz_len / 2, f->gz_len - 9, f->gz_len - 1 };
	size_t produced;
	char want[128];

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		log_capture_start(LOG_DEBUG);
		assert_int_equal(load_like_the_loader(f, f->gz, cuts[i], &produced), KB_ECORRUPT);
		snprintf(want, sizeof(want), "vmlinuz: gzip stream ends early at compressed byte %zu,",
			 cuts[i]);
		assert_last_logged(want);
		assert_int_equal(captured_errors, 1);
		assert_null(strstr(captured_log, "image_size"));
	}
}

/* Issue 13: a complete gzip kernel followed by zero padding (a partition or a file padded
 * to a block size). ISIZE then reads 0; the loader refused the file as shorter than the
 * Image header. It boots, without a warning. */
static void test_zero_padded_kernel_loads(void **state)
{
	struct fixture *f = *state;
	size_t pads[] = { 1, 4, 511, 4096 };
	uint8_t *buf = malloc(f->gz_len + 4096);
	size_t produced;

	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		log_capture_start(LOG_DEBUG);
		memcpy(buf, f->gz, f->gz_len);
		memset(buf + f->gz_len, 0, pads[i]);
		assert_int_equal(load_like_the_loader(f, buf, f->gz_len + pads[i], &produced), 0);
		assert_int_equal(produced, f->image_len);
		assert_memory_equal(f->out, f->image, f->image_len);
		assert_int_equal(captured_errors, 0);
		assert_int_equal(captured_warnings, 0);
		assert_logged("bytes of zero padding after the gzip stream");
	}
	free(buf);
}

static void test_scan(void **state)
{
	struct fixture *f = *state;
	uint8_t hdr[IMAGE_HEADER_SIZE + 1];
	struct gzip_scan_result scan;

	memset(hdr, CANARY, sizeof(hdr));
	assert_int_equal(gzip_scan(f->gz, f->gz_len, hdr, IMAGE_HEADER_SIZE, IMAGE_SIZE_MAX, &scan,
				   &f->arena, "vmlinuz"), 0);
	assert_int_equal(scan.size, f->image_len);
	assert_int_equal(scan.head_len, IMAGE_HEADER_SIZE);
	assert_int_equal(scan.member_len, f->gz_len);
	assert_memory_equal(hdr, f->image, IMAGE_HEADER_SIZE);
	assert_int_equal(hdr[IMAGE_HEADER_SIZE], CANARY);
	assert_int_equal(captured_errors + captured_warnings, 0);
	/* The window is needed (the output is thrown away); the documented arena suffices. */
	assert_true(f->arena.peak <= GZIP_ARENA_SIZE);

	/* No head at all: a measurement only. */
	assert_int_equal(gzip_scan(f->gz, f->gz_len, NULL, 0, IMAGE_SIZE_MAX, &scan, &f->arena,
				   "vmlinuz"), 0);
	assert_int_equal(scan.size, f->image_len);
	assert_int_equal(scan.head_len, 0);

	/* A head larger than the stream: head_len is the stream's length. */
	memset(f->out, CANARY, f->out_cap + 1);
	assert_int_equal(gzip_scan(f->gz, f->gz_len, f->out, f->out_cap, IMAGE_SIZE_MAX, &scan,
				   &f->arena, "vmlinuz"), 0);
	assert_int_equal(scan.head_len, f->image_len);
	assert_memory_equal(f->out, f->image, f->image_len);
	assert_int_equal(f->out[f->image_len], CANARY);

	/* The limit: exactly the length passes, one byte less stops the inflate. */
	assert_int_equal(gzip_scan(f->gz, f->gz_len, hdr, IMAGE_HEADER_SIZE, f->image_len, &scan,
				   &f->arena, "vmlinuz"), 0);
	log_capture_start(LOG_DEBUG);
	assert_int_equal(gzip_scan(f->gz, f->gz_len, hdr, IMAGE_HEADER_SIZE, f->image_len - 1,
				   &scan, &f->arena, "vmlinuz"), KB_ERANGE);
	assert_int_equal(scan.size, 0);
	assert_int_equal(captured_errors, 1);
	assert_logged("vmlinuz: gzip stream inflates to");

	/* Corruption, a bad CRC and a second member: the same answers as gzip_inflate. */
	log_capture_start(LOG_DEBUG);
	f->gz[f->gz_len - 8] ^= 0x01;
	assert_int_equal(gzip_scan(f->gz, f->gz_len, hdr, IMAGE_HEADER_SIZE, IMAGE_SIZE_MAX, &scan,
				   &f->arena, "vmlinuz"), KB_ECORRUPT);
	assert_logged("incorrect data check");
	f->gz[f->gz_len - 8] ^= 0x01;
	uint8_t *two = malloc(2 * f->gz_len);
	assert_non_null(two);
	memcpy(two, f->gz, f->gz_len);
	memcpy(two + f->gz_len, f->gz, f->gz_len);
	assert_int_equal(gzip_scan(two, 2 * f->gz_len, hdr, IMAGE_HEADER_SIZE, IMAGE_SIZE_MAX,
				   &scan, &f->arena, "vmlinuz"), KB_EUNSUPP);
	assert_logged("multi-member");
	free(two);
	assert_int_equal(gzip_scan(f->image, f->image_len, hdr, IMAGE_HEADER_SIZE, IMAGE_SIZE_MAX,
				   &scan, &f->arena, "Image"), KB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capacity_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_crc_and_isize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peek_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peek_short_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arena_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_kernel_says_where_it_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_padded_kernel_loads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
