/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI zboot images: a small PE (the kernel's own decompressor) whose DOS header is
 * extended to name its compressed payload, a complete arm64 Image padded to image_size.
 * Layout from the kernel's drivers/firmware/efi/libstub/zboot-header.S; sizes from
 * Makefile.zboot. kaslboot reads the header and inflates the payload itself. */
#ifndef KASLBOOT_FORMATS_ZBOOT_H
#define KASLBOOT_FORMATS_ZBOOT_H

#include <stddef.h>
#include <stdint.h>

#define ZBOOT_OFF_MZ            0u    /* .long MZ_MAGIC: "MZ" then two zero bytes */
#define ZBOOT_MZ_MAGIC          "MZ"
#define ZBOOT_MZ_MAGIC_LEN      2u
#define ZBOOT_OFF_IMAGE_TYPE    4u    /* .ascii "zimg": image type */
#define ZBOOT_IMAGE_TYPE        "zimg"
#define ZBOOT_IMAGE_TYPE_LEN    4u
#define ZBOOT_OFF_PAYLOAD_OFF   8u    /* .long: payload offset from the file start */
#define ZBOOT_OFF_PAYLOAD_SIZE  12u   /* .long: payload size (without an appended size word) */
#define ZBOOT_OFF_COMP_TYPE     24u   /* .asciz COMP_TYPE, after two reserved .longs */
#define ZBOOT_OFF_PE_MAGIC      0x38u /* .org 0x38: .long LINUX_PE_MAGIC */
#define ZBOOT_OFF_PE_HEADER     0x3cu /* .long: PE header offset (DOS e_lfanew) */
#define ZBOOT_HEADER_SIZE       0x40u
#define ZBOOT_COMP_TYPE_MAX     (ZBOOT_OFF_PE_MAGIC - ZBOOT_OFF_COMP_TYPE) /* 32, NUL included */

/* PE/COFF file header (PE format spec, "COFF File Header"): "PE\0\0" then Machine. */
#define ZBOOT_PE_SIGNATURE      "PE\0\0"
#define ZBOOT_PE_SIGNATURE_LEN  4u
#define ZBOOT_PE_OFF_MACHINE    4u      /* u16 Machine, right after the signature */
#define ZBOOT_PE_MACHINE_ARM64  0xaa64u /* IMAGE_FILE_MACHINE_ARM64 */

/* Makefile.zboot comp-type-y values. Only gzip is inflated by kaslboot. */
enum zboot_comp {
	ZBOOT_COMP_GZIP = 1,
};

struct zboot_info {
	const void *payload;      /* within the parsed buffer */
	uint32_t payload_offset;
	uint32_t payload_size;    /* compressed bytes */
	enum zboot_comp comp;
	char comp_name[ZBOOT_COMP_TYPE_MAX]; /* as in the header, NUL-terminated */
};

/* Validates the zboot header of the len-byte file at buf and locates its payload.
 * Returns 0; KB_EINVAL (not zboot, malformed header, payload outside the file) or
 * KB_EUNSUPP (a PE for another machine, or a compression other than gzip, named in the
 * message). The payload still has to be inflated and checked with image_header_validate. */
int zboot_parse(const void *buf, size_t len, struct zboot_info *out, const char *name);

#endif
