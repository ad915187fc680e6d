/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/memreserve.h"

#include <string.h>

#include "lib/log.h"

const struct kb_guid linux_memreserve_table_guid = {
	0x888eb0c6, 0x8ede, 0x4ff5, { 0xa8, 0xf0, 0x9a, 0xee, 0x5c, 0xb9, 0x77, 0xc2 }
};

void memreserve_install(const struct kb_platform *pf, struct kb_allocs *allocs, bool *installed)
{
	uint64_t pa;
	*installed = false;
	if (kb_alloc_below(allocs, sizeof(struct linux_efi_memreserve_head), 0, KB_MEM_DATA, &pa)) {
		log_warn("no memory for the memreserve table: Linux cannot keep reservations");
		return;
	}
	memset((void *)(uintptr_t)pa, 0, sizeof(struct linux_efi_memreserve_head));
	if (pf->install_config_table(pf->ctx, &linux_memreserve_table_guid,
				     (void *)(uintptr_t)pa)) {
		kb_free(allocs, pa);
		log_warn(
			"the memreserve table cannot be installed: Linux cannot keep reservations");
		return;
	}
	*installed = true;
}

void memreserve_remove(const struct kb_platform *pf, bool *installed)
{
	if (*installed)
		pf->install_config_table(pf->ctx, &linux_memreserve_table_guid, NULL);
	*installed = false;
}
