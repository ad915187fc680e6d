#include <efi.h>
#include <efilib.h>

#include "dtb/efi_handoff.h"
#include "efi/exit.h"
#include "lib/err.h"
#include "lib/halt.h"
#include "lib/libc.h"
#include "lib/log.h"

/* Spare descriptors in the final map buffer: each allocation or free until the final
 * GetMemoryMap can split a descriptor; the kernel's stub keeps 32 (EFI_MMAP_NR_SLACK_SLOTS,
 * 6.12). */
#define FINAL_MAP_SLACK_DESCS 64
/* A changed map key means another GetMemoryMap; firmware events rarely need more than one. */
#define EXIT_RETRIES 8

int efi_final_map_reserve(struct efi_allocs *t, struct efi_final_map *m)
{
	UINTN size = 0, key, dsize = 0;
	UINT32 dver;
	EFI_STATUS s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (s != EFI_BUFFER_TOO_SMALL || !dsize) {
		log_error("GetMemoryMap did not report its size: status 0x%lx", (unsigned long)s);
		return KB_EIO;
	}
	m->cap = size + FINAL_MAP_SLACK_DESCS * dsize;
	m->desc_size = dsize;
	return efi_alloc_any(t, m->cap, 0, EfiLoaderData, &m->buf);
}

/* Once an ExitBootServices call has failed, UEFI (2.10, 7.4) allows only GetMemoryMap and
 * ExitBootServices: there is no way back to the firmware, so a machine whose firmware keeps
 * refusing is stopped here (cpu_halt) rather than handed to code that would call dead
 * services. */

int efi_exit_boot_services(EFI_HANDLE image, struct efi_final_map *m, void *fdt)
{
	EFI_STATUS s = EFI_INVALID_PARAMETER;
	for (int attempt = 0; attempt < EXIT_RETRIES && s == EFI_INVALID_PARAMETER; attempt++) {
		UINTN size = m->cap, key, dsize;
		UINT32 dver;
		EFI_MEMORY_DESCRIPTOR *map = (void *)(uintptr_t)m->buf;
		s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize, &dver);
		if (EFI_ERROR(s)) {
			if (attempt)
				cpu_halt();
			return KB_EIO;   /* nothing exited yet: the caller can still back out */
		}
		for (UINTN off = 0; off + dsize <= size; off += dsize) {
			EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + off);
			if (d->Attribute & EFI_MEMORY_RUNTIME)
				d->VirtualStart = d->PhysicalStart;
		}
		if (fdt && dt_update_efi_mmap(fdt, m->buf, (uint32_t)size, (uint32_t)dsize, dver)) {
			if (attempt)
				cpu_halt();
			return KB_EINVAL;
		}
		m->size = size;
		m->desc_size = dsize;
		m->desc_ver = dver;
		s = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
	}
	if (EFI_ERROR(s))
		cpu_halt();
	return 0;
}
