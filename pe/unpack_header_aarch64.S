/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE32+ header of the outer BOOTAA64.EFI: the unpack stub (efi/unpack/), laid out by
 * pe/unpack.lds, copied flat and packed by scripts/pe-pack.py like the body's header
 * (pe/header_aarch64.S). Two sections: .text (the stub, the version marker and the
 * compressed body: read and executed, never written) and .sbat (read-only data). The
 * entry point is the stub's C function itself: there is no .bss to clear and nothing to
 * relocate. Field names and offsets: Microsoft "PE Format". */

#include "pe/pe_header.h"

	/* No .bss, nothing to relocate: the stub's C function is the entry point. */
	pe_header unpack_main, _pe_sbat_raw_size, 0, sbat, _pe_sbat_virt_size, _sbat, \
		_pe_sbat_raw_size, PE_SCN_RODATA
