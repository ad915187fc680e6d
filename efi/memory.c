#include <efi.h>
#include <efilib.h>

#include "efi/memory.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"

int efi_memmap_get(struct memmap *out)
{
	UINTN entries = 0, key, desc_size;
	UINT32 desc_ver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &desc_size, &desc_ver);
	out->entries = NULL;
	out->count = 0;
	if (!map) {
		log_error("cannot read the firmware memory map");
		return KB_EIO;
	}
	out->entries = AllocatePool(entries * sizeof(*out->entries) + 1);
	if (!out->entries) {
		FreePool(map);
		log_error("no memory for a copy of the memory map");
		return KB_ENOMEM;
	}
	for (UINTN i = 0; i < entries; i++) {
		/* The firmware's stride (desc_size) may exceed sizeof(EFI_MEMORY_DESCRIPTOR). */
		EFI_MEMORY_DESCRIPTOR *d = (void *)((UINT8 *)map + i * desc_size);
		out->entries[i].phys = d->PhysicalStart;
		out->entries[i].pages = d->NumberOfPages;
		out->entries[i].type = d->Type;
		out->entries[i].attr = d->Attribute;
	}
	out->count = entries;
	FreePool(map);
	return 0;
}

void efi_memmap_free(struct memmap *map)
{
	if (map->entries)
		FreePool(map->entries);
	map->entries = NULL;
	map->count = 0;
}

static int track(struct efi_allocs *t, uint64_t base, uint64_t pages)
{
	if (t->n == EFI_TRACK_MAX) {
		uefi_call_wrapper(BS->FreePages, 2, base, pages);
		log_error("too many allocations in one boot attempt");
		return KB_ENOMEM;
	}
	t->a[t->n].base = base;
	t->a[t->n].pages = pages;
	t->n++;
	return 0;
}

int efi_alloc_at(struct efi_allocs *t, uint64_t base, uint64_t bytes, EFI_MEMORY_TYPE type)
{
	EFI_PHYSICAL_ADDRESS addr = base;
	uint64_t pages = efi_pages(bytes);
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, type, pages, &addr);
	if (EFI_ERROR(s))
		return KB_ENOMEM;
	return track(t, base, pages);
}

int efi_claim(uint64_t start, uint64_t size, void *ctx)
{
	struct efi_claim *c = ctx;
	return efi_alloc_at(c->allocs, start, size, c->type);
}

int efi_alloc_any(struct efi_allocs *t, uint64_t bytes, uint64_t max, EFI_MEMORY_TYPE type,
		  uint64_t *base)
{
	EFI_PHYSICAL_ADDRESS addr = max ? max - 1 : ~0ULL;
	uint64_t pages = efi_pages(bytes);
	EFI_STATUS s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, type, pages, &addr);
	if (EFI_ERROR(s)) {
		log_error("cannot allocate %lu KiB: status 0x%lx", (unsigned long)(bytes >> 10),
			  (unsigned long)s);
		return KB_ENOMEM;
	}
	*base = addr;
	return track(t, addr, pages);
}

void efi_free(struct efi_allocs *t, uint64_t base)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (t->a[i].base != base)
			continue;
		uefi_call_wrapper(BS->FreePages, 2, t->a[i].base, t->a[i].pages);
		t->a[i] = t->a[--t->n];
		return;
	}
}

void efi_free_all(struct efi_allocs *t)
{
	while (t->n) {
		t->n--;
		uefi_call_wrapper(BS->FreePages, 2, t->a[t->n].base, t->a[t->n].pages);
	}
}
