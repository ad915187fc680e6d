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
#include "loader/vamap.h"

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
static int exit_with_map(uint64_t buf, uint64_t cap, kb_exit_hook hook, void *arg, uint8_t *runtime,
			 struct kb_exit_map *out)
{
	EFI_STATUS s = EFI_INVALID_PARAMETER;
	size_t nruntime = 0;
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
		nruntime = vamap_assign((uint8_t *)map, size, dsize, runtime);
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
	/* Past the point of no return: a refusal only leaves Linux without runtime services,
	 * which it reads from the map (libstub fdt.c, allocate_new_fdt_and_exit_boot). */
	if (runtime && EFI_ERROR(uefi_call_wrapper(
			       RT->SetVirtualAddressMap, 4, nruntime * out->desc_size,
			       out->desc_size, out->desc_ver, (EFI_MEMORY_DESCRIPTOR *)runtime)))
		vamap_invalidate((uint8_t *)(uintptr_t)out->buf, out->size, out->desc_size);
	return 0;
}

int efi_exit_boot_services(void *ctx, kb_exit_hook hook, void *arg, bool vamap,
			   struct kb_exit_map *out)
{
	uint64_t buf, cap;
	uint8_t *runtime = NULL;
	(void)ctx;
	int rc = reserve(&buf, &cap);
	if (rc)
		return rc;
	/* SetVirtualAddressMap's copy of the runtime descriptors: at most the whole map. */
	if (vamap && !(runtime = efi_pool_get(cap))) {
		efi_free_pages(NULL, buf, cap);
		return log_error_ret(KB_ENOMEM, "no memory for SetVirtualAddressMap's map");
	}
	console_detach();
	rc = exit_with_map(buf, cap, hook, arg, runtime, out);
	if (rc) {
		console_init(exit_image, exit_st);
		log_error("the final memory map could not be read: boot services kept");
		efi_free_pages(NULL, buf, cap);
		efi_pool_put(runtime);
	}
	return rc;
}
