#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Packs the flat image of BOOTAA64.EFI (objcopy -O binary: file offset = RVA) into its PE file.

    pe-pack.py ELF FLAT OUT

1. Relocations. The image relocates itself (efi/self_relocate.c, before efi_main). The
   linker's RELA table (24 bytes a pointer) is not shipped: each place gets its link-time
   value (the addend: the image is linked at 0) and the list of places is written, in the
   RELR encoding of the gABI's SHT_RELR, into the room pe/kaslboot.lds keeps at
   [_relr, _relr_end), ended by a zero word. RELR: an even word is the address of a place,
   and the next place is 8 bytes on; an odd word is a bitmap whose bit i (1..63) marks the
   place 8 * (i - 1) bytes on from there, after which "there" moves 63 places on.
2. Layout. The section table in pe/header_aarch64.S is the one owner of the layout: the
   headers are the first SizeOfHeaders bytes, and each section's SizeOfRawData bytes at its
   RVA go to its PointerToRawData. Sections are a page apart in memory (SectionAlignment, so
   that the firmware can map .text read-only and .data non-executable) but only
   FileAlignment apart in the file.
Field names: Microsoft "PE Format". scripts/pe-check.py then loads the result as a
firmware would, relocates it with its own RELR reader and compares it with the ELF.
"""
import struct
import sys

from pe_elf import elf_relative_relocs, elf_sections, elf_symbol

E_LFANEW = 0x3C                 # MS-DOS stub: offset of the PE signature
COFF_HEADER_SIZE = 24           # "PE\0\0" + the COFF file header
OPT_SIZE_OF_HEADERS = 60        # optional header: SizeOfHeaders
SECTION_HEADER_SIZE = 40
WORD = 8
RELR_BITMAP_PLACES = 63         # a bitmap word's bits 1..63


def relr_encode(places):
    """The RELR words for a sorted list of 8-byte-aligned places."""
    words, i = [], 0
    while i < len(places):
        words.append(places[i])
        base = places[i] + WORD
        i += 1
        while i < len(places):
            bitmap = 0
            while i < len(places) and places[i] - base < RELR_BITMAP_PLACES * WORD:
                bitmap |= 1 << ((places[i] - base) // WORD + 1)
                i += 1
            if not bitmap:
                break
            words.append(bitmap | 1)
            base += RELR_BITMAP_PLACES * WORD
    return words


def relocate_flat(elf, flat):
    sections = elf_sections(elf)
    relocs = elf_relative_relocs(elf, sections)
    start, end = elf_symbol(elf, sections, "_relr"), elf_symbol(elf, sections, "_relr_end")
    if start is None or end is None:
        if relocs:      # the unpack stub (pe/unpack.lds) has neither
            raise SystemExit("pe-pack: relocations but no _relr/_relr_end in the ELF (pe/kaslboot.lds)")
        return
    for place, addend in relocs.items():
        if place % WORD or place + WORD > len(flat):
            raise SystemExit(f"pe-pack: relocation of {place:#x}: misaligned or outside the image")
        flat[place:place + WORD] = struct.pack("<Q", addend)
    words = relr_encode(sorted(relocs)) + [0]
    if start + WORD * len(words) > end:
        raise SystemExit(f"pe-pack: {len(words)} RELR words do not fit the {end - start} bytes "
                         "pe/kaslboot.lds keeps at _relr: raise RELR_ROOM there")
    flat[start:start + WORD * len(words)] = struct.pack(f"<{len(words)}Q", *words)


def pack(flat):
    (lfanew,) = struct.unpack_from("<I", flat, E_LFANEW)
    _, nsec, _, _, _, opt_size, _ = struct.unpack_from("<HHIIIHH", flat, lfanew + 4)
    opt = lfanew + COFF_HEADER_SIZE
    (size_of_headers,) = struct.unpack_from("<I", flat, opt + OPT_SIZE_OF_HEADERS)
    out = bytearray(flat[:size_of_headers])
    for i in range(nsec):
        _, _, va, raw_size, raw_ptr = struct.unpack_from("<8sIIII", flat, opt + opt_size + SECTION_HEADER_SIZE * i)
        if raw_ptr < len(out):
            raise SystemExit(f"pe-pack: section {i} at file offset {raw_ptr:#x} overlaps what precedes it")
        data = flat[va:va + raw_size]
        data += bytes(raw_size - len(data))     # objcopy stops at the last byte of content
        out += bytes(raw_ptr - len(out)) + data
    return bytes(out)


def main(elf_path, flat_path, out_path):
    with open(elf_path, "rb") as f:
        elf = f.read()
    with open(flat_path, "rb") as f:
        flat = bytearray(f.read())
    relocate_flat(elf, flat)
    with open(out_path, "wb") as f:
        f.write(pack(flat))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
