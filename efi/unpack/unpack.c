/* SPDX-License-Identifier: BSD-2-Clause */
/* The entry point of BOOTAA64.EFI: unpacks the loader (the body, efi/unpack/payload.S)
 * into pages of its own and runs it, as Linux's EFI zboot does for the kernel
 * (drivers/firmware/efi/libstub/zboot.c). The firmware reads and, under Secure Boot,
 * verifies the whole file, so the body is as trusted as this stub; the file is ~2/3 of
 * the loader's size, which is what keeps it in its budget (docs/hacking.md).
 * The body relocates itself at its _start (efi/self_relocate.c), at any base: all this
 * stub owes it is its image as a PE loader would lay it out, executable, then a call of
 * its entry point with our (ImageHandle, SystemTable). Its loaded-image protocol is
 * ours, which names the file it came from, as the body expects.
 * No .data, no .bss, no relocation (pe/unpack.lds): everything lives on the stack and is
 * reached PC-relative. A failure prints one line and goes back to the firmware, which
 * tries its next boot option. */
#include <efi.h>

#include "efi/unpack/memory_attribute.h"
#include "lib/align.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/lz4_block.h"
#include "mm/cpu.h"
#include "unpack_body.h"

/* The LZ4 block of the body, in .text (efi/unpack/payload.S). Hidden: reached adrp+add,
 * not through a GOT entry the firmware would have to relocate. */
extern const uint8_t unpack_payload[] __attribute__((visibility("hidden")));
extern const uint8_t unpack_payload_end[] __attribute__((visibility("hidden")));

#define EFI_PAGE_BYTES 4096u /* UEFI 2.10, 7.2 AllocatePages(): pages are 4 KiB */

typedef EFI_STATUS(EFIAPI *body_entry_fn)(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS EFIAPI unpack_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_STATUS fail(EFI_SYSTEM_TABLE *st, const CHAR16 *line, EFI_STATUS status)
{
	st->ConOut->OutputString(st->ConOut, (CHAR16 *)line);
	return status;
}

/* W^X, as the firmware's own PE loader would do with the body's section flags: its
 * header and .text read-only and executable, the rest (.data, .bss) writable and never
 * executable. The body writes only there: its RELR places and .bss are in .data
 * (scripts/pe-check.py checks every relocation against a writable section). A firmware
 * without the protocol leaves EfiLoaderCode executable (edk2's NX policy exempts it by
 * default; Debian's AAVMF under QEMU removes the protocol for old shims). */
static EFI_STATUS protect_body(EFI_BOOT_SERVICES *bs, EFI_PHYSICAL_ADDRESS base)
{
	static const EFI_GUID guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	struct efi_memory_attribute_protocol *ma;
	EFI_STATUS s;

	if (EFI_ERROR(bs->LocateProtocol((EFI_GUID *)&guid, NULL, (void **)&ma)))
		return EFI_SUCCESS;
	s = ma->clear_memory_attributes(ma, base, UNPACK_BODY_EXEC_END, EFI_MEMORY_XP);
	if (!EFI_ERROR(s))
		s = ma->set_memory_attributes(ma, base, UNPACK_BODY_EXEC_END, EFI_MEMORY_RO_ATTR);
	if (!EFI_ERROR(s) && UNPACK_BODY_IMAGE_SIZE > UNPACK_BODY_EXEC_END)
		s = ma->set_memory_attributes(ma, base + UNPACK_BODY_EXEC_END,
					      UNPACK_BODY_IMAGE_SIZE - UNPACK_BODY_EXEC_END,
					      EFI_MEMORY_XP);
	return s;
}

EFI_STATUS EFIAPI unpack_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	/* AllocatePages gives 4 KiB alignment: a body that wants more gets a larger block
	 * and its aligned start. */
	const UINTN pages =
		(UNPACK_BODY_IMAGE_SIZE + UNPACK_BODY_ALIGN - EFI_PAGE_BYTES) / EFI_PAGE_BYTES;
	EFI_PHYSICAL_ADDRESS mem, base;
	size_t len;
	EFI_STATUS s;

	s = st->BootServices->AllocatePages(AllocateAnyPages, EfiLoaderCode, pages, &mem);
	if (EFI_ERROR(s))
		return fail(st, L"kaslboot: no memory to unpack the loader into\r\n", s);
	base = align_up(mem, UNPACK_BODY_ALIGN);
	/* The block's length from its two ends, as addresses: two symbols, one array. */
	if (lz4_block_decode(unpack_payload,
			     (uintptr_t)unpack_payload_end - (uintptr_t)unpack_payload,
			     (uint8_t *)base, UNPACK_BODY_FLAT_SIZE, &len) ||
	    len != UNPACK_BODY_FLAT_SIZE) {
		st->BootServices->FreePages(mem, pages);
		return fail(st, L"kaslboot: the loader packed in this file is corrupt\r\n",
			    EFI_LOAD_ERROR);
	}
	/* What the file leaves out: the zero tail of .data's raw part, then .bss. */
	memset((uint8_t *)base + UNPACK_BODY_FLAT_SIZE, 0,
	       UNPACK_BODY_IMAGE_SIZE - UNPACK_BODY_FLAT_SIZE);
	/* Instructions were written as data: clean them out of the D-cache (to the PoC,
	 * which includes the PoU that instruction fetches see), then invalidate the
	 * I-cache so that no stale line of these pages is fetched (Arm ARM, "Concurrent
	 * modification and execution of instructions"): DC CVAC by line, DSB SY; IC
	 * IALLUIS, DSB ISH, ISB (mm/cpu_arm64.c, which the loader uses for the kernel). */
	mm_dcache_clean_poc(base, UNPACK_BODY_EXEC_END);
	mm_icache_invalidate_all();
	/* On failure the pages stay allocated: some may be read-only by now, and a
	 * firmware that clears what it frees would fault on them. */
	s = protect_body(st->BootServices, base);
	if (EFI_ERROR(s))
		return fail(st, L"kaslboot: the firmware would not make the loader executable\r\n",
			    s);
	/* The body's pages are not freed when it returns (a failed boot goes back to the
	 * firmware through here): what it registered and did not take back (an event, a
	 * configuration table or protocol interface in its .data) would point into freed
	 * memory. EfiLoaderCode is the OS's after ExitBootServices anyway. */
	return ((body_entry_fn)(base + UNPACK_BODY_ENTRY))(image, st);
}
