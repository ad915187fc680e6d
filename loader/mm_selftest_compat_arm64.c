/* The former mm_cpu_selftest() entry point, kept for efi/ until the flow move; remove
 * after (the caller then passes dtb/'s reader itself, see mm/selftest.h). It lives in
 * loader/, the portable layer that may see both mm/ and dtb/: mm's on-CPU self test
 * reads the kaslr-seed with dtb's one reader, and the size comes from the blob's header. */
#include <libfdt.h>

#include "dtb/seeds.h"
#include "mm/selftest.h"

int mm_cpu_selftest(const void *fdt, uint64_t fdt_pa, struct mm_page_pool *pool)
{
	uint64_t size = fdt_check_header(fdt) ? 0 : fdt_totalsize(fdt);

	return mm_cpu_selftest_run(fdt, fdt_pa, size, pool, dt_kaslr_seed);
}
