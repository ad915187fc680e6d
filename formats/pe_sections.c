/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/pe_sections.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

/* PE format spec: "MS-DOS Stub", "Signature", "COFF File Header", "Optional Header" and
 * "Section Table"; offsets are from the start of each structure. */
#define DOS_MAGIC            0x5a4du     /* "MZ", e_magic */
#define DOS_OFF_LFANEW       0x3cu       /* u32 e_lfanew: offset of the PE signature */
#define PE_SIGNATURE         0x00004550u /* "PE\0\0", little-endian */
#define COFF_OFF_MACHINE     4u          /* u16 Machine, after the signature */
#define COFF_OFF_NSECTIONS   6u          /* u16 NumberOfSections */
#define COFF_OFF_OPT_SIZE    20u         /* u16 SizeOfOptionalHeader */
#define COFF_HEADER_LEN      24u         /* signature + 20-byte COFF file header */
#define OPT_MAGIC_LEN        2u          /* u16 Magic, first in the optional header */
#define OPT_MAGIC_PE32       0x10bu
#define OPT_MAGIC_PE32PLUS   0x20bu
#define SECTION_LEN          40u /* one section header */
#define SECTION_OFF_VSIZE    8u  /* u32 VirtualSize */
#define SECTION_OFF_RAW_SIZE 16u /* u32 SizeOfRawData */
#define SECTION_OFF_RAW_PTR  20u /* u32 PointerToRawData */
#define ASCII_DEL            0x7fu

static const uint8_t *entry(const struct pe_table *t, unsigned i)
{
	return t->entries + (size_t)i * SECTION_LEN;
}

void pe_table_get(const struct pe_table *t, unsigned i, struct pe_section *s)
{
	const uint8_t *e = entry(t, i);
	uint32_t raw = get_le32(e + SECTION_OFF_RAW_SIZE);
	/* A copy for messages: up to the first NUL, anything unprintable shown as '?'. */
	unsigned k = 0;
	for (; k < PE_SECTION_NAME_LEN && e[k]; k++)
		s->name[k] = e[k] >= ' ' && e[k] < ASCII_DEL ? (char)e[k] : '?';
	s->name[k] = 0;
	s->vsize = get_le32(e + SECTION_OFF_VSIZE);
	s->size = s->vsize < raw ? s->vsize : raw;
	s->offset = get_le32(e + SECTION_OFF_RAW_PTR);
}

bool pe_table_name_is(const struct pe_table *t, unsigned i, const char *name)
{
	const uint8_t *e = entry(t, i);
	for (unsigned k = 0; k < PE_SECTION_NAME_LEN; k++) {
		if (e[k] != (uint8_t)name[k])
			return false;
		if (!name[k])
			return true;
	}
	return true;
}

int pe_table_find(const struct pe_table *t, unsigned from, unsigned to, const char *name)
{
	for (unsigned i = from; i < to && i < t->count; i++)
		if (pe_table_name_is(t, i, name))
			return (int)i;
	return -1;
}

int pe_table_init(struct pe_table *t, const void *head, size_t head_len, uint64_t file_len,
		  const char *name)
{
	const uint8_t *h = head;
	memset(t, 0, sizeof(*t));
	if (head_len < DOS_OFF_LFANEW + 4 || get_le16(h) != DOS_MAGIC)
		return log_error_ret(KB_EINVAL, "%s: not a PE file (no MZ header)", name);
	uint64_t pe = get_le32(h + DOS_OFF_LFANEW);
	if (pe + COFF_HEADER_LEN + OPT_MAGIC_LEN > head_len || get_le32(h + pe) != PE_SIGNATURE)
		return log_error_ret(KB_EINVAL, "%s: not a PE file (no PE signature at 0x%lx)",
				     name, (unsigned long)pe);
	unsigned machine = get_le16(h + pe + COFF_OFF_MACHINE);
	if (machine != PE_MACHINE_ARM64)
		return log_error_ret(KB_EUNSUPP, "%s: a PE file for machine 0x%04x, not arm64",
				     name, machine);
	unsigned magic = get_le16(h + pe + COFF_HEADER_LEN);
	if (magic != OPT_MAGIC_PE32 && magic != OPT_MAGIC_PE32PLUS)
		return log_error_ret(KB_EINVAL, "%s: PE optional header magic 0x%x", name, magic);
	unsigned n = get_le16(h + pe + COFF_OFF_NSECTIONS);
	if (n == 0 || n > PE_SECTIONS_MAX)
		return log_error_ret(KB_ERANGE, "%s: %u PE sections (1 to %u expected)", name, n,
				     PE_SECTIONS_MAX);
	uint64_t table = pe + COFF_HEADER_LEN + get_le16(h + pe + COFF_OFF_OPT_SIZE);
	if (table + (uint64_t)n * SECTION_LEN > head_len)
		return log_error_ret(KB_ERANGE,
				     "%s: PE section table beyond the first %lu bytes read", name,
				     (unsigned long)head_len);
	t->entries = h + table;
	t->count = n;
	t->file_len = file_len;
	for (unsigned i = 0; i < n; i++) {
		struct pe_section s;
		pe_table_get(t, i, &s);
		if ((uint64_t)s.offset + s.size > file_len)
			return log_error_ret(
				KB_ERANGE,
				"%s: PE section %u '%s' (%u bytes at 0x%x) reaches past "
				"the end of the file (%lu bytes)",
				name, i, s.name, s.size, s.offset, (unsigned long)file_len);
	}
	return 0;
}
