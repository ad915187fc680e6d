/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE32+ header of the outer BOOTAA64.EFI: the unpack stub (efi/unpack/), laid out by
 * pe/unpack.lds, copied flat and packed by scripts/pe-pack.py like the body's header
 * (pe/header_aarch64.S). Two sections: .text (the stub, the version marker and the
 * compressed body: read and executed, never written) and .sbat (read-only data). The
 * entry point is the stub's C function itself: there is no .bss to clear and nothing to
 * relocate. Field names and offsets: Microsoft "PE Format". */

#include "pe/pe_format.h"

	.section .text.head, "ax"
ImageBase:
	.ascii	"MZ"                    /* MS-DOS stub; at 0x3c the PE signature's offset */
	.skip	0x3a
	.long	pe_signature - ImageBase

pe_signature:
	.ascii	"PE\0\0"
	.short	PE_MACHINE_ARM64
	.short	2                       /* NumberOfSections */
	.long	0                       /* TimeDateStamp: reproducible builds */
	.long	0                       /* PointerToSymbolTable */
	.long	0                       /* NumberOfSymbols */
	.short	section_table - optional_header /* SizeOfOptionalHeader */
	.short	PE_FILE_CHARACTERISTICS

optional_header:
	.short	PE_OPT_MAGIC_PE32PLUS
	.byte	0x02, 0x14              /* Major/MinorLinkerVersion, as the body's */
	.long	_pe_text_virt_size      /* SizeOfCode */
	.long	_pe_sbat_raw_size       /* SizeOfInitializedData */
	.long	0                       /* SizeOfUninitializedData */
	.long	unpack_main - ImageBase /* AddressOfEntryPoint */
	.long	_text_start - ImageBase /* BaseOfCode */
	.quad	0                       /* ImageBase: runs anywhere unrelocated */
	.long	PE_SECTION_ALIGN
	.long	PE_FILE_ALIGN
	.short	0, 0                    /* Major/MinorOperatingSystemVersion */
	.short	0, 0                    /* Major/MinorImageVersion */
	.short	0, 0                    /* Major/MinorSubsystemVersion */
	.long	0                       /* Win32VersionValue */
	.long	_image_end - ImageBase  /* SizeOfImage */
	.long	PE_HEADERS_SIZE         /* SizeOfHeaders */
	.long	0                       /* CheckSum */
	.short	PE_SUBSYSTEM_EFI_APP
	.short	0                       /* DllCharacteristics */
	.quad	0, 0, 0, 0              /* Size of Stack/Heap Reserve/Commit */
	.long	0                       /* LoaderFlags */
	.long	PE_NUM_DATA_DIRS
	.quad	0, 0, 0, 0, 0, 0        /* Export ... Base Relocation: none (sbsign fills in
					 * the Certificate entry) */

section_table:
	.ascii	".text\0\0\0"
	.long	_pe_text_virt_size      /* VirtualSize */
	.long	_text_start - ImageBase /* VirtualAddress */
	.long	_pe_text_raw_size       /* SizeOfRawData */
	.long	PE_HEADERS_SIZE         /* PointerToRawData: right after the headers */
	.long	0, 0                    /* PointerToRelocations, PointerToLinenumbers */
	.short	0, 0                    /* NumberOfRelocations, NumberOfLinenumbers */
	.long	PE_SCN_TEXT

	.ascii	".sbat\0\0\0"
	.long	_pe_sbat_virt_size      /* VirtualSize: the CSV, without padding */
	.long	_sbat - ImageBase       /* VirtualAddress */
	.long	_pe_sbat_raw_size       /* SizeOfRawData */
	.long	PE_HEADERS_SIZE + _pe_text_raw_size /* PointerToRawData: after .text's */
	.long	0, 0
	.short	0, 0
	.long	PE_SCN_RODATA

	.balign	PE_SECTION_ALIGN, 0
