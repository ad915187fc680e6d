/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE32+ header of BOOTAA64.EFI and its entry point, in place of gnu-efi's
 * crt0-efi-aarch64.o. The image is linked as an ELF shared object with pe/kaslboot.lds
 * and copied flat (objcopy -O binary, file offset = RVA); scripts/pe-pack.py then moves
 * each section to the file offset this header gives it. In memory this header fills the
 * first page and .text begins the second; in the file the header takes 512 bytes and
 * .text follows it. Two sections, as gnu-efi's: .text (code, read-only
 * data, the image's RELR relocation table) and .data (data, GOT, then the
 * zero-initialized data). The .data section's VirtualSize covers the zero-initialized
 * data, its SizeOfRawData does not: the loader zero-fills the difference (PE format,
 * "Section Table": VirtualSize > SizeOfRawData), so zero-initialized statics take no
 * room in the file.
 *
 * Field names and offsets: Microsoft "PE Format" (PE/COFF specification), sections
 * "MS-DOS Stub", "COFF File Header", "Optional Header", "Section Table". The symbols are
 * pe/kaslboot.lds's. */

#include "pe/pe_format.h"

	.section .text.head, "ax"
	.globl	ImageBase
ImageBase:
	/* MS-DOS stub: "MZ", and at 0x3c the offset of the PE signature. */
	.ascii	"MZ"
	.skip	0x3a
	.long	pe_signature - ImageBase

pe_signature:
	.ascii	"PE\0\0"
	/* COFF file header */
	.short	PE_MACHINE_ARM64
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
	.long	_pe_data_raw_size       /* SizeOfInitializedData */
	.long	_pe_bss_size            /* SizeOfUninitializedData */
	.long	_start - ImageBase      /* AddressOfEntryPoint */
	.long	_text_start - ImageBase /* BaseOfCode */
	/* Windows-specific fields */
	.quad	0                       /* ImageBase: the image relocates itself */
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
					 * Base Relocation: none */

section_table:
	.ascii	".text\0\0\0"
	.long	_pe_text_virt_size      /* VirtualSize */
	.long	_text_start - ImageBase /* VirtualAddress */
	.long	_pe_text_raw_size       /* SizeOfRawData: the code, to FileAlignment */
	.long	PE_HEADERS_SIZE         /* PointerToRawData: right after the headers */
	.long	0, 0                    /* PointerToRelocations, PointerToLinenumbers */
	.short	0, 0                    /* NumberOfRelocations, NumberOfLinenumbers */
	.long	PE_SCN_TEXT

	.ascii	".data\0\0\0"
	.long	_pe_data_virt_size      /* VirtualSize: initialized + zero-initialized */
	.long	_data - ImageBase       /* VirtualAddress */
	.long	_pe_data_raw_size       /* SizeOfRawData: what the file holds */
	.long	PE_HEADERS_SIZE + _pe_text_raw_size /* PointerToRawData: right after .text's */
	.long	0, 0
	.short	0, 0
	.long	PE_SCN_DATA

	/* .text starts at RVA 0x1000: the header page ends here. */
	.balign	PE_SECTION_ALIGN, 0

/* efi_main(ImageHandle, SystemTable) after zeroing the zero-initialized data (the PE loader
 * already has; this makes the image independent of that) and adding the load address to
 * the image's own pointers (self_relocate(ImageBase, _relr): efi/self_relocate.c). Returns
 * efi_main's status. */
	.section .text.start, "ax"
	.globl	_start
_start:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x0, x1, [sp, #16]       /* ImageHandle, SystemTable */

	adrp	x8, _bss                /* [_bss, _bss_end): both 16-byte aligned */
	add	x8, x8, #:lo12:_bss
	adrp	x9, _bss_end
	add	x9, x9, #:lo12:_bss_end
0:	cmp	x8, x9
	b.hs	1f
	stp	xzr, xzr, [x8], #16
	b	0b

1:	adr	x0, ImageBase           /* self_relocate(load address, RELR table) */
	adrp	x1, _relr
	add	x1, x1, #:lo12:_relr
	bl	self_relocate
	ldp	x0, x1, [sp, #16]       /* efi_main(ImageHandle, SystemTable) */
	bl	efi_main
	ldp	x29, x30, [sp], #32
	ret
