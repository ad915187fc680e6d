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

#include "pe/pe_header.h"

	/* .data: initialized data in the file, zero-initialized data only in VirtualSize. */
	pe_header _start, _pe_data_raw_size, _pe_bss_size, data, _pe_data_virt_size, \
		_data, _pe_data_raw_size, PE_SCN_DATA

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
