#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the binary seed inputs of the fuzz targets whose input is a file format:
tests/fuzz/corpus/{lz4,image,gzip,elf,dt,overlay,kaslr}/. The text targets' seeds (config, cmdline,
glob, version, fmt) are written by hand. Deterministic: running it again gives the same
bytes. Needs dtc (device-tree-compiler) for the DT seeds.

    python3 tests/fuzz/mkcorpus.py

Each seed follows the input layout documented at the top of its tests/fuzz/fuzz_<target>.c.
"""
import gzip
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


# ---- arm64 Image (booting.rst) with an EFI stub's PE header ---------------------------------
IMAGE_MAGIC = 0x644d5241
PE_OFF = 64


def image_head(image_size, text_offset=0, flags=0xa, sections=((0x1000, 0x3000), (0x4000, 0x1000))):
    """The first 4 KiB of an Image: header, "PE\\0\\0", COFF header, an empty optional header
    of the usual size, and a section table (PointerToRawData, SizeOfRawData)."""
    h = bytearray(4096)
    struct.pack_into("<IIQQQ", h, 0, 0xfa405a4d, 0x14000010, text_offset, image_size, flags)
    struct.pack_into("<II", h, 56, IMAGE_MAGIC, PE_OFF)
    opt_size = 0xa0
    struct.pack_into("<4sHHIIIHH", h, PE_OFF, b"PE\0\0", 0xaa64, len(sections), 0, 0, 0,
                     opt_size, 0x206)
    table = PE_OFF + 24 + opt_size
    for i, (ptr, size) in enumerate(sections):
        s = table + 40 * i
        struct.pack_into("<8sIIII", h, s, b".text\0\0\0" if i == 0 else b".data\0\0\0",
                         size, ptr, size, ptr)
    return bytes(h)


def image_seeds():
    head = image_head(0x200000)
    put("image", "efi-complete", u64(0x5000) + head)
    put("image", "efi-truncated", u64(0x4800) + head)
    put("image", "legacy", u64(0x123456) + image_head(0, text_offset=0x80000, flags=0))
    put("image", "big-endian", u64(0x5000) + image_head(0x200000, flags=0xb))
    put("image", "gzip-head", u64(4096) + b"\x1f\x8b\x08\x08" + bytes(60))
    put("image", "elf-head", u64(64) + b"\x7fELF\x02\x01\x01" + bytes(57))


# ---- gzip and zboot -------------------------------------------------------------------------
def fake_image(n=8192):
    """A small fake Image: header, then code-like words and a counter, so deflate has both
    matches and literals."""
    b = bytearray(image_head(n + 0x10000)[:64])
    i = 0
    while len(b) < n:
        b += struct.pack("<II", 0xd503201f, i * 2654435761 & 0xffffffff)
        i += 1
    return bytes(b[:n])


def gz(data):
    # mtime 0 and a fixed name: the same bytes every run.
    import io
    out = io.BytesIO()
    with gzip.GzipFile(filename="Image", mode="wb", fileobj=out, mtime=0, compresslevel=9) as f:
        f.write(data)
    return out.getvalue()


def gzip_seeds():
    img = fake_image()
    z = gz(img)
    cap = (len(img) + 63) // 64  # exactly enough output, in 64-byte units
    hdr = lambda mode, cap, head: u8(mode) + u16(cap) + u16(head)
    put("gzip", "image", hdr(0, cap, 4096) + z)
    put("gzip", "zero-padded", hdr(0, cap, 64) + z + bytes(512))
    put("gzip", "truncated", hdr(0, cap, 4096) + z[: len(z) // 2])
    put("gzip", "cap-too-small", hdr(0, cap // 2, 0) + z)
    put("gzip", "two-members", hdr(0, 4 * cap, 100) + z + gz(b"second"))
    put("gzip", "trailing-dtb", hdr(0, cap, 64) + z + b"\xd0\x0d\xfe\xed" + bytes(28))
    # EFI zboot: MZ, "zimg", payload offset and size, "gzip", LINUX_PE_MAGIC, a PE header.
    payload_off = 0x200
    f = bytearray(payload_off)
    f[0:2] = b"MZ"
    f[4:8] = b"zimg"
    struct.pack_into("<II", f, 8, payload_off, len(z))
    f[24:29] = b"gzip\0"
    struct.pack_into("<II", f, 0x38, 0x818223cd, 0x80)
    struct.pack_into("<4sH", f, 0x80, b"PE\0\0", 0xaa64)
    put("gzip", "zboot", hdr(1, cap, 4096) + bytes(f) + z + u32(len(img)))
    g = bytearray(f)
    g[24:29] = b"zstd\0"
    put("gzip", "zboot-zstd", hdr(1, cap, 4096) + bytes(g) + z)


# ---- ELF payload (formats/elf.h): the layout of tests/unit/test_elf.c's canonical image ------
def elf_image(relr=True):
    PG, TEXT, RO, DATA = 0x1000, 0x1000, 0x2000, 0x3000
    b = bytearray(DATA + 0x40)
    # ELF header: 64-bit, little-endian, ET_DYN, EM_AARCH64, 4 program headers at 64.
    b[0:7] = b"\x7fELF\x02\x01\x01"
    struct.pack_into("<HHIQQQIHHHHHH", b, 16, 3, 183, 1, 0x40, 64, 0, 0, 64, 56, 4, 0, 0, 0)

    def phdr(i, ptype, flags, off, vaddr, filesz, memsz, align):
        struct.pack_into("<IIQQQQQQ", b, 64 + 56 * i, ptype, flags, off, vaddr, vaddr, filesz,
                         memsz, align)
    phdr(0, 1, 5, TEXT, 0, 0x100, 0x100, PG)        # text R X
    phdr(1, 1, 4, RO, 0x1000, PG, PG, PG)           # rodata R
    phdr(2, 1, 6, DATA, 0x2000, 0x40, 0x3000, PG)   # data + bss R W
    phdr(3, 2, 4, RO + 0x200, 0x1200, 8 * 16, 8 * 16, 8)  # PT_DYNAMIC
    for i in range(0x100):
        b[TEXT + i] = (0xc0 + i) & 0xff
    # RELA: R_AARCH64_RELATIVE (1027) into data, rodata and bss.
    for i, (where, add) in enumerate(((0x2000, 0x123), (0x1400, 0x2008), (0x4ff8, 0))):
        struct.pack_into("<QQq", b, RO + 24 * i, where, 1027, add)
    # RELR: an address entry, then a bitmap.
    struct.pack_into("<QQQ", b, RO + 0x100, 0x2010, (1 << 1 | 1 << 4) | 1, 1)
    struct.pack_into("<QQQ", b, DATA + 0x10, 0x10, 0x1000, 0)
    dyn = [(7, 0x1000), (8, 3 * 24), (9, 24)]
    if relr:
        dyn += [(36, 0x1100), (35, 3 * 8), (37, 8)]
    dyn += [(0, 0)]
    for i, (tag, val) in enumerate(dyn):
        struct.pack_into("<qQ", b, RO + 0x200 + 16 * i, tag, val)
    return bytes(b)


def elf_seeds():
    put("elf", "payload-relr", elf_image(True))
    put("elf", "payload-rela", elf_image(False))


# ---- device trees ---------------------------------------------------------------------------
def dtc(path):
    return subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", path],
                          check=True, stdout=subprocess.PIPE).stdout


def fdt(nodes, rsv=()):
    """A blob from a list of ("begin", name) / ("prop", name, bytes) / ("end",) items,
    written here so it can hold what dtc refuses (two properties of one name)."""
    strings = bytearray()
    offs = {}
    st = bytearray()
    for item in nodes:
        if item[0] == "begin":
            n = item[1].encode() + b"\0"
            st += struct.pack(">I", 1) + n + bytes(-len(n) % 4)
        elif item[0] == "end":
            st += struct.pack(">I", 2)
        else:
            name, val = item[1], item[2]
            if name not in offs:
                offs[name] = len(strings)
                strings += name.encode() + b"\0"
            st += struct.pack(">III", 3, len(val), offs[name]) + val + bytes(-len(val) % 4)
    st += struct.pack(">I", 9)
    rsvmap = b"".join(struct.pack(">QQ", a, s) for a, s in rsv) + bytes(16)
    off_rsv = 40
    off_struct = off_rsv + len(rsvmap)
    off_str = off_struct + len(st)
    total = off_str + len(strings)
    hdr = struct.pack(">10I", 0xd00dfeed, total, off_struct, off_str, off_rsv, 17, 16, 0,
                      len(strings), len(st))
    return hdr + rsvmap + bytes(st) + bytes(strings)


def plan(mode=0, seed=0x1122334455667788, rng_len=32, initrd=(0x48000000, 0x123000),
         args_len=40, systab=0xbff0f018, sb=2, slack=4096):
    """fuzz_dt.c's header (read_plan), mode bit 0 clear: a kaslr-seed follows."""
    return (u8(mode) + u64(seed) + u8(rng_len) + u64(initrd[0]) + u32(initrd[1]) +
            u16(args_len) + u64(systab) + u8(sb) + u16(slack))


def dt_seeds():
    fx = os.path.join(REPO, "tests", "unit", "fixtures")
    virt = dtc(os.path.join(fx, "dt_qemu_virt.dts"))
    put("dt", "qemu-virt", plan(mode=2) + virt)
    put("dt", "qemu-virt-kaslr-off", plan(mode=1, rng_len=0, args_len=0, slack=64) + virt)
    put("dt", "soc-bus", plan(sb=3) + dtc(os.path.join(fx, "dt_soc_bus.dts")))
    put("dt", "no-stdout", plan(sb=1, slack=200) + dtc(os.path.join(fx, "dt_no_stdout.dts")))
    be64 = lambda v: struct.pack(">Q", v)
    be32 = lambda v: struct.pack(">I", v)
    dup = fdt([("begin", ""), ("prop", "#address-cells", be32(2)), ("prop", "#size-cells", be32(2)),
               ("begin", "chosen"), ("prop", "kaslr-seed", be64(0x1111111111111111)),
               ("prop", "rng-seed", b"rng-seed-one-16\0"), ("prop", "bootargs", b"fw\0"),
               ("prop", "kaslr-seed", be64(0x2222222222222222)),
               ("prop", "rng-seed", b"rng-seed-two-16\0"), ("end",),
               ("begin", "chosen@1"), ("prop", "kaslr-seed", be64(0x3333333333333333)), ("end",),
               ("begin", "pl011@9000000"), ("prop", "compatible", b"arm,pl011\0"),
               ("prop", "reg", be64(0x9000000) + be64(0x1000)), ("end",),
               ("end",)], rsv=[(0x48000000, 0x10000)])
    put("dt", "duplicate-seeds", plan(mode=1) + dup)
    # The same tree with its reservation block moved to offset 0x2c (must be refused).
    mis = bytearray(dup[:40] + bytes(4) + dup[40:])
    total, off_struct, off_str, off_rsv = struct.unpack_from(">IIII", mis, 4)
    struct.pack_into(">IIII", mis, 4, total + 4, off_struct + 4, off_str + 4, off_rsv + 4)
    put("dt", "misaligned-rsvmap", plan() + bytes(mis))


def overlay_seeds():
    """fuzz_overlay.c: a slack byte, then a .dtbo compiled with dtc -@."""
    fx = os.path.join(REPO, "tests", "unit", "fixtures")
    def dtbo(name):
        return subprocess.run(["dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", "-",
                               os.path.join(fx, name)], check=True,
                              stdout=subprocess.PIPE).stdout
    put("overlay", "path-target", u8(16) + dtbo("dt_overlay_one.dtso"))
    put("overlay", "path-target-no-room", u8(0) + dtbo("dt_overlay_two.dtso"))
    put("overlay", "label-target", u8(16) + dtbo("dt_overlay_label.dtso"))


# ---- memory maps for slot choice (fuzz_kaslr.c read_input) ---------------------------------
def kaslr_seeds():
    seed = bytes(range(32))
    # Wide: QEMU virt with 4 GiB, a mirrored range, a hot-pluggable one; Linux's request.
    # Type byte: below 0xc0 is conventional memory, else the type is byte % 15 (0xc7: boot
    # services data, 0xc5: loader data).
    entries = [(7, 0, 0x40000000, 0x3f000), (0xc7, 0, 0x7f000000, 0x100),
               (7, 0, 0x7f100000, 0x80f00), (7, 1, 0x100000000, 0x40000),
               (7, 2, 0x140000000, 0x40000), (0xc5, 0, 0x9000000, 1)]
    w = u8(0 | 2 | (2 << 2)) + u8(21) + u64(0x10000) + u64(30 << 20) + u64(0) + u64(1 << 48)
    avoid = [(0x48000000, 0x200000), (0x50000000, 0x1000)] + [(0, 0)] * 6
    w += b"".join(u64(a) + u64(s) for a, s in avoid)
    w += u8(len(entries))
    for t, a, phys, pages in entries:
        w += u8(t) + u8(a) + u64(phys) + u64(pages) + u8(0)
    put("kaslr", "qemu-4g", w + seed + u8(0b0011) + u8(3))
    # Small: brute-force mode, a few entries, 2 MiB alignment, two ranges to avoid.
    s = u8(1 | 2 | (2 << 2)) + u8(2) + u8(0x10) + u16(0x4000) + u8(1) + u16(0x3000)
    avoid = [(0x800, 0x40), (0x2000, 0x800)] + [(0, 0)] * 6
    s += b"".join(u16(a) + u16(b) for a, b in avoid)
    small = [(7, 0, 0x10, 0x80), (7, 1, 0x40, 0x40), (0xc7, 0, 0x80, 0x20), (7, 4, 0xa0, 0x40)]
    s += u8(len(small)) + b"".join(u8(t) + u8(a) + u8(p) + u8(n) for t, a, p, n in small)
    put("kaslr", "small-mirrored", s + seed + u8(1) + u8(4))
    s2 = u8(1 | (0 << 2)) + u8(0) + u8(0) + u16(0x20) + u8(0) + bytes(32)
    small = [(7, 0, 0, 0x10), (7, 0, 0x8, 0x10), (7, 0, 0xf0, 0x0f)]
    s2 += u8(len(small)) + b"".join(u8(t) + u8(a) + u8(p) + u8(n) for t, a, p, n in small)
    put("kaslr", "small-overlapping", s2 + seed + u8(0xff) + u8(2))


# ---- a UKI's PE section table (fuzz_pe_sections.c: head-length byte, then the file) -------
def uki_file(sections, machine=0xaa64):
    lfanew, opt = 0x80, 0xf0
    table = lfanew + 24 + opt
    off = (table + 40 * len(sections) + 0x1ff) & ~0x1ff
    hdr = bytearray(off)
    hdr[0:2] = b"MZ"
    hdr[0x3c:0x40] = u32(lfanew)
    hdr[lfanew:lfanew + 24] = b"PE\0\0" + u16(machine) + u16(len(sections)) + bytes(12) + u16(opt) + u16(0)
    hdr[lfanew + 24:lfanew + 26] = u16(0x20b)
    body = b""
    for i, (name, data) in enumerate(sections):
        raw = (len(data) + 0x1ff) & ~0x1ff
        h = name.ljust(8, b"\0") + u32(len(data)) + u32(0x1000 * (i + 1)) + u32(raw) + u32(off + len(body))
        hdr[table + 40 * i:table + 40 * i + 24] = h
        body += data.ljust(raw, b"\0")
    return bytes(hdr) + body


def pe_sections_seeds():
    base = [(b".osrel", b"ID=debian\n"), (b".cmdline", b"quiet"), (b".linux", b"K" * 64),
            (b".initrd", b"I" * 32), (b".ucode", b"U")]
    put("pe_sections", "uki", u8(0) + uki_file(base))
    put("pe_sections", "two-profiles", u8(0) + uki_file(
        base + [(b".profile", b"ID=a\n"), (b".profile", b"ID=b\nTITLE=B\n"),
                (b".cmdline", b"b"), (b".dtbauto", b"d1"), (b".dtbauto", b"d2")]))
    put("pe_sections", "head-only", u8(8) + uki_file(base))
    put("pe_sections", "x86-64", u8(0) + uki_file(base, machine=0x8664))


# ---- LZ4 blocks (tests/fuzz/fuzz_lz4.c): u16 capacity, u8 mode, the bytes -----------------
def lz4_seeds():
    def seed(cap, mode, data):
        return u16(cap) + u8(mode) + data
    put("lz4", "literals-only", seed(5, 12, b"\x50hello"))
    put("lz4", "long-literals", seed(300, 12, b"\xf0\xff\x1e" + bytes(range(256)) + bytes(44)))
    # 'a', a run at offset 1, "ab" repeated at offset 2, the last five literals.
    put("lz4", "overlapping", seed(70, 12, b"\x1fa\x01\x00\x1f\x28ab\x02\x00\x50vwxyz"))
    put("lz4", "offset-zero", seed(64, 0, b"\x10a\x00\x00\x50\x01\x02\x03\x04\x05"))
    put("lz4", "text", seed(0, 9, b"kaslboot kaslboot kaslboot: a second-stage UEFI loader " * 4))


def main():
    pe_sections_seeds()
    lz4_seeds()
    image_seeds()
    gzip_seeds()
    elf_seeds()
    dt_seeds()
    overlay_seeds()
    kaslr_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
