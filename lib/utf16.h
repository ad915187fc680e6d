/* SPDX-License-Identifier: BSD-2-Clause */
/* Text between kaslboot (UTF-8, as the ESP's files and the BLS specification have it) and
 * the firmware (UCS-2: UEFI 2.10 section 2.3.1 "Unicode strings", CHAR16 without
 * surrogates). Portable: CHAR16 is uint16_t here. */
#ifndef KASLBOOT_LIB_UTF16_H
#define KASLBOOT_LIB_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* UTF-8 s into out[0..n) as UCS-2, NUL-terminated. Returns the characters written (NUL
 * excluded), or -1 when s is not valid UTF-8 (overlong forms, surrogates, truncated
 * sequences), holds a character outside the Basic Multilingual Plane (UCS-2 has none), or
 * does not fit: out then holds "" and nothing is half-converted. */
long utf16_from_utf8(const char *s, uint16_t *out, size_t n);

/* UCS-2 w (at most max characters, or up to its NUL) into out[0..size) as UTF-8,
 * NUL-terminated. Returns true when every character converted and fit; otherwise out
 * holds what fit, with '?' for an unpaired surrogate. */
bool utf16_to_utf8(const uint16_t *w, size_t max, char *out, size_t size);

#endif
