#ifndef KASLBOOT_EFI_EXIT_H
#define KASLBOOT_EFI_EXIT_H

#include <efi.h>
#include <stdint.h>

#include "efi/memory.h"

/* The final memory map handed to the OS, in a LoaderData buffer reserved ahead. */
struct efi_final_map {
	uint64_t buf;       /* physical address of the map buffer */
	uint64_t cap;       /* its size */
	uint64_t size;      /* bytes of the final map */
	uint64_t desc_size;
	uint32_t desc_ver;
};

/* Reserves the buffer: the current map's size plus slack for the descriptors that the
 * allocations still to come (and this one) add. */
int efi_final_map_reserve(struct efi_allocs *t, struct efi_final_map *m);

/* Exits boot services: GetMemoryMap into the reserved buffer, every runtime descriptor
 * given VirtualStart = PhysicalStart (Linux maps runtime regions 1:1 without
 * SetVirtualAddressMap), the DT's linux,uefi-mmap-* placeholders filled in place when fdt
 * is not NULL, then ExitBootServices, retried with a fresh map when the key went stale.
 * Nothing is allocated or printed between the last GetMemoryMap and the call. If the
 * first GetMemoryMap already fails, boot services are still up and an error is returned;
 * after a refused ExitBootServices there is no way back (only these two services remain),
 * so a firmware that keeps refusing stops the machine. The console must be detached by
 * the caller first. */
int efi_exit_boot_services(EFI_HANDLE image, struct efi_final_map *m, void *fdt);

#endif
