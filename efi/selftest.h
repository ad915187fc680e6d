#ifndef KASLBOOT_EFI_SELFTEST_H
#define KASLBOOT_EFI_SELFTEST_H

#include "efi/sysinfo.h"

/* Runs the on-CPU self test named by loader.conf's `selftest` key ("mm": mm/selftest.h),
 * which reports its own result line; the boot then goes on. Unknown names are an error. */
int efi_selftest_run(const char *name, const struct sysinfo *si);

#endif
