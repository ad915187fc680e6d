/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/handback.h"

#include "loader/boot_count.h"

void handback_return(struct kb_boot *b)
{
	boot_count_forget(b->pf);
}
