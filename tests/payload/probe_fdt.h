/* SPDX-License-Identifier: BSD-2-Clause */
/* A tiny read-only flattened-device-tree reader for the probe (DTSpec v0.4 chapter 5):
 * enough to find a node by path, read a property, and resolve /aliases. Every access is
 * bounded by the header's totalsize, so a corrupt DT gives "not found", not a fault. */
#ifndef PROBE_FDT_H
#define PROBE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pfdt {
	const uint8_t *base;
	uint32_t size;        /* totalsize */
	uint32_t off_struct, size_struct, off_strings, size_strings;
};

/* Checks the header (magic, version >= 16, blocks inside totalsize). */
bool pfdt_init(struct pfdt *dt, const void *blob);

/* Structure-block offset of the node at `path` ("/chosen", "/pl011@9000000"; a component
 * without "@unit" matches a node name with one), or -1. */
int pfdt_node(const struct pfdt *dt, const char *path, size_t path_len);

/* The value of property `name` of the node at `node`, or NULL; *len gets its length. */
const void *pfdt_prop(const struct pfdt *dt, int node, const char *name, uint32_t *len);

/* A property read as a big-endian integer of 4 or 8 bytes. false if absent or other size. */
bool pfdt_prop_uint(const struct pfdt *dt, int node, const char *name, uint64_t *val);

uint32_t pfdt_be32(const void *p);
uint64_t pfdt_be64(const void *p);

#endif
