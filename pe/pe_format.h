/* SPDX-License-Identifier: BSD-2-Clause */
/* PE32+ constants shared by the two headers of BOOTAA64.EFI: the body's
 * (pe/header_aarch64.S) and the outer file's (pe/unpack_header_aarch64.S). Field names
 * and values: Microsoft "PE Format" (PE/COFF specification), sections "COFF File Header",
 * "Optional Header", "Section Table". */
#ifndef KASLBOOT_PE_PE_FORMAT_H
#define KASLBOOT_PE_PE_FORMAT_H

#define PE_MACHINE_ARM64      0xaa64
#define PE_OPT_MAGIC_PE32PLUS 0x20b
/* Characteristics: IMAGE_FILE_EXECUTABLE_IMAGE | LINE_NUMS_STRIPPED | DEBUG_STRIPPED
 * (no RELOCS_STRIPPED: the image runs at any address). */
#define PE_FILE_CHARACTERISTICS 0x0206
#define PE_SUBSYSTEM_EFI_APP    10
#define PE_SECTION_ALIGN        0x1000
#define PE_FILE_ALIGN           0x200
/* SizeOfHeaders: the headers take one FileAlignment unit of the file; in memory they have
 * the first page, as .text starts on a page of its own (RVA PE_SECTION_ALIGN). */
#define PE_HEADERS_SIZE  PE_FILE_ALIGN
#define PE_NUM_DATA_DIRS 6 /* up to the (empty) base relocation directory */
/* Section flags: CNT_CODE | MEM_EXECUTE | MEM_READ; CNT_INITIALIZED_DATA | MEM_READ |
 * MEM_WRITE; CNT_INITIALIZED_DATA | MEM_READ. */
#define PE_SCN_TEXT   0x60000020
#define PE_SCN_DATA   0xc0000040
#define PE_SCN_RODATA 0x40000040

#endif
