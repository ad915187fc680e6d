/* SPDX-License-Identifier: BSD-2-Clause */
/* ASCII case, as the Boot Loader Specification and UEFI compare names: only A-Z fold,
 * whatever the locale (there is none in firmware). */
#ifndef KASLBOOT_LIB_ASCII_H
#define KASLBOOT_LIB_ASCII_H

static inline char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

#endif
