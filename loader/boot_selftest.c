/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/boot_selftest.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "dtb/seeds.h"
#include "loader/allocs.h"
#include "mm/pool.h"
#include "mm/selftest.h"

/* mm_cpu_selftest_run needs ~16 table pages; twice that leaves room for a larger DT. */
#define MM_SELFTEST_PAGES 32

int boot_selftest_run(const struct kb_platform *pf, const struct kb_firmware *fw,
		      const char *name)
{
	struct kb_allocs allocs;
	struct mm_page_pool pool;
	uint64_t base;
	int rc;

	if (strcmp(name, "mm"))
		return log_error_ret(KB_EINVAL, "loader.conf: unknown selftest '%s' (known: mm)",
				     name);
	if (!fw->fdt)
		return log_error_ret(
			KB_ENOENT,
			"mm-selftest: needs the firmware's devicetree (boot with acpi=off)");
	kb_allocs_init(&allocs, pf);
	rc = kb_alloc_below(&allocs, MM_SELFTEST_PAGES * MEMMAP_PAGE_SIZE, 0, KB_MEM_DATA, &base);
	if (rc)
		return rc;
	/* UEFI maps memory 1:1, so the pool's VA is its PA. */
	rc = mm_pool_init(&pool, (void *)(uintptr_t)base, base, MM_SELFTEST_PAGES);
	if (!rc)
		rc = mm_cpu_selftest_run(fw->fdt, (uint64_t)(uintptr_t)fw->fdt, fw->fdt_size, &pool,
					 dt_kaslr_seed);
	kb_free_all(&allocs);
	return rc;
}
