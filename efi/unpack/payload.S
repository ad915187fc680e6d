/* SPDX-License-Identifier: BSD-2-Clause */
/* The body of BOOTAA64.EFI (the loader, pe/kaslboot.lds's image as the firmware would load
 * it, trailing zeros left out) as one LZ4 block at LZ4HC's highest level, made by the
 * Makefile with scripts/lz4-block.c. Its facts, from the generated unpack_body.h, are also
 * absolute symbols here so that scripts/pe-check.py can check them against the body. */
#include "unpack_body.h"

	.section .rodata.unpack_payload, "a"
	.globl	unpack_payload, unpack_payload_end
	.hidden	unpack_payload, unpack_payload_end
unpack_payload:
	.incbin	"body.lz4"
unpack_payload_end:

	.set	unpack_body_flat_size, UNPACK_BODY_FLAT_SIZE
	.set	unpack_body_image_size, UNPACK_BODY_IMAGE_SIZE
	.set	unpack_body_align, UNPACK_BODY_ALIGN
	.set	unpack_body_entry, UNPACK_BODY_ENTRY
	.set	unpack_body_exec_end, UNPACK_BODY_EXEC_END
