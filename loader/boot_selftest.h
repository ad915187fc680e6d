/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_LOADER_BOOT_SELFTEST_H
#define KASLBOOT_LOADER_BOOT_SELFTEST_H

#include "loader/platform.h"

/* Runs the on-CPU self test named by loader.conf's `selftest` key ("mm": mm/selftest.h),
 * which reports its own result line; the boot then goes on. Unknown names are an error. */
int boot_selftest_run(const struct kb_platform *pf, const struct kb_firmware *fw,
		      const char *name);

#endif
