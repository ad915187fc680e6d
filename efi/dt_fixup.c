/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/dt_fixup.h"
#include "efi/firmware.h"
#include "efi/status.h"
#include "lib/err.h"
#include "lib/log.h"

/* The protocol as U-Boot defines and provides it (include/efi_dt_fixup.h,
 * lib/efi_loader/efi_dt_fixup.c; the EBBR-referenced EFI_DT_FIXUP_PROTOCOL proposal) and as
 * systemd-boot calls it (src/boot/devicetree.c). */
static EFI_GUID dt_fixup_guid = {
	0xe617d64c, 0xfe08, 0x46da, { 0xf4, 0xdc, 0xbb, 0xd5, 0x87, 0x0c, 0x73, 0x00 }
};

/* Fixup's Flags: add what the firmware knows (memory size, its reservations, board data),
 * and carve the tree's /memreserve/ and /reserved-memory out of the memory map. Not
 * EFI_DT_INSTALL_TABLE (4): the kernel gets the tree in x0, not as a table. */
#define DT_FIXUP_APPLY_FIXUPS   0x00000001u
#define DT_FIXUP_RESERVE_MEMORY 0x00000002u

struct dt_fixup_protocol {
	UINT64 Revision;
	EFI_STATUS(EFIAPI *Fixup)
	(struct dt_fixup_protocol *This, VOID *Fdt, UINTN *BufferSize, UINT32 Flags);
};

int efi_dt_fixup(void *ctx, void *fdt, size_t *buf_size)
{
	struct dt_fixup_protocol *p = NULL;
	UINTN size = *buf_size;
	(void)ctx;
	if (EFI_ERROR(
		    uefi_call_wrapper(BS->LocateProtocol, 3, &dt_fixup_guid, NULL, (void **)&p)) ||
	    !p)
		return KB_ENOENT;
	EFI_STATUS s = uefi_call_wrapper(p->Fixup, 4, p, fdt, &size,
					 DT_FIXUP_APPLY_FIXUPS | DT_FIXUP_RESERVE_MEMORY);
	*buf_size = size;
	if (s == EFI_BUFFER_TOO_SMALL)
		return KB_ENOMEM;
	if (EFI_ERROR(s))
		return log_error_ret(efi_status_to_kb(s), "EFI_DT_FIXUP_PROTOCOL failed: %s",
				     efi_status_text(s));
	return 0;
}
