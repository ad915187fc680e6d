/* Conversions between the firmware's UCS-2 strings and kaslboot's ASCII. */
#ifndef KASLBOOT_EFI_UCS2_H
#define KASLBOOT_EFI_UCS2_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>

/* Widens s into out[0..n), NUL-terminated (cut if longer); bytes above ASCII become '?'.
 * Returns the characters written, NUL excluded. */
size_t ucs2_from_ascii(const char *s, CHAR16 *out, size_t n);

/* Narrows w (at most max characters, or up to its NUL) into out[0..size), NUL-terminated;
 * characters above ASCII become '?'. Returns true if every character was ASCII and all
 * of them fit. */
bool ucs2_to_ascii(const CHAR16 *w, size_t max, char *out, size_t size);

#endif
