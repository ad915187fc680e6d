/* On-CPU self test of the translation-table engine, for the EFI loader ("selftest mm" in
 * loader.conf). No UEFI types. PE only (mm/selftest_arm64.c). */
#ifndef KASLBOOT_MM_SELFTEST_H
#define KASLBOOT_MM_SELFTEST_H

#include <stdint.h>

#include "mm/pool.h"

/* Builds an init set (a small image, a fixmap holding the DT at fdt_pa, a console slot),
 * installs it in TTBR1_EL1 next to the firmware's live TTBR0, checks AT S1E1R/S1E1W +
 * PAR_EL1 against mm_walk for every region edge and some holes, reads /chosen/kaslr-seed
 * through the fixmap (at EL2: through the PA that AT reports) and compares it with the
 * identity-mapped `fdt`, restores every register it changed and logs one line:
 *   mm-selftest: el=N at-checks=P/T fixmap-dt=ok|bad kaslr-seed=match|mismatch|absent result=pass|fail
 * (or "... result=skip reason=..." when the firmware's EL1 setup cannot be shared).
 * The pool needs about 16 pages. Returns 0 on pass, KB_EUNSUPP on skip, KB_ECORRUPT on
 * a failed check, or the error of a failed build. */
int mm_cpu_selftest(const void *fdt, uint64_t fdt_pa, struct mm_page_pool *pool);

#endif
