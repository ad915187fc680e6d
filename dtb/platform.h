/* SPDX-License-Identifier: BSD-2-Clause */
/* What the loader itself needs to know about the machine from its DT: the console UART
 * (for the MMU-on payload's fixmap) and the PSCI conduit (the probe payload powers off
 * through it). RAM comes from the EFI memory map, never from DT /memory nodes. */
#ifndef KASLBOOT_DTB_PLATFORM_H
#define KASLBOOT_DTB_PLATFORM_H

#include <stdint.h>

enum dt_uart_type {
	DT_UART_OTHER = 0, /* a console kaslboot does not know how to drive */
	DT_UART_PL011,     /* compatible "arm,pl011" */
	DT_UART_16550,     /* compatible "ns16550a" / "ns16550" */
};

struct dt_uart {
	uint64_t pa;   /* CPU physical address of the registers (after bus "ranges") */
	uint64_t size; /* bytes of registers (0 if the parent has #size-cells = 0) */
	enum dt_uart_type type;
	int node;      /* its offset in the tree it was read from */
};

/* The console UART: the node /chosen/stdout-path names (a path or an alias, ":options"
 * suffix ignored; linux,stdout-path accepted too), else the first enabled "arm,pl011".
 * Its first reg entry is read with the parent's #address-cells/#size-cells and translated
 * through every ancestor's "ranges". Returns 0, KB_ENOENT (no console), KB_EINVAL (bad reg
 * or ranges) or KB_EUNSUPP (more than 64-bit cells, a bus without ranges). */
int dt_find_uart(const void *fdt, struct dt_uart *out);

enum dt_psci_conduit {
	DT_PSCI_HVC = 1, /* method = "hvc": call PSCI with HVC #0 */
	DT_PSCI_SMC = 2, /* method = "smc": call PSCI with SMC #0 */
};

/* The PSCI conduit from the psci node's "method" (DT binding arm/psci.yaml): the node is
 * found by compatible "arm,psci-1.0", "arm,psci-0.2" or "arm,psci", else at /psci.
 * Returns 0, KB_ENOENT (no PSCI node or method) or KB_EINVAL (another method). */
int dt_psci_conduit(const void *fdt, enum dt_psci_conduit *out);

#endif
