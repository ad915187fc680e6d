/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/image_pe.h"

#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"
#include "formats/image.h"

#define PE_SIGNATURE          0x00004550u /* "PE\0\0", little-endian */
#define PE_SIG_LEN            4u
#define COFF_OFF_NSECTIONS    6u          /* u16 NumberOfSections, after the signature */
#define COFF_OFF_OPT_SIZE     20u         /* u16 SizeOfOptionalHeader */
#define COFF_HEADER_LEN       24u         /* signature + 20-byte COFF file header */
#define SECTION_LEN           40u         /* one section table entry */
#define SECTION_OFF_RAW_SIZE  16u         /* u32 SizeOfRawData */
#define SECTION_OFF_RAW_PTR   20u         /* u32 PointerToRawData */
#define DOS_MAGIC             0x5a4du     /* "MZ", e_magic */
#define DOS_OFF_LFANEW        0x3cu       /* u32 e_lfanew: offset of the PE signature */
#define OPT_OFF_MAGIC         0u          /* u16 Magic, first in the optional header */
#define OPT_MAGIC_PE32        0x10bu
#define OPT_MAGIC_PE32PLUS    0x20bu
#define OPT_OFF_BASE_PE32     28u         /* u32 ImageBase (PE32) */
#define OPT_OFF_BASE_PE32PLUS 24u         /* u64 ImageBase (PE32+) */

bool image_pe_is_efi_stub(const void *head, size_t head_len)
{
	const uint8_t *h = head;
	if (head_len < IMAGE_HEADER_SIZE)
		return false;
	uint64_t pe = get_le32(h + IMAGE_OFF_PE_HEADER);
	return pe != 0 && pe + COFF_HEADER_LEN <= head_len && get_le32(h + pe) == PE_SIGNATURE;
}

bool image_pe_file(const void *buf, size_t len, uint64_t *link_base)
{
	const uint8_t *b = buf;
	*link_base = 0;
	if (len < DOS_OFF_LFANEW + 4 || get_le16(b) != DOS_MAGIC)
		return false;
	uint64_t pe = get_le32(b + DOS_OFF_LFANEW);
	if (pe + COFF_HEADER_LEN > len || get_le32(b + pe) != PE_SIGNATURE)
		return false;
	uint64_t opt = pe + COFF_HEADER_LEN, opt_size = get_le16(b + pe + COFF_OFF_OPT_SIZE);
	if (opt + opt_size > len || opt_size < 2)
		return true;
	unsigned magic = get_le16(b + opt + OPT_OFF_MAGIC);
	if (magic == OPT_MAGIC_PE32PLUS && opt_size >= OPT_OFF_BASE_PE32PLUS + 8)
		*link_base = get_le64(b + opt + OPT_OFF_BASE_PE32PLUS);
	else if (magic == OPT_MAGIC_PE32 && opt_size >= OPT_OFF_BASE_PE32 + 4)
		*link_base = get_le32(b + opt + OPT_OFF_BASE_PE32);
	return true;
}

int image_pe_check_length(const void *head, size_t head_len, uint64_t file_len,
			  const char *name)
{
	const uint8_t *h = head;
	if (!name)
		name = "kernel";
	if (head_len < IMAGE_HEADER_SIZE)
		return 0;
	if (!image_pe_is_efi_stub(head, head_len))
		return 0; /* no EFI stub: nothing says how long the file should be */
	uint64_t pe = get_le32(h + IMAGE_OFF_PE_HEADER);
	unsigned nsec = get_le16(h + pe + COFF_OFF_NSECTIONS);
	uint64_t table = pe + COFF_HEADER_LEN + get_le16(h + pe + COFF_OFF_OPT_SIZE);
	if (table + (uint64_t)nsec * SECTION_LEN > head_len) {
		log_warn("%s: PE section table beyond the first %zu bytes: length not checked",
			 name, head_len);
		return 0;
	}
	uint64_t need = 0;
	for (unsigned i = 0; i < nsec; i++) {
		const uint8_t *s = h + table + (uint64_t)i * SECTION_LEN;
		uint64_t end = (uint64_t)get_le32(s + SECTION_OFF_RAW_PTR) +
			       get_le32(s + SECTION_OFF_RAW_SIZE);
		if (end > need)
			need = end;
	}
	if (file_len < need)
		return log_error_ret(KB_ECORRUPT,
				     "%s: truncated: %llu bytes, but its PE header describes %llu",
				     name, (unsigned long long)file_len, (unsigned long long)need);
	return 0;
}
