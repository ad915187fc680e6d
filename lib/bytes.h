/* SPDX-License-Identifier: BSD-2-Clause */
/* Integers stored in byte order: little-endian file formats (the Image header, PE/COFF,
 * ELF, gzip, ChaCha20's words) and big-endian ones (device-tree cells, SHA-256's words
 * and length). Byte by byte, so they work at any alignment: the PE is built -mstrict-align
 * and a field in a file lies wherever the file puts it. GCC turns each into one load or
 * store where the target allows it. */
#ifndef KASLBOOT_LIB_BYTES_H
#define KASLBOOT_LIB_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t get_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

static inline uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static inline uint64_t get_be64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_be32(b) << 32 | (uint64_t)get_be32(b + 4);
}

static inline void put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void put_le64(void *p, uint64_t v)
{
	uint8_t *b = p;
	put_le32(b, (uint32_t)v);
	put_le32(b + 4, (uint32_t)(v >> 32));
}

static inline void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static inline void put_be64(void *p, uint64_t v)
{
	uint8_t *b = p;
	put_be32(b, (uint32_t)(v >> 32));
	put_be32(b + 4, (uint32_t)v);
}

/* Whether len bytes are all zero (an absent or consumed seed). Every byte is read, however
 * early a non-zero one comes: the bytes may be secret, and the time says nothing of them. */
static inline bool bytes_all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t acc = 0;
	while (len--)
		acc |= *b++;
	return !acc;
}

#endif
