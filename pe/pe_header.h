/* SPDX-License-Identifier: BSD-2-Clause */
/* The one PE32+ header both images of BOOTAA64.EFI carry (the body's, pe/header_aarch64.S,
 * and the outer file's, pe/unpack_header_aarch64.S), as an assembler macro: the MS-DOS
 * stub, the COFF file header, the optional header and a section table of .text and one
 * data section. What differs between the two is given as arguments. Field names and
 * offsets: Microsoft "PE Format" (PE/COFF specification), sections "MS-DOS Stub", "COFF
 * File Header", "Optional Header", "Section Table". Symbols: the linker script's
 * (_text_start, _image_end, _pe_text_virt_size, _pe_text_raw_size). */
#ifndef KASLBOOT_PE_PE_HEADER_H
#define KASLBOOT_PE_PE_HEADER_H

#include "pe/pe_format.h"

#ifdef __ASSEMBLER__
/* entry: the entry point's symbol; init_size/uninit_size: SizeOfInitializedData and
 * SizeOfUninitializedData; name: the second section's name without its dot, four letters; virt_size, start,
 * raw_size, flags: its VirtualSize, first byte, SizeOfRawData and Characteristics. */
	.macro	pe_header entry, init_size, uninit_size, name, virt_size, start, raw_size, flags
	.section .text.head, "ax"
	.globl	ImageBase
ImageBase:
	.ascii	"MZ"                    /* MS-DOS stub; at 0x3c the PE signature's offset */
	.skip	0x3a
	.long	pe_signature - ImageBase

pe_signature:
	.ascii	"PE\0\0"
	.short	PE_MACHINE_ARM64        /* COFF file header */
	.short	2                       /* NumberOfSections */
	.long	0                       /* TimeDateStamp: reproducible builds */
	.long	0                       /* PointerToSymbolTable */
	.long	0                       /* NumberOfSymbols */
	.short	section_table - optional_header /* SizeOfOptionalHeader */
	.short	PE_FILE_CHARACTERISTICS

optional_header:
	.short	PE_OPT_MAGIC_PE32PLUS
	.byte	0x02, 0x14              /* Major/MinorLinkerVersion, as gnu-efi's */
	.long	_pe_text_virt_size      /* SizeOfCode: the .text section */
	.long	\init_size              /* SizeOfInitializedData */
	.long	\uninit_size            /* SizeOfUninitializedData */
	.long	\entry - ImageBase      /* AddressOfEntryPoint */
	.long	_text_start - ImageBase /* BaseOfCode */
	.quad	0                       /* ImageBase: the image runs at any address */
	.long	PE_SECTION_ALIGN
	.long	PE_FILE_ALIGN
	.short	0, 0                    /* Major/MinorOperatingSystemVersion */
	.short	0, 0                    /* Major/MinorImageVersion */
	.short	0, 0                    /* Major/MinorSubsystemVersion */
	.long	0                       /* Win32VersionValue */
	.long	_image_end - ImageBase  /* SizeOfImage, a multiple of SectionAlignment */
	.long	PE_HEADERS_SIZE         /* SizeOfHeaders */
	.long	0                       /* CheckSum */
	.short	PE_SUBSYSTEM_EFI_APP
	.short	0                       /* DllCharacteristics */
	.quad	0, 0, 0, 0              /* Size of Stack/Heap Reserve/Commit */
	.long	0                       /* LoaderFlags */
	.long	PE_NUM_DATA_DIRS
	.quad	0, 0, 0, 0, 0, 0        /* Export, Import, Resource, Exception, Certificate,
					 * Base Relocation: none (sbsign fills in the
					 * Certificate entry) */

section_table:
	.ascii	".text\0\0\0"
	.long	_pe_text_virt_size      /* VirtualSize */
	.long	_text_start - ImageBase /* VirtualAddress */
	.long	_pe_text_raw_size       /* SizeOfRawData: the code, to FileAlignment */
	.long	PE_HEADERS_SIZE         /* PointerToRawData: right after the headers */
	.long	0, 0                    /* PointerToRelocations, PointerToLinenumbers */
	.short	0, 0                    /* NumberOfRelocations, NumberOfLinenumbers */
	.long	PE_SCN_TEXT

	.ascii	".\name\0\0\0"          /* Name: 8 bytes, NUL-padded */
	.long	\virt_size              /* VirtualSize */
	.long	\start - ImageBase      /* VirtualAddress */
	.long	\raw_size               /* SizeOfRawData: what the file holds */
	.long	PE_HEADERS_SIZE + _pe_text_raw_size /* PointerToRawData: right after .text's */
	.long	0, 0
	.short	0, 0
	.long	\flags

	/* .text starts at RVA 0x1000: the header page ends here. */
	.balign	PE_SECTION_ALIGN, 0
	.endm
#endif

#endif
