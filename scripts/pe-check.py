#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks BOOTAA64.EFI against the ELF it was copied from, without firmware.

    pe-check.py build/kaslboot.so build/BOOTAA64.EFI

The PE header is hand-written (pe/header_aarch64.S) and the file is an objcopy of some
ELF sections, so nothing else proves that a UEFI loader ends up with the program the
linker made. This script reads the PE as EDK2's PeCoffLoader does (headers, every
section's raw data inside the file, SizeOfRawData bytes copied, the rest of VirtualSize
zero-filled, into SizeOfImage bytes that start out as garbage), then compares the result
byte for byte with every allocated ELF section (NOBITS ones as zeros), checks the entry
point, and reads the RELR table at _relr as efi/self_relocate.c does (its own reader, not
pe-pack.py's writer): it must name exactly the ELF's R_AARCH64_RELATIVE places, each in a
writable section and holding its addend. Prints one line; exits 1 with
the reasons on any mismatch, or when the file is over its size budget. PE field names:
Microsoft "PE Format"; ELF: the System V gABI.
"""
import os
import struct
import sys

from pe_elf import SHF_ALLOC, SHT_NOBITS, elf_relative_relocs, elf_sections, elf_symbol

# ELF sections the linker makes for -shared that the image does not use at run time (no
# symbol is looked up; pe-pack.py turned the RELA table into RELR at _relr): they lie
# outside the PE image.
NOT_LOADED = {".dynsym", ".dynstr", ".hash", ".gnu.hash", ".note.gnu.build-id", ".dynamic",
              ".rela.dyn", ".rela.plt", ".rela.got", ".rela.data"}
WORD = 8
IMAGE_FILE_MACHINE_ARM64, PE32PLUS, EFI_APPLICATION = 0xAA64, 0x20B, 10
IMAGE_SCN_MEM_WRITE, IMAGE_SCN_MEM_EXECUTE = 0x80000000, 0x20000000
# The loader's size budget (docs/hacking.md, "Build rules"): the firmware reads the whole
# file before kaslboot runs a line, on every boot.
PE_MAX_BYTES = 160 * 1024
# Work in progress may build over the budget to try something under QEMU
# (KASLBOOT_PE_BUDGET_KIB=176 make ...): the check says so on every build, and .ci/run
# clears the variable, so nothing over 160 KiB lands.
BUDGET_OVERRIDE = "KASLBOOT_PE_BUDGET_KIB"


def load_pe(pe, errors):
    """The memory image a PE loader builds, its sections, entry point and size."""
    if pe[:2] != b"MZ":
        errors.append("no MZ signature")
        return None
    (lfanew,) = struct.unpack_from("<I", pe, 0x3C)
    if pe[lfanew:lfanew + 4] != b"PE\0\0":
        errors.append("no PE signature at e_lfanew")
        return None
    machine, nsec, _, _, _, opt_size, _ = struct.unpack_from("<HHIIIHH", pe, lfanew + 4)
    opt = lfanew + 24
    magic, = struct.unpack_from("<H", pe, opt)
    entry, = struct.unpack_from("<I", pe, opt + 16)
    sect_align, file_align = struct.unpack_from("<II", pe, opt + 32)
    size_of_image, size_of_headers = struct.unpack_from("<II", pe, opt + 56)
    subsystem, = struct.unpack_from("<H", pe, opt + 68)
    if machine != IMAGE_FILE_MACHINE_ARM64 or magic != PE32PLUS or subsystem != EFI_APPLICATION:
        errors.append(f"machine {machine:#x} magic {magic:#x} subsystem {subsystem}: not an arm64 "
                      "PE32+ EFI application")
    if size_of_image % sect_align or size_of_headers % file_align:
        errors.append("SizeOfImage or SizeOfHeaders not aligned")
    image = bytearray(b"\xa5" * size_of_image)  # a loader need not clear what no section covers
    image[:size_of_headers] = pe[:size_of_headers]
    sections, prev_end = [], size_of_headers
    for i in range(nsec):
        name, vsize, va, raw_size, raw_ptr = struct.unpack_from("<8sIIII", pe, opt + opt_size + 40 * i)
        (chars,) = struct.unpack_from("<I", pe, opt + opt_size + 40 * i + 36)
        name = name.rstrip(b"\0").decode()
        if va % sect_align or va < prev_end or va + vsize > size_of_image:
            errors.append(f"{name}: RVA {va:#x}+{vsize:#x} misaligned, overlapping or past SizeOfImage")
            continue
        if raw_size % file_align or raw_ptr % file_align or raw_ptr + raw_size > len(pe):
            errors.append(f"{name}: raw data {raw_ptr:#x}+{raw_size:#x} misaligned or past the "
                          f"{len(pe)}-byte file (EDK2 reads the section's last byte)")
            continue
        n = min(vsize, raw_size)
        image[va:va + n] = pe[raw_ptr:raw_ptr + n]
        image[va + n:va + vsize] = bytes(vsize - n)
        sections.append((name, va, vsize, raw_size, chars))
        prev_end = va + vsize
    return image, sections, entry, size_of_headers


def main(elf_path, pe_path):
    elf, pe = open(elf_path, "rb").read(), open(pe_path, "rb").read()
    errors = []
    loaded = load_pe(pe, errors)
    if loaded is None:
        print(f"pe-check: {pe_path}: " + "; ".join(errors))
        return 1
    image, sections, entry, size_of_headers = loaded
    elf_secs = elf_sections(elf)
    start = elf_symbol(elf, elf_secs, "_start")
    if entry != start:
        errors.append(f"AddressOfEntryPoint {entry:#x} is not _start "
                      f"({'missing' if start is None else hex(start)})")
    if not any(va <= entry < va + vs and ch & IMAGE_SCN_MEM_EXECUTE for _, va, vs, _, ch in sections):
        errors.append("the entry point is in no executable section")

    try:
        relocs = elf_relative_relocs(elf, elf_secs)
    except ValueError as e:
        errors.append(f"{e}: efi/self_relocate.c applies only RELATIVE relocations")
        relocs = {}
    relr = (elf_symbol(elf, elf_secs, "_relr"), elf_symbol(elf, elf_secs, "_relr_end"))
    if None in relr:
        errors.append("no _relr/_relr_end symbols (pe/kaslboot.lds)")
        relr = (0, 0)
    covered = [(0, size_of_headers)] + [(va, va + vs) for _, va, vs, _, _ in sections]
    # Compared apart: the header page past SizeOfHeaders belongs to no PE section (a loader
    # leaves it as it finds it; the ELF may hold only the header's padding, zeros, there),
    # and the RELR room, which pe-pack.py filled.
    skipped = [(a[1], b[0]) for a, b in zip(covered, covered[1:]) if a[1] < b[0]] + [relr]
    for name, typ, flags, addr, off, size in elf_secs:
        if not flags & SHF_ALLOC or size == 0 or name in NOT_LOADED:
            continue
        if addr + size > len(image):
            errors.append(f"ELF {name} [{addr:#x}, {addr + size:#x}) lies outside the "
                          f"{len(image):#x}-byte image")
            continue
        want = bytearray(size) if typ == SHT_NOBITS else bytearray(elf[off:off + size])
        for place, addend in relocs.items():     # each place holds its link-time value
            if addr <= place and place + WORD <= addr + size:
                want[place - addr:place - addr + WORD] = struct.pack("<q", addend)
        got = bytearray(image[addr:addr + size])
        for lo, hi in skipped[:-1]:
            a, b = max(lo, addr), min(hi, addr + size)
            if a < b:
                got[a - addr:b - addr] = bytes(b - a)
        a, b = max(relr[0], addr), min(relr[1], addr + size)
        if a < b:
            got[a - addr:b - addr] = want[a - addr:b - addr]
        if got != want:
            bad = next(i for i in range(size) if got[i] != want[i])
            errors.append(f"ELF {name}: the loaded image differs at {addr + bad:#x}")

    # What efi/self_relocate.c does: even words are places, odd words bitmaps of the 63
    # places that follow, a zero word ends the table.
    places, where, cur = set(), None, relr[0]
    while True:
        if cur + WORD > relr[1]:
            errors.append("the RELR table has no end inside its room")
            break
        (word,) = struct.unpack_from("<Q", image, cur)
        cur += WORD
        if word == 0:
            break
        if not word & 1:
            places.add(word)
            where = word + WORD
        elif where is None:
            errors.append("the RELR table starts with a bitmap")
            break
        else:
            places.update(where + WORD * (bit - 1) for bit in range(1, 64) if word >> bit & 1)
            where += 63 * WORD
    if places != set(relocs):
        errors.append(f"RELR names {len(places)} places, the ELF {len(relocs)} relocations; "
                      f"first difference {min(places ^ set(relocs)):#x}")
    writable = [(va, va + vs) for _, va, vs, _, ch in sections if ch & IMAGE_SCN_MEM_WRITE]
    for place in sorted(places):
        if not any(lo <= place and place + WORD <= hi for lo, hi in writable):
            errors.append(f"relocation of {place:#x}: not in a writable section")
            break

    budget = PE_MAX_BYTES
    if os.environ.get(BUDGET_OVERRIDE):
        budget = int(os.environ[BUDGET_OVERRIDE]) * 1024
        print(f"pe-check: {BUDGET_OVERRIDE} set: budget {budget} bytes, not {PE_MAX_BYTES}")
    if len(pe) > budget:
        errors.append(f"{len(pe)} bytes, over the budget of {budget}")
    if errors:
        print(f"pe-check: {pe_path}: FAILED")
        for e in errors[:20]:
            print(f"  {e}")
        return 1
    desc = ", ".join(f"{n} {vs:#x} ({raw:#x} in file)" for n, _, vs, raw, _ in sections)
    print(f"pe-check: {pe_path}: {len(pe)} bytes, entry {entry:#x}, {desc}: loads as linked")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
