/* SPDX-License-Identifier: BSD-2-Clause */
/* What kaslboot leaves the firmware when it returns to it ("nothing booted"): no
 * LoaderBootCountPath naming an entry that never ran (issue 19). */
#ifndef KASLBOOT_LOADER_HANDBACK_H
#define KASLBOOT_LOADER_HANDBACK_H

#include "loader/boot.h"

/* When kaslboot returns to the firmware: deletes LoaderBootCountPath. */
void handback_return(struct kb_boot *b);

#endif
