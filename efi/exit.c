/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/console.h"
#include "efi/exit.h"
#include "efi/firmware.h"
#include "efi/memory.h"
#include "efi/status.h"
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

static EFI_HANDLE exit_image;
static EFI_SYSTEM_TABLE *exit_st;

void efi_exit_set_image(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	exit_image = image;
	exit_st = st;
}

/* The buffer: the current map's size plus slack for the descriptors that this allocation
 * and the firmware's own events add. */
static int reserve(uint64_t *buf, uint64_t *cap)
{
	UINTN size = 0, key, dsize = 0;
	UINT32 dver;
	EFI_STATUS s = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (s != EFI_BUFFER_TOO_SMALL || !dsize)
		return log_error_ret(KB_EIO, "GetMemoryMap did not report its size: %s",
				     efi_status_text(s));
	*cap = size + FINAL_MAP_SLACK_DESCS * dsize;
	return efi_alloc_below(NULL, *cap, 0, KB_MEM_DATA, buf);
}

/* Once an ExitBootServices call has failed, UEFI (2.10, 7.4) allows only GetMemoryMap and
 * ExitBootServices: there is no way back to the firmware, so a machine whose firmware keeps
 * refusing is stopped here (cpu_halt) rather than handed to code that would call dead
 * services. */
static int exit_with_map(uint64_t buf, uint64_t cap, kb_exit_hook hook, void *arg,
			 struct kb_exit_map *out)
{
	EFI_STATUS s = EFI_INVALID_PARAMETER;
	for (int attempt = 0; attempt < EXIT_RETRIES && s == EFI_INVALID_PARAMETER; attempt++) {
		UINTN size = cap, key, dsize;
		UINT32 dver;
		EFI_MEMORY_DESCRIPTOR *map = (void *)(uintptr_t)buf;
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
		*out = (struct kb_exit_map){ .buf = buf, .size = size, .desc_size = dsize,
					     .desc_ver = dver };
		if (hook && hook(arg, out)) {
			if (attempt)
				cpu_halt();
			return KB_EINVAL;
		}
		s = uefi_call_wrapper(BS->ExitBootServices, 2, exit_image, key);
	}
	if (EFI_ERROR(s))
		cpu_halt();
	return 0;
}

int efi_exit_boot_services(void *ctx, kb_exit_hook hook, void *arg, struct kb_exit_map *out)
{
	uint64_t buf, cap;
	(void)ctx;
	int rc = reserve(&buf, &cap);
	if (rc)
		return rc;
	console_detach();
	rc = exit_with_map(buf, cap, hook, arg, out);
	if (rc) {
		console_init(exit_image, exit_st);
		log_error("the final memory map could not be read: boot services kept");
		efi_free_pages(NULL, buf, cap);
	}
	return rc;
}
