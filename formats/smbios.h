/* SPDX-License-Identifier: BSD-2-Clause */
/* One SMBIOS structure (DMTF DSP0134 3.7, section 6.1.2): a header (type, length of the
 * formatted area, handle), the formatted area, then the string set: NUL-terminated strings
 * numbered from 1, ended by one more NUL. Firmware data: every read is bounded. */
#ifndef KASLBOOT_FORMATS_SMBIOS_H
#define KASLBOOT_FORMATS_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#define SMBIOS_OFF_TYPE   0x00
#define SMBIOS_OFF_LENGTH 0x01
#define SMBIOS_HEADER_LEN 4

/* Processor Information (type 4, DSP0134 7.5): Processor ID (8 bytes; on Arm the SMCCC
 * SoC ID in its first 32 bits, 7.5.3.3) and the Processor Version string's number. */
#define SMBIOS_TYPE_PROCESSOR         4
#define SMBIOS_TYPE4_OFF_PROCESSOR_ID 0x08
#define SMBIOS_TYPE4_OFF_VERSION      0x10

/* String number n of the structure rec, of which at most max bytes can be read: its
 * length in *len, or NULL when n is 0 (no string), the set has fewer strings, the header
 * or a string runs past max, or the formatted area is shorter than the header. */
const char *smbios_string(const uint8_t *rec, size_t max, uint8_t n, size_t *len);

#endif
