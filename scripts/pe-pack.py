#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Packs the flat image of BOOTAA64.EFI (objcopy -O binary: file offset = RVA) into its PE file.

    pe-pack.py FLAT OUT

The section table in pe/header_aarch64.S is the one owner of the layout: the headers are
the first SizeOfHeaders bytes, and each section's SizeOfRawData bytes at its RVA go to its
PointerToRawData. Sections are a page apart in memory (SectionAlignment, so that the
firmware can map .text read-only and .data non-executable) but only FileAlignment apart in
the file, so neither the header page's nor .text's last page's padding is in the file.
Field names: Microsoft "PE Format". scripts/pe-check.py then loads the result as a
firmware would and compares it with the ELF.
"""
import struct
import sys

E_LFANEW = 0x3C                 # MS-DOS stub: offset of the PE signature
COFF_HEADER_SIZE = 24           # "PE\0\0" + the COFF file header
OPT_SIZE_OF_HEADERS = 60        # optional header: SizeOfHeaders
SECTION_HEADER_SIZE = 40


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


def main(flat_path, out_path):
    with open(flat_path, "rb") as f:
        flat = f.read()
    with open(out_path, "wb") as f:
        f.write(pack(flat))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
