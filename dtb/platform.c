/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/platform.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <libfdt.h>

#include "dtb/chosen.h"
#include "lib/err.h"
#include "lib/log.h"

/* Address or size cells this code can hold in a uint64_t. */
#define DT_MAX_CELLS_64 2
/* A bound on nested buses walked for "ranges"; real trees have 1-3. */
#define DT_MAX_BUS_DEPTH 16
#define DT_CELL_SIZE 4 /* DTSpec 2.2.4: a cell is 32 bits */

/* DTSpec 2.3.4: "okay" enabled; legacy trees write "ok"; absent means enabled. */
static bool node_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s)
		return true;
	return (len == sizeof("okay") && !memcmp(s, "okay", len)) ||
	       (len == sizeof("ok") && !memcmp(s, "ok", len));
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(&p[i]);
	return v;
}

/* #address-cells / #size-cells of bus node `bus` (the cells of its children's reg). */
static int bus_cells(const void *fdt, int bus, int *ac, int *sc)
{
	*ac = fdt_address_cells(fdt, bus);
	*sc = fdt_size_cells(fdt, bus);
	if (*ac < 0 || *sc < 0)
		return log_error_ret(KB_EINVAL, "DT: bad #address-cells/#size-cells in node %s",
				     fdt_get_name(fdt, bus, NULL));
	if (*ac < 1 || *ac > DT_MAX_CELLS_64 || *sc > DT_MAX_CELLS_64)
		return log_error_ret(
			KB_EUNSUPP,
			"DT: node %s has #address-cells %d, #size-cells %d: only 64-bit values "
			"are supported",
			fdt_get_name(fdt, bus, NULL), *ac, *sc);
	return KB_OK;
}

/* Maps addr, an address in the child space of `bus`, to the space of bus's parent. */
static int translate_one(const void *fdt, int bus, int ac, int sc, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus);
	int pac, psc, len, entry_cells, i, n;
	const fdt32_t *r;

	if (parent < 0)
		return log_error_ret(KB_EINVAL, "DT: cannot find the parent of %s",
				     fdt_get_name(fdt, bus, NULL));
	if (bus_cells(fdt, parent, &pac, &psc))
		return KB_EUNSUPP;
	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return log_error_ret(KB_EUNSUPP,
				     "DT: bus %s has no ranges: its devices are not memory-mapped",
				     fdt_get_name(fdt, bus, NULL));
	if (len == 0)
		return KB_OK; /* empty ranges: identity (DTSpec 2.3.8) */
	entry_cells = ac + pac + sc;
	if (len % (entry_cells * DT_CELL_SIZE))
		return log_error_ret(
			KB_EINVAL,
			"DT: bus %s: ranges of %d bytes is not a whole number of entries",
			fdt_get_name(fdt, bus, NULL), len);
	n = len / (entry_cells * DT_CELL_SIZE);
	for (i = 0; i < n; i++, r += entry_cells) {
		uint64_t child = read_cells(r, ac);
		uint64_t paddr = read_cells(r + ac, pac);
		uint64_t length = read_cells(r + ac + pac, sc);

		if (*addr >= child && *addr - child < length) {
			*addr = paddr + (*addr - child);
			return KB_OK;
		}
	}
	return log_error_ret(KB_EINVAL, "DT: bus %s: address 0x%llx is outside its ranges",
			     fdt_get_name(fdt, bus, NULL), (unsigned long long)*addr);
}

/* The CPU physical address of node's first reg entry. */
static int node_reg_pa(const void *fdt, int node, uint64_t *pa, uint64_t *size)
{
	int bus = fdt_parent_offset(fdt, node);
	int ac, sc, len, depth, err;
	const fdt32_t *reg;

	if (bus < 0) {
		/* The root: stdout-path (or an alias) may name "/" itself. */
		return log_error_ret(KB_EINVAL,
				     "DT: the console node %s has no parent bus, so no reg to read",
				     node == 0 ? "/" : fdt_get_name(fdt, node, NULL));
	}
	err = bus_cells(fdt, bus, &ac, &sc);
	if (err)
		return err;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (ac + sc) * DT_CELL_SIZE)
		return log_error_ret(KB_EINVAL, "DT: node %s has no usable reg (%d bytes, want %d)",
				     fdt_get_name(fdt, node, NULL), reg ? len : 0,
				     (ac + sc) * DT_CELL_SIZE);
	*pa = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	/* Climb until the root, whose child address space is the CPU's. */
	for (depth = 0; bus != 0; depth++) {
		if (depth == DT_MAX_BUS_DEPTH)
			return log_error_ret(KB_EUNSUPP,
					     "DT: node %s is nested deeper than %d buses",
					     fdt_get_name(fdt, node, NULL), DT_MAX_BUS_DEPTH);
		err = translate_one(fdt, bus, ac, sc, pa);
		if (err)
			return err;
		bus = fdt_parent_offset(fdt, bus);
		if (bus < 0 || bus_cells(fdt, bus, &ac, &sc))
			return KB_EINVAL;
	}
	return KB_OK;
}

/* The node stdout-path names, or a negative error. */
static int stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	const char *path;
	const char *colon;
	int len, node;

	if (chosen < 0)
		return chosen;
	path = fdt_getprop(fdt, chosen, DT_PROP_STDOUT_PATH, &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, DT_PROP_LINUX_STDOUT_PATH, &len);
	if (!path)
		return -FDT_ERR_NOTFOUND;
	if (len < 1 || !memchr(path, '\0', (size_t)len))
		return log_warn_ret(-FDT_ERR_BADVALUE, "DT /chosen/%s is not a string: ignored",
				    DT_PROP_STDOUT_PATH);
	/* DTSpec 3.6: "path[:options]"; the path may start with an alias. */
	colon = strchr(path, ':');
	len = colon ? (int)(colon - path) : (int)strlen(path);
	node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0)
		log_warn("DT /chosen/%s \"%s\" names no node: %s", DT_PROP_STDOUT_PATH, path,
			 fdt_strerror(node));
	return node;
}

static enum dt_uart_type uart_type(const void *fdt, int node)
{
	if (!fdt_node_check_compatible(fdt, node, "arm,pl011"))
		return DT_UART_PL011;
	if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
	    !fdt_node_check_compatible(fdt, node, "ns16550"))
		return DT_UART_16550;
	return DT_UART_OTHER;
}

int dt_find_uart(const void *fdt, struct dt_uart *out)
{
	int node = stdout_node(fdt);

	memset(out, 0, sizeof(*out));
	if (node >= 0 && !node_enabled(fdt, node)) {
		log_warn("DT: the stdout-path node %s is disabled", fdt_get_name(fdt, node, NULL));
		node = -FDT_ERR_NOTFOUND;
	}
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
		while (node >= 0 && !node_enabled(fdt, node))
			node = fdt_node_offset_by_compatible(fdt, node, "arm,pl011");
	}
	if (node < 0)
		return log_error_ret(KB_ENOENT,
				     "DT: no console UART (no stdout-path, no enabled arm,pl011)");
	out->node = node;
	out->type = uart_type(fdt, node);
	return node_reg_pa(fdt, node, &out->pa, &out->size);
}

int dt_psci_conduit(const void *fdt, enum dt_psci_conduit *out)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	const char *method;
	int node = -FDT_ERR_NOTFOUND, len;
	size_t i;

	for (i = 0; i < sizeof(compat) / sizeof(compat[0]) && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
	if (node < 0)
		node = fdt_path_offset(fdt, "/psci");
	if (node < 0)
		return log_error_ret(KB_ENOENT, "DT: no PSCI node");
	method = fdt_getprop(fdt, node, "method", &len);
	if (!method)
		return log_error_ret(KB_ENOENT, "DT: PSCI node %s has no method",
				     fdt_get_name(fdt, node, NULL));
	if (len == sizeof("hvc") && !memcmp(method, "hvc", len)) {
		*out = DT_PSCI_HVC;
		return KB_OK;
	}
	if (len == sizeof("smc") && !memcmp(method, "smc", len)) {
		*out = DT_PSCI_SMC;
		return KB_OK;
	}
	return log_error_ret(KB_EINVAL, "DT: PSCI method is not \"hvc\" or \"smc\" (%d bytes)",
			     len);
}
