/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI zboot header parsing (formats/zboot.c) and the whole zboot path: parse, peek the
 * Image header, validate it, inflate. The fixture follows zboot-header.S's layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "lib/err.h"
#include "lib/log.h"
#include "formats/gzip.h"
#include "formats/image.h"
#include "formats/kernel_format.h"
#include "formats/zboot.h"

#include "image_fixture.h"
#include "log_capture.h"

#define PAYLOAD_OFF  0x1000u     /* .gzdata follows the 4 KiB-aligned header and .text */
#define FILE_LEN     (1u << 20)  /* Makefile.zboot pads vmlinux.bin to image_size */
#define PE_OFF       0x40u
#define LINUX_PE_MAGIC 0x818223cdu
#define ZBOOT_GZIP_LEVEL 6       /* zlib's default: any valid stream will do here */

struct fixture {
	uint8_t *image;      /* the padded Image the payload inflates to */
	uint8_t *file;       /* the zboot file */
	size_t file_len;
	uint32_t payload_size;
	uint8_t *out;
	uint8_t arena_mem[GZIP_ARENA_SIZE];
	struct gzip_arena arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t gz_len;
	uint8_t *gz;

	assert_non_null(f);
	/* The payload: an Image whose file length equals image_size (BSS zero-padded). */
	f->image = calloc(1, FILE_LEN);
	assert_non_null(f->image);
	for (size_t i = 64; i < FILE_LEN / 2; i++)
		f->image[i] = (uint8_t)(i * 2654435761u >> 13);
	make_header(f->image, 0, FILE_LEN, FLAGS_4K_ANYWHERE);
	gz = host_gzip(f->image, FILE_LEN, ZBOOT_GZIP_LEVEL, NULL, &gz_len);

	/* The zboot file: header, a PE signature, then the payload. */
	f->payload_size = (uint32_t)gz_len;
	f->file_len = PAYLOAD_OFF + gz_len + 4096; /* .rodata/.data follow the payload */
	f->file = calloc(1, f->file_len);
	assert_non_null(f->file);
	memcpy(f->file, "MZ", 2);
	memcpy(f->file + 4, "zimg", 4);
	put_le32(f->file + 8, PAYLOAD_OFF);
	put_le32(f->file + 12, (uint32_t)gz_len);
	strcpy((char *)f->file + 24, "gzip");
	put_le32(f->file + 0x38, LINUX_PE_MAGIC);
	put_le32(f->file + 0x3c, PE_OFF);
	memcpy(f->file + PE_OFF, "PE\0\0", 4);
	put_le16(f->file + PE_OFF + 4, 0xaa64);
	memcpy(f->file + PAYLOAD_OFF, gz, gz_len);
	free(gz);

	f->out = malloc(FILE_LEN);
	assert_non_null(f->out);
	gzip_arena_init(&f->arena, f->arena_mem, sizeof(f->arena_mem));
	log_capture_start(LOG_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->image);
	free(f->file);
	free(f->out);
	free(f);
	return 0;
}

static void test_valid_and_inflates(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;
	struct image_info ii;
	uint8_t hdr[IMAGE_HEADER_SIZE];
	size_t out_len;

	assert_int_equal(kernel_format_detect(f->file, f->file_len), KERNEL_FMT_ZBOOT);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
	assert_int_equal(zi.comp, ZBOOT_COMP_GZIP);
	assert_string_equal(zi.comp_name, "gzip");
	assert_int_equal(zi.payload_offset, PAYLOAD_OFF);
	assert_int_equal(zi.payload_size, f->payload_size);
	assert_ptr_equal(zi.payload, f->file + PAYLOAD_OFF);

	/* The loader's path: peek, validate, inflate into a buffer of image_size. */
	assert_int_equal(gzip_peek(zi.payload, zi.payload_size, hdr, sizeof(hdr), &f->arena, "vmlinuz.efi"), 0);
	assert_int_equal(image_header_validate(hdr, gzip_isize(zi.payload, zi.payload_size), &ii,
					       "vmlinuz.efi"), 0);
	assert_int_equal(ii.image_size, FILE_LEN);
	assert_int_equal(gzip_inflate(zi.payload, zi.payload_size, f->out, ii.image_size, &out_len,
				      &f->arena, "vmlinuz.efi"), 0);
	assert_int_equal(out_len, FILE_LEN);
	assert_memory_equal(f->out, f->image, FILE_LEN);
	assert_int_equal(captured_errors, 0);
}

static void test_not_zboot(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;

	f->file[5] = 'X'; /* "zXmg" */
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	f->file[5] = 'i';
	f->file[0] = 'N';
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	f->file[0] = 'M';
	assert_int_equal(zboot_parse(f->file, ZBOOT_HEADER_SIZE - 1, &zi, "vmlinuz.efi"), KB_EINVAL);
	assert_int_equal(captured_errors, 3);
	assert_logged("vmlinuz.efi");
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
}

static void test_payload_out_of_bounds(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;

	/* One byte past the end. */
	put_le32(f->file + 12, (uint32_t)(f->file_len - PAYLOAD_OFF + 1));
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	/* Exactly to the end: fine. */
	put_le32(f->file + 12, (uint32_t)(f->file_len - PAYLOAD_OFF));
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
	/* offset + size wraps in 32 bits. */
	put_le32(f->file + 8, 0xffffff00u);
	put_le32(f->file + 12, 0x200u);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	/* Offset inside the header itself. */
	put_le32(f->file + 8, 0x20);
	put_le32(f->file + 12, 0x100);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	/* Empty payload. */
	put_le32(f->file + 8, PAYLOAD_OFF);
	put_le32(f->file + 12, 0);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	assert_int_equal(captured_errors, 4);
	assert_logged("payload");
}

static void test_comp_type_malformed(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;

	/* Unterminated: 32 non-NUL bytes up to LINUX_PE_MAGIC. */
	memset(f->file + 24, 'a', 32);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	/* Empty. */
	memset(f->file + 24, 0, 32);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	/* Not text. */
	memcpy(f->file + 24, "gz\x01p", 5);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EINVAL);
	assert_int_equal(captured_errors, 3);
}

static void test_unsupported_compression(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;
	static const char *const others[] = { "zstd22", "xzkern", "lz4", "lzma", "lzo", "bzip2" };

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		memset(f->file + 24, 0, 32);
		strcpy((char *)f->file + 24, others[i]);
		assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EUNSUPP);
		assert_last_logged(others[i]); /* the message names it */
		assert_null(zi.payload);
	}
	assert_int_equal(captured_errors, 6);
}

static void test_other_machine(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;

	put_le16(f->file + PE_OFF + 4, 0x5064); /* IMAGE_FILE_MACHINE_RISCV64 */
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), KB_EUNSUPP);
	assert_logged("5064");
	/* No PE signature where e_lfanew points: the machine is not checked. */
	memset(f->file + PE_OFF, 0, 6);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
	/* e_lfanew beyond the file: not checked, no out-of-bounds read (ASan). */
	put_le32(f->file + 0x3c, 0xfffffffeu);
	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
}

static void test_corrupt_payload(void **state)
{
	struct fixture *f = *state;
	struct zboot_info zi;
	size_t out_len;

	assert_int_equal(zboot_parse(f->file, f->file_len, &zi, "vmlinuz.efi"), 0);
	f->file[PAYLOAD_OFF + zi.payload_size / 2] ^= 0x40;
	assert_int_equal(gzip_inflate(zi.payload, zi.payload_size, f->out, FILE_LEN, &out_len,
				      &f->arena, "vmlinuz.efi"), KB_ECORRUPT);
	assert_int_equal(captured_errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_and_inflates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_zboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_out_of_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comp_type_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_compression, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_payload, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
