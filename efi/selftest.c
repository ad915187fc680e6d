#include <efi.h>
#include <efilib.h>

#include "efi/memory.h"
#include "efi/selftest.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "mm/pool.h"
#include "mm/selftest.h"

/* mm_cpu_selftest needs ~16 table pages; twice that leaves room for a larger DT. */
#define MM_SELFTEST_PAGES 32

int efi_selftest_run(const char *name, const struct sysinfo *si)
{
	struct efi_allocs allocs = { .n = 0 };
	struct mm_page_pool pool;
	uint64_t base;
	int rc;

	if (strcmp(name, "mm")) {
		log_error("loader.conf: unknown selftest '%s' (known: mm)", name);
		return KB_EINVAL;
	}
	if (!si->fdt) {
		log_error("mm-selftest: needs the firmware's devicetree (boot with acpi=off)");
		return KB_ENOENT;
	}
	rc = efi_alloc_any(&allocs, MM_SELFTEST_PAGES * MEMMAP_PAGE_SIZE, 0, EfiLoaderData, &base);
	if (rc)
		return rc;
	/* UEFI maps memory 1:1, so the pool's VA is its PA. */
	rc = mm_pool_init(&pool, (void *)(uintptr_t)base, base, MM_SELFTEST_PAGES);
	if (!rc)
		rc = mm_cpu_selftest(si->fdt, (uint64_t)(uintptr_t)si->fdt, &pool);
	efi_free_all(&allocs);
	return rc;
}
