/* SPDX-License-Identifier: BSD-2-Clause */
#include "probe_fdt.h"

#include "probe_lib.h"

/* DTSpec 5.2 header (big-endian u32 fields) and 5.4.1 structure tokens. */
#define PFDT_MAGIC 0xd00dfeedu
#define PFDT_HDR_SIZE 40
#define PFDT_HDR_TOTALSIZE 4
#define PFDT_HDR_OFF_STRUCT 8
#define PFDT_HDR_OFF_STRINGS 12
#define PFDT_HDR_VERSION 20
#define PFDT_HDR_SIZE_STRINGS 32
#define PFDT_HDR_SIZE_STRUCT 36
#define PFDT_MIN_VERSION 17   /* size_dt_struct exists from version 17 on (DTSpec 5.2) */
#define PFDT_BEGIN_NODE 1
#define PFDT_END_NODE 2
#define PFDT_PROP 3
#define PFDT_NOP 4
#define PFDT_END 9
#define PFDT_TOKEN 4          /* tokens and the prop header words are 4-byte aligned */

uint32_t pfdt_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

uint64_t pfdt_be64(const void *p)
{
	const uint8_t *b = p;
	return ((uint64_t)pfdt_be32(b) << 32) | pfdt_be32(b + 4);
}

bool pfdt_init(struct pfdt *dt, const void *blob)
{
	const uint8_t *b = blob;

	if (pfdt_be32(b) != PFDT_MAGIC)
		return false;
	dt->base = b;
	dt->size = pfdt_be32(b + PFDT_HDR_TOTALSIZE);
	dt->off_struct = pfdt_be32(b + PFDT_HDR_OFF_STRUCT);
	dt->off_strings = pfdt_be32(b + PFDT_HDR_OFF_STRINGS);
	dt->size_strings = pfdt_be32(b + PFDT_HDR_SIZE_STRINGS);
	if (pfdt_be32(b + PFDT_HDR_VERSION) < PFDT_MIN_VERSION || dt->size < PFDT_HDR_SIZE)
		return false;
	dt->size_struct = pfdt_be32(b + PFDT_HDR_SIZE_STRUCT);
	return dt->off_struct <= dt->size && dt->size_struct <= dt->size - dt->off_struct &&
	       dt->off_strings <= dt->size && dt->size_strings <= dt->size - dt->off_strings;
}

static uint32_t token_at(const struct pfdt *dt, uint32_t off)
{
	if (off > dt->size_struct - PFDT_TOKEN)
		return PFDT_END;
	return pfdt_be32(dt->base + dt->off_struct + off);
}

/* Length of the NUL-terminated name at structure offset off, or -1 if unterminated. */
static int name_len(const struct pfdt *dt, uint32_t off)
{
	const char *s = (const char *)dt->base + dt->off_struct;
	uint32_t n = 0;

	while (off + n < dt->size_struct && s[off + n])
		n++;
	return off + n < dt->size_struct ? (int)n : -1;
}

static uint32_t align4(uint32_t x) { return (x + 3u) & ~3u; }

/* Offset of the token after the one at off (skipping node names / property values), or
 * 0 on a malformed block. */
static uint32_t next_token(const struct pfdt *dt, uint32_t off)
{
	uint32_t tok = token_at(dt, off);
	int n;

	switch (tok) {
	case PFDT_BEGIN_NODE:
		n = name_len(dt, off + PFDT_TOKEN);
		return n < 0 ? 0 : align4(off + PFDT_TOKEN + (uint32_t)n + 1);
	case PFDT_PROP: {
		uint32_t len = token_at(dt, off + PFDT_TOKEN);
		if (off + 3 * PFDT_TOKEN > dt->size_struct || len > dt->size_struct - off - 3 * PFDT_TOKEN)
			return 0;
		return align4(off + 3 * PFDT_TOKEN + len);
	}
	case PFDT_END_NODE: case PFDT_NOP:
		return off + PFDT_TOKEN;
	default:
		return 0;
	}
}

static bool component_matches(const char *name, size_t nlen, const char *comp, size_t clen)
{
	if (nlen == clen && probe_memeq(name, comp, clen))
		return true;
	/* "chosen" matches "chosen", "memory" matches "memory@40000000". */
	return !probe_memchr(comp, '@', clen) && nlen > clen && name[clen] == '@' &&
	       probe_memeq(name, comp, clen);
}

int pfdt_node(const struct pfdt *dt, const char *path, size_t path_len)
{
	uint32_t off = 0;
	int depth = -1, matched = -1; /* depth of the node at off; components matched so far */
	size_t pos = 0;

	if (!path_len || path[0] != '/')
		return -1;
	while (path_len > 1 && path[path_len - 1] == '/')
		path_len--;
	for (;;) {
		uint32_t tok = token_at(dt, off), nxt;

		if (tok == PFDT_BEGIN_NODE) {
			depth++;
			if (depth == matched + 1) {
				const char *name = (const char *)dt->base + dt->off_struct + off + PFDT_TOKEN;
				int nl = name_len(dt, off + PFDT_TOKEN);
				size_t cstart = pos, clen;

				if (nl < 0)
					return -1;
				if (depth == 0) { /* the root: name "" */
					matched = 0;
					pos = 1;
				} else {
					clen = 0;
					while (cstart + clen < path_len && path[cstart + clen] != '/')
						clen++;
					if (component_matches(name, (size_t)nl, path + cstart, clen)) {
						matched = depth;
						pos = cstart + clen + 1;
					}
				}
				if (depth == matched && pos >= path_len)
					return (int)off;
			}
		} else if (tok == PFDT_END_NODE) {
			if (depth == matched) /* left the deepest matched node: path not here */
				return -1;
			depth--;
		} else if (tok != PFDT_PROP && tok != PFDT_NOP) {
			return -1;
		}
		nxt = next_token(dt, off);
		if (!nxt)
			return -1;
		off = nxt;
	}
}

const void *pfdt_prop(const struct pfdt *dt, int node, const char *name, uint32_t *len)
{
	uint32_t off, want = (uint32_t)probe_strlen(name);

	if (node < 0 || token_at(dt, (uint32_t)node) != PFDT_BEGIN_NODE)
		return 0;
	off = next_token(dt, (uint32_t)node);
	while (off) {
		uint32_t tok = token_at(dt, off);

		if (tok == PFDT_PROP) {
			uint32_t plen = token_at(dt, off + PFDT_TOKEN);
			uint32_t nameoff = token_at(dt, off + 2 * PFDT_TOKEN);
			const char *pname = (const char *)dt->base + dt->off_strings + nameoff;

			if (nameoff < dt->size_strings && want < dt->size_strings - nameoff &&
			    probe_memeq(pname, name, want + 1)) {
				if (!next_token(dt, off))
					return 0;
				*len = plen;
				return dt->base + dt->off_struct + off + 3 * PFDT_TOKEN;
			}
		} else if (tok != PFDT_NOP) {
			return 0; /* the first subnode or the end of this node: no such property */
		}
		off = next_token(dt, off);
	}
	return 0;
}

bool pfdt_prop_uint(const struct pfdt *dt, int node, const char *name, uint64_t *val)
{
	uint32_t len = 0;
	const void *p = pfdt_prop(dt, node, name, &len);

	if (p && len == 4)
		*val = pfdt_be32(p);
	else if (p && len == 8)
		*val = pfdt_be64(p);
	else
		return false;
	return true;
}
