#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks BOOTAA64.EFI against the ELF it was copied from, without firmware.

    pe-check.py ELF PE
    pe-check.py --body BODY_ELF BODY_PE LZ4_TOOL STUB_ELF BOOTAA64.EFI

BOOTAA64.EFI is the unpack stub (efi/unpack/, pe/unpack.lds) around the LZ4-compressed
body, the loader (pe/kaslboot.lds). The second form checks the outer file against the
stub's ELF (no relocation, no writable section, at most PE_MAX_BYTES), the body's PE file
against the loader's ELF as below (at most BODY_MAX_BYTES), and that the block the outer
file holds decodes, by liblz4 (scripts/lz4-block.c), to exactly the body's loaded image,
whose sizes and entry point the stub was built with. The first form checks one image.

The PE header is hand-written (pe/header_aarch64.S) and the file is an objcopy of some
ELF sections, so nothing else proves that a UEFI loader ends up with the program the
linker made. This script reads the PE as EDK2's PeCoffLoader does (headers, every
section's raw data inside the file, SizeOfRawData bytes copied, the rest of VirtualSize
zero-filled, into SizeOfImage bytes that start out as garbage), then compares the result
byte for byte with every allocated ELF section (NOBITS ones as zeros), checks the entry
point, and reads the RELR table at _relr as efi/self_relocate.c does (its own reader, not
pe-pack.py's writer): it must name exactly the ELF's R_AARCH64_RELATIVE places, each in a
writable section and holding its addend. Prints a line per image; exits 1 with
the reasons on any mismatch, or when a file is over its size budget. PE field names:
Microsoft "PE Format"; ELF: the System V gABI.
"""
import os
import struct
import subprocess
import sys
import tempfile

from pe_elf import SHF_ALLOC, SHT_NOBITS, elf_relative_relocs, elf_sections, elf_symbol
from pe_load import IMAGE_SCN_MEM_EXECUTE, IMAGE_SCN_MEM_WRITE, load_pe

# ELF sections the linker makes for -shared that the image does not use at run time (no
# symbol is looked up; pe-pack.py turned the RELA table into RELR at _relr): they lie
# outside the PE image. The body's GOT is in its .data; the unpack stub's (pe/unpack.lds)
# is unused: no relocation fills it.
NOT_LOADED = {".dynsym", ".dynstr", ".hash", ".gnu.hash", ".note.gnu.build-id", ".dynamic",
              ".rela.dyn", ".rela.plt", ".rela.got", ".rela.data", ".got", ".got.plt"}
WORD = 8
# The loader's size budget (docs/hacking.md, "Build rules"): the firmware reads the whole
# file before kaslboot runs a line, on every boot.
PE_MAX_BYTES = 160 * 1024
# Work in progress may build over the budget to try something under QEMU
# (KASLBOOT_PE_BUDGET_KIB=176 make ...): the check says so on every build, and .ci/run
# clears the variable, so nothing over 160 KiB lands.
BUDGET_OVERRIDE = "KASLBOOT_PE_BUDGET_KIB"
# The body (the loader that efi/unpack/ unpacks) as its own PE file: 224 KiB, 40% over its
# 160 KiB when it became the packed body (December 2026), room for the UKI work (~20 KiB)
# and what follows it, while keeping code size a number someone must raise on purpose.
# KASLBOOT_PE_BUDGET_KIB scales it with the file's budget.
BODY_MAX_BYTES = 224 * 1024
ELF_E_ENTRY = 0x18
# What efi/unpack/payload.S tells of the body it packs.
STUB_FACTS = ("unpack_payload", "unpack_payload_end", "unpack_body_flat_size",
              "unpack_body_image_size", "unpack_body_align", "unpack_body_entry",
              "unpack_body_exec_end")


def check_image(elf, pe, errors):
    """Loads `pe` and compares it with `elf`; appends what differs to `errors`. The loaded
    image and its sections, or None."""
    loaded = load_pe(pe, errors)
    if loaded is None:
        return None
    image, sections, entry, size_of_headers = loaded
    elf_secs = elf_sections(elf)
    (start,) = struct.unpack_from("<Q", elf, ELF_E_ENTRY)
    if entry != start:
        errors.append(f"AddressOfEntryPoint {entry:#x} is not the ELF's entry {start:#x}")
    if not any(va <= entry < va + vs and ch & IMAGE_SCN_MEM_EXECUTE for _, va, vs, _, ch in sections):
        errors.append("the entry point is in no executable section")

    try:
        relocs = elf_relative_relocs(elf, elf_secs)
    except ValueError as e:
        errors.append(f"{e}: efi/self_relocate.c applies only RELATIVE relocations")
        relocs = {}
    relr = (elf_symbol(elf, elf_secs, "_relr"), elf_symbol(elf, elf_secs, "_relr_end"))
    # The unpack stub (pe/unpack.lds) has no RELR room: nothing relocates it.
    has_relr = None not in relr
    if not has_relr:
        if relocs:
            errors.append(f"{len(relocs)} relocations and no _relr/_relr_end room to apply "
                          "them from (pe/kaslboot.lds)")
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

    if not has_relr:
        return image, sections
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
    return image, sections


def describe(path, pe, sections):
    desc = ", ".join(f"{n} {vs:#x} ({raw:#x} in file)" for n, _, vs, raw, _ in sections)
    return f"{path}: {len(pe)} bytes, {desc}"


def check_body(stub_elf, image, body_elf, body, lz4_tool, errors):
    """The body packed in the outer file (efi/unpack/payload.S) decodes, by liblz4, to the
    image the body's own PE file loads as, and the stub's facts about it are that image's."""
    if check_image(body_elf, body, errors) is None:
        return
    flat_image, sections, entry, _ = load_pe(body, errors, fill=b"\0")
    flat = bytes(flat_image).rstrip(b"\0")
    secs = elf_sections(stub_elf)
    sym = {n: elf_symbol(stub_elf, secs, n) for n in STUB_FACTS}
    if None in sym.values():
        errors.append("the stub's ELF lacks " + ", ".join(n for n, v in sym.items() if v is None))
        return
    exec_end = max(va + vs for _, va, vs, _, ch in sections if ch & IMAGE_SCN_MEM_EXECUTE)
    for name, want in (("unpack_body_flat_size", len(flat)),
                       ("unpack_body_image_size", len(flat_image)),
                       ("unpack_body_entry", entry)):
        if sym[name] != want:
            errors.append(f"the stub's {name} is {sym[name]:#x}, the body's {want:#x}")
    if not exec_end <= sym["unpack_body_exec_end"] <= exec_end + sym["unpack_body_align"] or \
            any(va < sym["unpack_body_exec_end"] and ch & IMAGE_SCN_MEM_WRITE
                for _, va, _, _, ch in sections):
        errors.append(f"the stub's executable range ends at {sym['unpack_body_exec_end']:#x}: "
                      f"the body's code ends at {exec_end:#x}, and no writable section may "
                      "come before")
    packed = bytes(image[sym["unpack_payload"]:sym["unpack_payload_end"]])
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "body.lz4"), os.path.join(tmp, "body.flat")
        with open(src, "wb") as f:
            f.write(packed)
        r = subprocess.run([lz4_tool, "d", src, out, str(len(flat))], capture_output=True,
                           text=True, check=False)
        if r.returncode:
            errors.append(f"the packed body does not decode: {r.stderr.strip()}")
            return
        with open(out, "rb") as f:
            if f.read() != flat:
                errors.append("the packed body decodes to other bytes than the body's image")


def budget_of(default, what):
    if not os.environ.get(BUDGET_OVERRIDE):
        return default
    budget = int(os.environ[BUDGET_OVERRIDE]) * 1024 * default // PE_MAX_BYTES
    print(f"pe-check: {BUDGET_OVERRIDE} set: {what} budget {budget} bytes, not {default}")
    return budget


def main(argv):
    args = argv[1:]
    body_args = None
    if args[:1] == ["--body"] and len(args) == 6:
        body_args, args = args[1:4], args[4:]
    if len(args) != 2:
        sys.exit(__doc__)
    elf_path, pe_path = args
    elf, pe = open(elf_path, "rb").read(), open(pe_path, "rb").read()
    errors, lines = [], []
    loaded = check_image(elf, pe, errors)
    if loaded is not None:
        lines.append(describe(pe_path, pe, loaded[1]))
    budget = budget_of(PE_MAX_BYTES, "file")
    if len(pe) > budget:
        errors.append(f"{pe_path}: {len(pe)} bytes, over the budget of {budget}")
    if body_args and loaded is not None:
        body_elf_path, body_path, lz4_tool = body_args
        body = open(body_path, "rb").read()
        if any(ch & IMAGE_SCN_MEM_WRITE for _, _, _, _, ch in loaded[1]):
            errors.append(f"{pe_path}: a writable section: the stub keeps its state on its stack")
        check_body(elf, loaded[0], open(body_elf_path, "rb").read(), body, lz4_tool, errors)
        body_budget = budget_of(BODY_MAX_BYTES, "body")
        if len(body) > body_budget:
            errors.append(f"{body_path}: {len(body)} bytes unpacked, over the budget of "
                          f"{body_budget}")
        lines.append(describe(body_path, body, load_pe(body, [])[1]) + " unpacked")
    if errors:
        print(f"pe-check: {pe_path}: FAILED")
        for e in errors[:20]:
            print(f"  {e}")
        return 1
    for line in lines:
        print(f"pe-check: {line}: loads as linked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
