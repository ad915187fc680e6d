/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE's entry point: the console, what the machine offers, the platform table, then
 * the portable boot flow (loader/boot.c). Whatever it returns goes back to the firmware,
 * whose boot manager goes on to its next boot option. */
#include <efi.h>

#include "efi/console.h"
#include "efi/firmware.h"
#include "efi/loaded_image.h"
#include "efi/loadopts.h"
#include "efi/platform.h"
#include "efi/status.h"
#include "efi/sysinfo.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/log.h"
#include "loader/boot.h"
#include "loader/config.h"
#include "version.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static struct kb_firmware fw;
	static char opts[KB_CMDLINE_MAX];
	uint64_t t_start = cpu_counter();
	int rc;

	efi_firmware_init(image, st);
	console_init(image, st);
	log_info("kaslboot %s (arm64 UEFI loader with KASLR)", KASLBOOT_VERSION);
	sysinfo_gather(st, &fw);
	loaded_image_path(image, fw.image_path, sizeof(fw.image_path));
	loaded_image_part_uuid(image, fw.esp_part_uuid, sizeof(fw.esp_part_uuid));
	efi_load_options(image, opts, sizeof(opts));

	rc = efi_platform_init(image, st);
	if (!rc)
		rc = kaslboot_boot(&efi_platform, &fw, opts, "kaslboot " KASLBOOT_VERSION, t_start);
	else
		log_error("nothing booted: returning to the firmware (%s)", kb_strerror(rc));
	efi_platform_fini();
	return kb_to_efi_status(rc ? rc : KB_ENOENT);
}
