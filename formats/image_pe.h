/* SPDX-License-Identifier: BSD-2-Clause */
/* Truncation check for arm64 Images built with CONFIG_EFI: their header's res5 field points
 * at a PE/COFF header whose section table says how many bytes of file the kernel has
 * (PE format spec, "Section Table": PointerToRawData + SizeOfRawData). The Image header
 * alone cannot tell a truncated file from a complete one, since image_size includes BSS. */
#ifndef KASLBOOT_FORMATS_IMAGE_PE_H
#define KASLBOOT_FORMATS_IMAGE_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the file start to hand to image_pe_check_length: the DOS/Image header, the PE
 * header and the section table of any real kernel fit in the first page. */
#define IMAGE_PE_PROBE_LEN 4096u

/* head[0..head_len) is the start of a file of file_len bytes with a valid Image header.
 * Returns 0 when the file is complete or carries no PE header (nothing to check), and
 * KB_ECORRUPT, after one log_error line, when the PE section table extends past the end
 * of the file. */
int image_pe_check_length(const void *head, size_t head_len, uint64_t file_len,
			  const char *name);

/* True when head[0..head_len) starts an Image built with an EFI stub: the header's res5
 * points at a "PE\0\0" signature inside head. */
bool image_pe_is_efi_stub(const void *head, size_t head_len);

/* True when buf[0..len) is a PE file as the firmware's loader sees one (PE format spec,
 * "MS-DOS Stub" and "Signature"): "MZ", then e_lfanew (offset 0x3c) pointing at "PE\0\0"
 * inside buf. An arm64 Image with an EFI stub is one (code0 spells "MZ", res5 is
 * e_lfanew), and so is an EFI zboot image. *link_base gets the optional header's
 * ImageBase (PE32+ or PE32), 0 when the optional header does not hold one. */
bool image_pe_file(const void *buf, size_t len, uint64_t *link_base);

#endif
