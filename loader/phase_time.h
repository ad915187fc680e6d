/* SPDX-License-Identifier: BSD-2-Clause */
/* Where a boot's time goes: the flow's phases stamped with the counter (lib/counter.h).
 * Each stamp says which phase runs from now on; the time since the previous stamp belongs
 * to the phase before it, so every microsecond between efi_main and the report is counted
 * once. phase_report prints one debug line a phase and one info line with the totals:
 * the file reads against everything else kaslboot does. What happens after the report
 * (ExitBootServices, the last cache maintenance, the jump) cannot print: the firmware's
 * console is gone by then, and scripts/bench-boot.py times it from the host. */
#ifndef KASLBOOT_LOADER_PHASE_TIME_H
#define KASLBOOT_LOADER_PHASE_TIME_H

#include <stddef.h>
#include <stdint.h>

enum kb_phase {
	PHASE_START = 0,    /* efi_main to the flow: banner, what the firmware offers, volume */
	PHASE_CONFIG,       /* loader.conf, entries, Boot Loader Interface variables */
	PHASE_ENTROPY,      /* every source, the seed file */
	PHASE_MENU,         /* the menu, with any wait for a person (not kaslboot's cost) */
	PHASE_PLACE,        /* KASLR policy, memory map, headers checked, slots drawn, claimed */
	PHASE_KERNEL_READ,  /* the kernel file opened, read (header, then the rest), closed */
	PHASE_INITRD_READ,  /* the initrds opened, read, closed */
	PHASE_VERIFY,       /* Secure Boot: the firmware or shim checks the kernel */
	PHASE_MEASURE,      /* measured boot: the firmware hashes into the TPM, the event log */
	PHASE_INFLATE,      /* gzip / zboot kernels inflated into their slot */
	PHASE_DT,           /* the devicetree opened and /chosen written, the seed table */
	PHASE_CACHE,        /* the kernel cleaned to the point of coherency */
	PHASE_EXIT,         /* the report, LoaderTimeExecUSec, ExitBootServices */
	PHASE_COUNT
};

/* The boot starts: PHASE_START runs from t_start, the counter at efi_main. */
void phase_init(uint64_t t_start);
/* From now on the time is p's. */
void phase_enter(enum kb_phase p);
/* The running phase: work that interrupts several phases (a measurement) enters its own
 * and then goes back to this one. */
enum kb_phase phase_current(void);
/* Microseconds of phase p so far (the running phase up to now). */
uint64_t phase_us(enum kb_phase p);
/* The log lines: "phase NAME: X.XXX ms" at debug for each phase, then at info
 *   phases (ms): start 1.2, config 0.4, ..., cache 2.9; reads 95.1 (kernel 90.0,
 *   initrd 5.1), other 3.2 (3.4% of reads); firmware before kaslboot 1234.5
 * "other" is every phase but the reads and the menu (a person's wait). */
void phase_report(void);
/* "12.3": microseconds as milliseconds with one decimal, the lines' format. */
void phase_ms_text(char *buf, size_t size, uint64_t us);

#endif
