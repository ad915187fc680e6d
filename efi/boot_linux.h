#ifndef KASLBOOT_EFI_BOOT_LINUX_H
#define KASLBOOT_EFI_BOOT_LINUX_H

#include <efi.h>

#include "efi/config_load.h"
#include "efi/sysinfo.h"
#include "loader/config.h"

struct boot_env {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	struct sysinfo si;
	const struct kb_loader_conf *conf;
	uint64_t t_start;   /* counter at efi_main */
};

/* Boots one entry as a Linux arm64 Image (booting.rst). Returns only on failure, with
 * every allocation of the attempt freed and boot services still up. */
int boot_linux(struct boot_env *env, const struct kb_entry *e);

#endif
