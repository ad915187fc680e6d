# SPDX-License-Identifier: BSD-2-Clause
"""What scripts/pe-pack.py and scripts/pe-check.py read from kaslboot.so: its sections, a
symbol's value and its R_AARCH64_RELATIVE relocations. ELF: the System V gABI; relocation
types: "ELF for the Arm 64-bit Architecture" (AAELF64)."""
import struct

SHT_RELA, SHT_NOBITS, SHF_ALLOC = 4, 8, 0x2
R_AARCH64_NONE, R_AARCH64_RELATIVE = 0, 1027
RELA_ENTRY_SIZE = 24


def elf_sections(elf):
    """(name, type, flags, addr, offset, size) of every section."""
    (e_shoff,) = struct.unpack_from("<Q", elf, 0x28)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    raw = [struct.unpack_from("<IIQQQQIIQQ", elf, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    strtab = raw[e_shstrndx][4]
    out = []
    for name, typ, flags, addr, off, size, *_ in raw:
        end = elf.index(b"\0", strtab + name)
        out.append((elf[strtab + name:end].decode(), typ, flags, addr, off, size))
    return out


def elf_symbol(elf, sections, want):
    """The value of symbol `want` in .symtab (local or global), or None."""
    symtab = next((s for s in sections if s[0] == ".symtab"), None)
    strtab = next((s for s in sections if s[0] == ".strtab"), None)
    if not symtab or not strtab:
        return None
    for off in range(symtab[4], symtab[4] + symtab[5], 24):
        name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", elf, off)
        end = elf.index(b"\0", strtab[4] + name)
        if elf[strtab[4] + name:end].decode() == want:
            return value
    return None


def elf_relative_relocs(elf, sections):
    """{place: addend} of every relocation, from all SHT_RELA sections. Raises ValueError on
    a type other than RELATIVE: the image's relocator applies only that one."""
    relocs = {}
    for name, typ, _, _, off, size in sections:
        if typ != SHT_RELA:
            continue
        for ent in range(off, off + size, RELA_ENTRY_SIZE):
            r_offset, r_info, r_addend = struct.unpack_from("<QQq", elf, ent)
            kind = r_info & 0xFFFFFFFF
            if kind == R_AARCH64_NONE:
                continue
            if kind != R_AARCH64_RELATIVE:
                raise ValueError(f"{name}: relocation type {kind} at {r_offset:#x}, not RELATIVE")
            relocs[r_offset] = r_addend
    return relocs
