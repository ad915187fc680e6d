/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/zboot.h"

#include <stdbool.h>
#include <string.h>

#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

/* Makefile.zboot's comp-type-y strings kaslboot knows but cannot inflate. */
static const char *const zboot_unsupported_comp[] = {
	"lz4", "lzma", "lzo", "xzkern", "zstd22",
};

/* Printable ASCII (' ' to '~'): the string goes into a log line. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

int zboot_parse(const void *buf, size_t len, struct zboot_info *out, const char *name)
{
	const uint8_t *b = buf;
	const char *comp = (const char *)b + ZBOOT_OFF_COMP_TYPE;
	uint32_t off, size, pe_off;
	size_t comp_len, i;

	memset(out, 0, sizeof(*out));
	if (!name)
		name = "kernel";
	if (len < ZBOOT_HEADER_SIZE || memcmp(b + ZBOOT_OFF_MZ, ZBOOT_MZ_MAGIC, ZBOOT_MZ_MAGIC_LEN) ||
	    memcmp(b + ZBOOT_OFF_IMAGE_TYPE, ZBOOT_IMAGE_TYPE, ZBOOT_IMAGE_TYPE_LEN)) {
		return log_error_ret(KB_EINVAL,
				     "%s: not an EFI zboot image (no \"MZ\" + \"zimg\" header)",
				     name);
	}
	comp_len = strnlen(comp, ZBOOT_COMP_TYPE_MAX);
	if (comp_len == 0 || comp_len == ZBOOT_COMP_TYPE_MAX || !printable(comp))
		return log_error_ret(KB_EINVAL,
				     "%s: zboot compression type at offset %u is empty, "
				     "unterminated or not text",
				     name, ZBOOT_OFF_COMP_TYPE);
	memcpy(out->comp_name, comp, comp_len + 1);

	/* The header sits in front of a PE; if the PE header is where e_lfanew says, it must
	 * be for arm64 (zboot is also built for riscv64 and loongarch64). */
	pe_off = get_le32(b + ZBOOT_OFF_PE_HEADER);
	if ((uint64_t)pe_off + ZBOOT_PE_OFF_MACHINE + 2 <= len &&
	    memcmp(b + pe_off, ZBOOT_PE_SIGNATURE, ZBOOT_PE_SIGNATURE_LEN) == 0) {
		const uint8_t *m = b + pe_off + ZBOOT_PE_OFF_MACHINE;
		uint32_t machine = get_le16(m);
		if (machine != ZBOOT_PE_MACHINE_ARM64)
			return log_error_ret(
				KB_EUNSUPP,
				"%s: zboot image for PE machine 0x%04x, not arm64 (0x%04x)", name,
				machine, ZBOOT_PE_MACHINE_ARM64);
	}

	off = get_le32(b + ZBOOT_OFF_PAYLOAD_OFF);
	size = get_le32(b + ZBOOT_OFF_PAYLOAD_SIZE);
	if (off < ZBOOT_HEADER_SIZE || size == 0 || (uint64_t)off + size > len)
		return log_error_ret(
			KB_EINVAL,
			"%s: zboot payload (offset %u, %u bytes) lies outside the %zu-byte file",
			name, off, size, len);

	if (strcmp(out->comp_name, "gzip") != 0) {
		for (i = 0; i < sizeof(zboot_unsupported_comp) / sizeof(zboot_unsupported_comp[0]); i++)
			if (strcmp(out->comp_name, zboot_unsupported_comp[i]) == 0)
				break;
		return log_error_ret(
			KB_EUNSUPP,
			"%s: zboot payload is %s-compressed (%s); kaslboot inflates gzip only",
			name, out->comp_name,
			i < sizeof(zboot_unsupported_comp) / sizeof(zboot_unsupported_comp[0]) ?
				"a kernel compression kaslboot lacks" :
				"unknown compression type");
	}
	out->comp = ZBOOT_COMP_GZIP;
	out->payload = b + off;
	out->payload_offset = off;
	out->payload_size = size;
	log_debug("%s: EFI zboot, %s payload of %u bytes at offset %u", name, out->comp_name, size, off);
	return 0;
}
