/* SPDX-License-Identifier: BSD-2-Clause */
/* Tiny hand-made PE files for the UKI tests: an MS-DOS header, "PE\0\0", a COFF header for
 * arm64, a PE32+ optional header and a section table, each field written from the PE
 * format spec (not from formats/pe_sections.c, so the tests do not check the code against
 * itself), then each section's bytes. What ukify writes, in miniature: `make unit` needs no
 * ukify. A header of static functions (the Makefile links every .c helper in tests/unit into
 * every test). */
#ifndef KASLBOOT_TEST_PE_FIXTURE_H
#define KASLBOOT_TEST_PE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PEF_LFANEW     0x80u /* e_lfanew: where "PE\0\0" is */
#define PEF_OPT_SIZE   0xf0u /* SizeOfOptionalHeader of PE32+ with 16 data directories */
#define PEF_MAX_SECT   32u
#define PEF_FILE_ALIGN 0x200u /* FileAlignment: SizeOfRawData is rounded up to it */

struct pef_section {
	const char *name; /* at most 8 characters */
	const void *data;
	size_t len; /* VirtualSize */
};

static inline void pef_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void pef_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of section i's 40-byte header in a file pef_build made. */
static inline size_t pef_section_header(unsigned i)
{
	return PEF_LFANEW + 24 + PEF_OPT_SIZE + (size_t)i * 40;
}

/* A PE file (malloc'ed, *len bytes) with n sections of text strings (NUL not included). */
static inline uint8_t *pef_build(const struct pef_section *s, unsigned n, size_t *len)
{
	size_t off = (pef_section_header(n) + PEF_FILE_ALIGN - 1) & ~(size_t)(PEF_FILE_ALIGN - 1);
	size_t total = off;
	for (unsigned i = 0; i < n; i++)
		total += (s[i].len + PEF_FILE_ALIGN - 1) & ~(size_t)(PEF_FILE_ALIGN - 1);
	uint8_t *f = calloc(1, total);
	f[0] = 'M';
	f[1] = 'Z';
	pef_le32(f + 0x3c, PEF_LFANEW);
	memcpy(f + PEF_LFANEW, "PE\0\0", 4);
	pef_le16(f + PEF_LFANEW + 4, 0xaa64);        /* Machine: ARM64 */
	pef_le16(f + PEF_LFANEW + 6, (uint16_t)n);   /* NumberOfSections */
	pef_le16(f + PEF_LFANEW + 20, PEF_OPT_SIZE); /* SizeOfOptionalHeader */
	pef_le16(f + PEF_LFANEW + 24, 0x20b);        /* Magic: PE32+ */
	for (unsigned i = 0; i < n; i++) {
		uint8_t *h = f + pef_section_header(i);
		size_t raw = (s[i].len + PEF_FILE_ALIGN - 1) & ~(size_t)(PEF_FILE_ALIGN - 1);
		memcpy(h, s[i].name, strnlen(s[i].name, 8));
		pef_le32(h + 8, (uint32_t)s[i].len);            /* VirtualSize */
		pef_le32(h + 12, (uint32_t)(0x1000 * (i + 1))); /* VirtualAddress */
		pef_le32(h + 16, (uint32_t)raw);                /* SizeOfRawData */
		pef_le32(h + 20, (uint32_t)off);                /* PointerToRawData */
		memcpy(f + off, s[i].data, s[i].len);
		off += raw;
	}
	*len = total;
	return f;
}

/* A section of a C string. */
#define PEF_TEXT(n, str)                                                                           \
	{                                                                                          \
		(n), (str), sizeof(str) - 1                                                        \
	}

#endif
