/* The PE's entry point: set up the console, say what the machine offers, then run the
 * boot flow. Every failure before ExitBootServices returns an error status to the
 * firmware, whose boot manager goes on to its next boot option. */
#include <efi.h>
#include <efilib.h>

#include "efi/console.h"
#include "efi/sysinfo.h"
#include "loader/log.h"
#include "version.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct sysinfo si;

	InitializeLib(image, st);
	console_init(image, st);
	log_info("kaslboot %s (arm64 UEFI loader with KASLR)", KASLBOOT_VERSION);
	sysinfo_gather(st, &si);
	sysinfo_report(st, &si);
	log_info("nothing to boot yet: returning to the firmware");
	return EFI_NOT_FOUND;
}
