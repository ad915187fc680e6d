/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/vamap.h"

#include <string.h>

#include "formats/smbios.h"
#include "lib/align.h"
#include "lib/bytes.h"
#include "lib/memmap.h"
#include "lib/sizes.h"

/* libstub/arm64.c, system_needs_vamap: the SMCCC SoC ID's JEP-106 bank/identity code and
 * SoC revision bits, and the two Ampere parts. */
#define SOC_ID_MASK      0xffff000fu
#define SOC_ID_ALTRA     0x0a160001u
#define SOC_ID_ALTRA_MAX 0x0a160002u
static const char altra[] = "Ampere(TM) Altra(TM) Processor";
static const char emag[] = "eMAG";

/* UEFI 2.10 7.2: EFI_MEMORY_DESCRIPTOR.VirtualStart, and the Attribute bit of memory
 * the runtime services use. */
#define UEFI_DESC_OFF_VIRT  16
#define UEFI_MEMORY_RUNTIME (1ULL << 63)
#define UEFI_PAGE_SHIFT     12
/* libstub efi-stub.c: EFI_RT_VIRTUAL_BASE, "the largest non-zero power of 2 suitable" for
 * both 32- and 64-bit Arm. */
#define RT_VIRTUAL_BASE (SZ_1G / 2)

static bool starts_with(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && !memcmp(s, prefix, plen);
}

bool vamap_needed(const struct kb_firmware *fw)
{
	const uint8_t *rec = fw->smbios_type4;
	size_t len;
	if (!rec || fw->rt_no_svam || fw->smbios_type4_max <= SMBIOS_TYPE4_OFF_VERSION ||
	    rec[SMBIOS_OFF_LENGTH] <= SMBIOS_TYPE4_OFF_VERSION)
		return false;
	uint32_t soc = get_le32(rec + SMBIOS_TYPE4_OFF_PROCESSOR_ID) & SOC_ID_MASK;
	if (soc == SOC_ID_ALTRA || soc == SOC_ID_ALTRA_MAX)
		return true;
	const char *v =
		smbios_string(rec, fw->smbios_type4_max, rec[SMBIOS_TYPE4_OFF_VERSION], &len);
	return v && (starts_with(v, len, altra, sizeof(altra) - 1) ||
		     starts_with(v, len, emag, sizeof(emag) - 1));
}

size_t vamap_assign(uint8_t *map, uint64_t size, uint64_t desc_size, uint8_t *runtime_out)
{
	uint64_t va = RT_VIRTUAL_BASE;
	size_t n = 0;
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		uint8_t *d = map + off;
		if (!(get_le64(d + UEFI_DESC_OFF_ATTR) & UEFI_MEMORY_RUNTIME))
			continue;
		uint64_t pa = get_le64(d + UEFI_DESC_OFF_PHYS);
		uint64_t bytes = get_le64(d + UEFI_DESC_OFF_PAGES) << UEFI_PAGE_SHIFT;
		if (!runtime_out) {
			put_le64(d + UEFI_DESC_OFF_VIRT, pa);
			continue;
		}
		/* Compatible with 64 KiB pages, so that kexec between 4K and 64K kernels works;
		 * section-mapped (2 MiB) where the region allows it. */
		uint64_t start = align_down(pa, SZ_64K);
		bytes += pa - start;
		va = align_up(va, is_aligned(pa, SZ_2M) && bytes >= SZ_2M ? SZ_2M : SZ_64K);
		put_le64(d + UEFI_DESC_OFF_VIRT, va + (pa - start));
		va += bytes;
		memcpy(runtime_out + n * desc_size, d, desc_size);
		n++;
	}
	return n;
}

void vamap_invalidate(uint8_t *map, uint64_t size, uint64_t desc_size)
{
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size)
		if (get_le64(map + off + UEFI_DESC_OFF_ATTR) & UEFI_MEMORY_RUNTIME)
			put_le64(map + off + UEFI_DESC_OFF_VIRT, UINT64_MAX);
}
