/* SPDX-License-Identifier: BSD-2-Clause */
/* The section table of a PE file (PE format spec, "Section Table (Section Headers)"), walked
 * with every field checked against the bytes given and the file's length: what a Unified
 * Kernel Image is made of (.linux, .initrd, .cmdline ... are PE sections). Names are the
 * 8-byte, NUL-padded Name field; a section's bytes in the file are PointerToRawData and
 * min(VirtualSize, SizeOfRawData), as systemd's src/boot/pe.c pe_locate_sections_internal
 * reads them (SizeOfRawData is rounded up to FileAlignment, VirtualSize is the exact
 * length; a VirtualSize beyond the raw data is zero fill). */
#ifndef KASLBOOT_FORMATS_PE_SECTIONS_H
#define KASLBOOT_FORMATS_PE_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PE_SECTION_NAME_LEN 8u /* Section Table: Name, 8 bytes, NUL-padded */
/* NumberOfSections is a u16 (COFF File Header). A UKI has the stub's few sections plus at
 * most 14 per profile for systemd's 256 profiles (UNIFIED_PROFILES_MAX): 4096 holds that and
 * keeps every walk of the table short. */
#define PE_SECTIONS_MAX  4096u
#define PE_MACHINE_ARM64 0xaa64u /* COFF File Header: Machine, IMAGE_FILE_MACHINE_ARM64 */

struct pe_section {
	char name[PE_SECTION_NAME_LEN + 1]; /* NUL-terminated copy of Name */
	uint32_t offset;                    /* PointerToRawData */
	uint32_t size;                      /* bytes in the file: min(VirtualSize, SizeOfRawData) */
	uint32_t vsize;                     /* VirtualSize: the section's length once loaded */
};

/* A validated section table inside head[0..head_len). */
struct pe_table {
	const uint8_t *entries; /* the first 40-byte section header */
	unsigned count;         /* NumberOfSections */
	uint64_t file_len;
};

/* Finds and checks the section table: "MZ", e_lfanew to "PE\0\0", Machine arm64, a PE32 or
 * PE32+ optional header, 1..PE_SECTIONS_MAX sections, the table inside head[0..head_len),
 * every section's file bytes inside file_len (head holds the file's first head_len bytes;
 * head_len <= file_len). 0, or KB_EINVAL / KB_ERANGE / KB_EUNSUPP after one log_error line
 * naming `name` (the file) and, for a section, its index and name. */
int pe_table_init(struct pe_table *t, const void *head, size_t head_len, uint64_t file_len,
		  const char *name);

/* Section i (< t->count), decoded. */
void pe_table_get(const struct pe_table *t, unsigned i, struct pe_section *s);

/* True when section i's Name is `name` (at most 8 characters), compared as systemd's
 * pe_section_name_equal does: byte by byte up to a NUL or the 8th byte. */
bool pe_table_name_is(const struct pe_table *t, unsigned i, const char *name);

/* The first section in [from, to) named `name`, or -1. */
int pe_table_find(const struct pe_table *t, unsigned from, unsigned to, const char *name);

#endif
