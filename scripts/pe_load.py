# SPDX-License-Identifier: BSD-2-Clause
"""A PE32+ file loaded as EDK2's PeCoffLoader loads it: used by scripts/pe-check.py (which
checks both the outer BOOTAA64.EFI and its body) and scripts/pe-body.py (which flattens
the body for compression). Field names: Microsoft "PE Format"."""
import struct

IMAGE_FILE_MACHINE_ARM64, PE32PLUS, EFI_APPLICATION = 0xAA64, 0x20B, 10
IMAGE_SCN_MEM_WRITE, IMAGE_SCN_MEM_EXECUTE = 0x80000000, 0x20000000


def load_pe(pe, errors, fill=b"\xa5"):
    """The memory image a PE loader builds, its sections, entry point and size. What no
    section covers holds `fill`: a loader need not clear it."""
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
    image = bytearray(fill * size_of_image)
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
