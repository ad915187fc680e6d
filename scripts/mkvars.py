#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes an AAVMF (edk2 ArmVirtQemu) NV variable store with the variables a test needs.

Debian's AAVMF_VARS.fd is blank (all zeros): the firmware formats it on first boot and its
boot manager then waits 5 s (no `Timeout` variable). This builds the store the firmware
would have formatted, already holding `Timeout` = 0 and, on request, `Boot####` entries and
`BootOrder`, so every boot goes straight to the option the test wants. With --fill it
rewrites a store the firmware has used into a full one (every live variable kept, filler
added), for the tests of what a full NVRAM does.

Layout (edk2 ArmVirtPkg/VarStore.fdf.inc, as AAVMF formats it; checked against a store the
firmware wrote itself): a firmware volume of 0xC0000 bytes at the start of the 64 MiB flash:
  0x00000  EFI_FIRMWARE_VOLUME_HEADER (PI spec vol. 3, 3.2.1) + VARIABLE_STORE_HEADER
           followed by AUTHENTICATED_VARIABLE_HEADER records (edk2 VariableFormat.h)
  0x40000  fault-tolerant-write working block (EDKII_WORKING_BLOCK_SIGNATURE_GUID header)
  0x80000  fault-tolerant-write spare block (erased)
"""
import argparse
import struct
import uuid
import zlib

FLASH_SIZE = 64 << 20
FV_LENGTH = 0xC0000
BLOCK_SIZE = 0x40000
VARSTORE_SIZE = BLOCK_SIZE           # the variable part of the FV
FTW_WORKING = 0x40000

SYSTEM_NV_DATA_FV_GUID = uuid.UUID("fff12b8d-7696-4c8b-a985-2747075b4f50")
AUTH_VARIABLE_GUID = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792")
WORKING_BLOCK_GUID = uuid.UUID("9e58292b-7c68-497d-a0ce-6500fd9f1b95")
EFI_GLOBAL_VARIABLE = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")

FVB_ATTRIBUTES = 0x00000E36          # what AAVMF writes (read/write enabled+status, ...)
FV_REVISION = 2                      # EFI_FVH_REVISION
VARSTORE_FORMATTED = 0x5A
VARSTORE_HEALTHY = 0xFE
VAR_START_ID = 0x55AA
VAR_ADDED = 0x3F
EFI_VARIABLE_NV_BS_RT = 0x7          # NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS
LOAD_OPTION_ACTIVE = 0x1
ERASED = 0xFF                        # NOR flash erased state


def fv_header():
    body = struct.pack("<16s16sQ4sIHHHBB", bytes(16), SYSTEM_NV_DATA_FV_GUID.bytes_le,
                       FV_LENGTH, b"_FVH", FVB_ATTRIBUTES, 0x48, 0, 0, 0, FV_REVISION)
    # Block map as AAVMF writes it, then the terminating zero entry.
    body += struct.pack("<IIII", 0x100, BLOCK_SIZE, 0, 0)
    words = struct.unpack("<%dH" % (len(body) // 2), body)
    checksum = (-sum(words)) & 0xFFFF    # the header's 16-bit words sum to zero
    return body[:50] + struct.pack("<H", checksum) + body[52:]


def variable(name, guid, data, attrs=EFI_VARIABLE_NV_BS_RT):
    name_bytes = (name + "\0").encode("utf-16-le")
    hdr = struct.pack("<HBBIQ16sIII16s", VAR_START_ID, VAR_ADDED, 0, attrs, 0, bytes(16), 0,
                      len(name_bytes), len(data), guid.bytes_le)
    rec = hdr + name_bytes + data
    return rec + bytes([ERASED]) * (-len(rec) % 4)   # records are 4-byte aligned


def file_path_device_path(path):
    """A file-path-only device path (UEFI 10.3.5.4); edk2's boot manager expands it by
    searching every simple file system for the file."""
    p = (path + "\0").encode("utf-16-le")
    node = struct.pack("<BBH", 4, 4, 4 + len(p)) + p     # MEDIA_DEVICE_PATH / FILEPATH
    end = struct.pack("<BBH", 0x7F, 0xFF, 4)             # END_DEVICE_PATH
    return node + end


def load_option(description, path, optional=b""):
    dp = file_path_device_path(path)
    return (struct.pack("<IH", LOAD_OPTION_ACTIVE, len(dp)) +
            (description + "\0").encode("utf-16-le") + dp + optional)


def ftw_working_header():
    hdr = bytearray(struct.pack("<16sIB3sQ", WORKING_BLOCK_GUID.bytes_le, 0xFFFFFFFF, ERASED,
                                b"\xff\xff\xff", BLOCK_SIZE - 0x20))
    crc = zlib.crc32(bytes(hdr))          # over the header with Crc and state still erased
    hdr[16:20] = struct.pack("<I", crc)
    hdr[20] = 0xFE                        # WorkingBlockValid set (bits clear to 0 on flash)
    return bytes(hdr)


VAR_HEADER_LEN = 60          # AUTHENTICATED_VARIABLE_HEADER
VAR_STORE_START = 0x64       # after the FV header (0x48) and VARIABLE_STORE_HEADER (0x1c)


def base_records(path, keep_all=False, drop=()):
    """The live variables of an existing store (e.g. AAVMF_VARS.snakeoil.fd, which holds
    enrolled Secure Boot keys), as raw records, minus the ones this tool writes itself
    (unless keep_all) and those named in `drop`."""
    d = open(path, "rb").read(VARSTORE_SIZE)
    off, out = VAR_STORE_START, b""
    while off + VAR_HEADER_LEN <= len(d):
        start_id, state = struct.unpack_from("<HB", d, off)
        if start_id != VAR_START_ID:
            break
        name_size, data_size = struct.unpack_from("<II", d, off + 36)
        end = off + VAR_HEADER_LEN + name_size + data_size
        name = d[off + VAR_HEADER_LEN:off + VAR_HEADER_LEN + name_size].decode("utf-16-le").rstrip("\0")
        ours = name in ("Timeout", "BootOrder") or (name.startswith("Boot") and len(name) == 8)
        if state == VAR_ADDED and (keep_all or not ours) and name not in drop:    # deleted copies (state bits cleared) are dropped
            rec = d[off:end]
            out += rec + bytes([ERASED]) * (-len(rec) % 4)
        off = (end + 3) & ~3
    return out


# systemd's Boot Loader Interface vendor GUID (docs/BOOT_LOADER_INTERFACE.md).
LOADER_GUID = uuid.UUID("4a67b082-0a4c-41cf-b6c7-440b29bb8c4f")


# Filler for --fill: variables of a GUID of this project's own, each well under edk2's
# PcdMaxVariableSize (8 KiB in ArmVirtQemu), so that the firmware keeps them as valid.
FILL_GUID = uuid.UUID("9c5a3e6e-2f4b-4d1c-9b1e-6b6173626f6f")
FILL_DATA_MAX = 4096


def fill_records(used, leave):
    """Live variables that take the store's free space down to fewer than `leave` bytes:
    a full NVRAM that no reclaim can make room in (nothing in it is deleted)."""
    recs, i = b"", 0
    while True:
        free = VARSTORE_SIZE - used - len(recs)
        overhead = len(variable("KaslbootFill%03d" % i, FILL_GUID, b""))
        if free - overhead < leave:
            return recs
        size = max(4, min(FILL_DATA_MAX, free - overhead - leave + 4) & ~3)
        recs += variable("KaslbootFill%03d" % i, FILL_GUID, bytes([0x5A]) * size)
        i += 1


def refill(path, leave, drop):
    """The store at `path` as the firmware left it, every live variable kept but those in
    `drop`, then filled to fewer than `leave` free bytes: what a machine whose NVRAM is full
    boots with."""
    image = bytearray(open(path, "rb").read())
    head = fv_header()
    store = struct.pack("<16sIBBHI", AUTH_VARIABLE_GUID.bytes_le, VARSTORE_SIZE - len(head),
                        VARSTORE_FORMATTED, VARSTORE_HEALTHY, 0, 0)
    recs = base_records(path, keep_all=True, drop=drop)
    recs += fill_records(len(head) + len(store) + len(recs), leave)
    blob = head + store + recs
    image[:VARSTORE_SIZE] = blob + bytes([ERASED]) * (VARSTORE_SIZE - len(blob))
    image[FTW_WORKING:FTW_WORKING + BLOCK_SIZE] = bytes([ERASED]) * BLOCK_SIZE
    image[FTW_WORKING:FTW_WORKING + 0x20] = ftw_working_header()
    image[FTW_WORKING + BLOCK_SIZE:FV_LENGTH] = bytes([ERASED]) * (FV_LENGTH - FTW_WORKING - BLOCK_SIZE)
    with open(path, "wb") as f:
        f.write(image)


def build(timeout, boots, base=None, loader_vars=()):
    image = bytearray([ERASED]) * FV_LENGTH
    head = fv_header()
    store = struct.pack("<16sIBBHI", AUTH_VARIABLE_GUID.bytes_le, VARSTORE_SIZE - len(head),
                        VARSTORE_FORMATTED, VARSTORE_HEALTHY, 0, 0)
    recs = base_records(base) if base else b""
    recs += variable("Timeout", EFI_GLOBAL_VARIABLE, struct.pack("<H", timeout))
    order = []
    for i, (desc, path, opt) in enumerate(boots):
        recs += variable("Boot%04X" % i, EFI_GLOBAL_VARIABLE,
                         load_option(desc, path, opt.encode("utf-16-le") if opt else b""))
        order.append(i)
    if order:
        recs += variable("BootOrder", EFI_GLOBAL_VARIABLE, struct.pack("<%dH" % len(order), *order))
    for name, data in loader_vars:
        recs += variable(name, LOADER_GUID, data)
    blob = head + store + recs
    if len(blob) > VARSTORE_SIZE:
        raise SystemExit("mkvars: too many variables for the store")
    image[:len(blob)] = blob
    image[FTW_WORKING:FTW_WORKING + 0x20] = ftw_working_header()
    return bytes(image) + bytes(FLASH_SIZE - FV_LENGTH)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--timeout", type=int, default=0, help="boot manager timeout, seconds")
    ap.add_argument("--base", help="keep the variables of this store (e.g. enrolled keys)")
    ap.add_argument("--boot", action="append", default=[], metavar="DESC:PATH[:OPTIONS]",
                    help=r"a Boot#### entry, e.g. 'kaslboot:\EFI\BOOT\BOOTAA64.EFI:entry=x'")
    ap.add_argument("--loader-var", action="append", default=[], metavar="NAME=VALUE",
                    help="a Boot Loader Interface variable as the OS sets it: VALUE as a "
                         "NUL-terminated UTF-16 string, or hex:BYTES for raw bytes")
    ap.add_argument("--fill", type=int, metavar="BYTES",
                    help="rewrite the existing store OUTPUT with every live variable kept "
                         "(but --drop ones) and filler until fewer than BYTES are free")
    ap.add_argument("--drop", action="append", default=[], metavar="NAME",
                    help="with --fill: a variable to leave out")
    args = ap.parse_args()
    if args.fill is not None:
        refill(args.output, args.fill, args.drop)
        return
    loader_vars = []
    for spec in args.loader_var:
        name, _, value = spec.partition("=")
        if value.startswith("hex:"):
            loader_vars.append((name, bytes.fromhex(value[4:])))
        else:
            loader_vars.append((name, (value + "\0").encode("utf-16-le")))
    boots = []
    for b in args.boot:
        parts = b.split(":", 2)
        if len(parts) < 2:
            raise SystemExit("mkvars: --boot wants DESC:PATH[:OPTIONS]")
        boots.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    with open(args.output, "wb") as f:
        f.write(build(args.timeout, boots, args.base, loader_vars))


if __name__ == "__main__":
    main()
