/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_hooks.h"

#include "lib/log.h"

/* Nothing yet: the measurements, Stub* variables and cpio packing are being written
 * against this interface (issue 21); until then a UKI boots unmeasured by PCR 11. */
int uki_hooks_prepared(struct kb_boot *b, const struct uki_loaded *u)
{
	(void)b;
	log_debug("%s: profile %u, %u sections", u->path, u->profile, u->n_sections);
	return 0;
}
