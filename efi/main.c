/* The PE's entry point: set up the console, say what the machine offers, read the
 * configuration, then try the entries in order. Every failure before ExitBootServices
 * returns an error status to the firmware, whose boot manager goes on to its next boot
 * option. */
#include <efi.h>
#include <efilib.h>

#include "efi/bli.h"
#include "efi/boot_linux.h"
#include "efi/boot_mmu_on.h"
#include "efi/config_load.h"
#include "efi/console.h"
#include "efi/file.h"
#include "efi/loadopts.h"
#include "efi/menu.h"
#include "efi/selftest.h"
#include "efi/sysinfo.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "loader/config.h"
#include "version.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_STATUS kb_to_efi(int rc)
{
	switch (rc) {
	case KB_OK: return EFI_SUCCESS;
	case KB_ENOENT: return EFI_NOT_FOUND;
	case KB_ENOMEM: case KB_ENOSPC: return EFI_OUT_OF_RESOURCES;
	case KB_EPERM: return EFI_SECURITY_VIOLATION;
	case KB_EUNSUPP: return EFI_UNSUPPORTED;
	case KB_EIO: return EFI_DEVICE_ERROR;
	case KB_ECORRUPT: return EFI_COMPROMISED_DATA;
	default: return EFI_LOAD_ERROR;
	}
}

static int boot_entries(struct boot_env *env, struct boot_config *bc)
{
	int rc = KB_ENOENT;
	for (unsigned i = 0; i < bc->n_order; i++) {
		const struct kb_entry *e = &bc->entries[bc->order[i]];
		if (i)
			log_info("falling back to entry '%s'", e->id);
		bli_set_entry_selected(e->id);
		switch (e->payload) {
		case KB_PAYLOAD_LINUX:
			rc = boot_linux(env, e);
			break;
		case KB_PAYLOAD_MMU_ON:
			rc = boot_mmu_on(env, e);
			break;
		default:
			log_error("entry '%s': this payload kind is not supported yet", e->id);
			rc = KB_EUNSUPP;
			break;
		}
		log_error("entry '%s' failed: %s", e->id, kb_strerror(rc));
	}
	return rc;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct boot_env env = { .image = image, .st = st, .t_start = cpu_counter() };
	struct boot_config bc = { .entries = NULL };
	char opts[KB_CMDLINE_MAX], id[KB_ID_MAX];
	int rc;

	InitializeLib(image, st);
	console_init(image, st);
	log_info("kaslboot %s (arm64 UEFI loader with KASLR)", KASLBOOT_VERSION);
	bli_set_loader_info(st, "kaslboot " KASLBOOT_VERSION);
	sysinfo_gather(st, &env.si);
	sysinfo_report(st, &env.si);
	efi_load_options(image, opts, sizeof(opts));
	id[0] = 0;
	if (opts[0]) {
		log_info("load options: %s", opts);
		if (config_load_options_entry_id(opts, id, sizeof(id)) < 0)
			id[0] = 0;
	}

	rc = efi_fs_init(image);
	if (!rc)
		rc = boot_config_load(&bc, id);
	if (!rc && bc.conf.selftest[0] && efi_selftest_run(bc.conf.selftest, &env.si))
		log_error("selftest %s failed; booting on", bc.conf.selftest);
	if (!rc) {
		/* An entry named by the load options was asked for: no menu in between. */
		if (!id[0])
			menu_run(&bc);
		env.conf = &bc.conf;
		rc = boot_entries(&env, &bc);
	}
	boot_config_free(&bc);
	efi_fs_close();
	log_error("nothing booted: returning to the firmware (%s)", kb_strerror(rc));
	return kb_to_efi(rc ? rc : KB_ENOENT);
}
