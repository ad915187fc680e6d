/* Firmware memory: the memory map in portable form, and page allocations that are
 * tracked so a failed boot attempt gives back everything it took. */
#ifndef KASLBOOT_EFI_MEMORY_H
#define KASLBOOT_EFI_MEMORY_H

#include <efi.h>
#include <stdint.h>

#include "lib/memmap.h"

/* A snapshot of the memory map; entries live in a pool allocation (efi_memmap_free). */
int efi_memmap_get(struct memmap *out);
void efi_memmap_free(struct memmap *map);

#define EFI_TRACK_MAX 16

/* Allocations of one boot attempt. */
struct efi_allocs {
	struct {
		uint64_t base;
		uint64_t pages;
	} a[EFI_TRACK_MAX];
	unsigned n;
};

/* AllocatePages(AllocateAddress) of [base, base + bytes); KB_ENOMEM if the firmware says no. */
int efi_alloc_at(struct efi_allocs *t, uint64_t base, uint64_t bytes, EFI_MEMORY_TYPE type);
/* AllocatePages(AllocateMaxAddress) anywhere below max (exclusive; 0: anywhere). */
int efi_alloc_any(struct efi_allocs *t, uint64_t bytes, uint64_t max, EFI_MEMORY_TYPE type,
		  uint64_t *base);
/* A kaslr_claim_fn (loader/kaslr_claim.h): efi_alloc_at into ctx's tracker and type. */
struct efi_claim {
	struct efi_allocs *allocs;
	EFI_MEMORY_TYPE type;
};
int efi_claim(uint64_t start, uint64_t size, void *ctx);

/* Frees one tracked allocation by base, or all of them. */
void efi_free(struct efi_allocs *t, uint64_t base);
void efi_free_all(struct efi_allocs *t);

static inline uint64_t efi_pages(uint64_t bytes) { return (bytes + 4095) >> 12; }

#endif
