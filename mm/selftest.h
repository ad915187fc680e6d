/* SPDX-License-Identifier: BSD-2-Clause */
/* On-CPU self test of the translation-table engine, for the EFI loader ("selftest mm" in
 * loader.conf). No UEFI types. PE only (mm/selftest_arm64.c). */
#ifndef KASLBOOT_MM_SELFTEST_H
#define KASLBOOT_MM_SELFTEST_H

#include <stdint.h>

#include "mm/pool.h"

/* The caller's reader of /chosen/kaslr-seed (dtb/seeds.h dt_kaslr_seed): mm/ knows
 * translation tables, not the DT format. Given the blob as one mapping shows it, it
 * returns KB_OK with *seed, KB_ENOENT or KB_EINVAL when there is no usable seed, and
 * KB_ECORRUPT when the bytes are no DT. It runs while the test's tables are live and
 * interrupts are masked, so it must not log or call the firmware. */
typedef int (*mm_selftest_seed_fn)(const void *fdt, uint64_t *seed);

/* Builds an init set (a small image, a fixmap holding the DT of fdt_size bytes at fdt_pa,
 * a console slot), installs it in TTBR1_EL1 next to the firmware's live TTBR0, checks
 * AT S1E1R/S1E1W + PAR_EL1 against mm_walk for every region edge and some holes, reads
 * the kaslr-seed with read_seed through the fixmap (at EL2: through the PA that AT
 * reports) and compares it with what read_seed finds in the identity-mapped `fdt`,
 * restores every register it changed and logs one line:
 *   mm-selftest: el=N at-checks=P/T fixmap-dt=ok|bad kaslr-seed=match|mismatch|absent result=pass|fail
 * (or "... result=skip reason=..." when the firmware's EL1 setup cannot be shared).
 * fdt_size is the blob's totalsize, 1 .. BOOT_DT_MAX_SIZE. The pool needs about 16 pages.
 * Returns 0 on pass, KB_EUNSUPP on skip, KB_ECORRUPT on a failed check, KB_EINVAL for a
 * DT that is not one, or the error of a failed build. */
int mm_cpu_selftest_run(const void *fdt, uint64_t fdt_pa, uint64_t fdt_size,
			struct mm_page_pool *pool, mm_selftest_seed_fn read_seed);

#endif
