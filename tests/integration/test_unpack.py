# SPDX-License-Identifier: BSD-2-Clause
"""BOOTAA64.EFI unpacks itself (efi/unpack/): what tools read from the outer file, and
what its stub does with a packed loader that does not decode. That it boots is what
every other boot test shows."""
import os
import pathlib
import re
import struct
import subprocess
import sys

from kaslboot_qemu import BUILD, LOADER, ROOT, boot, make_esp

EFI = os.path.join(BUILD, "BOOTAA64.EFI")
MARKER = "next-boot-option-ran"
IMAGE_SCN_MEM_WRITE = 0x80000000
SBAT_HEAD = ("sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
             "kaslboot,1,kaslboot,kaslboot,")


def sections(data):
    """{name: (VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData, flags)}."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    nsec, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    table = pe + 24 + opt_size
    out = {}
    for i in range(nsec):
        name, vsize, va, raw_size, raw_ptr = struct.unpack_from("<8sIIII", data, table + 40 * i)
        flags = struct.unpack_from("<I", data, table + 40 * i + 36)[0]
        out[name.rstrip(b"\0").decode()] = (vsize, va, raw_size, raw_ptr, flags)
    return out


def test_outer_file_has_marker_and_sbat_and_nothing_writable():
    data = open(EFI, "rb").read()
    assert len(data) <= 160 * 1024
    markers = set(re.findall(rb"#### LoaderInfo: kaslboot (\S+) ####", data))
    assert len(markers) == 1, markers
    version = markers.pop().decode()
    secs = sections(data)
    assert set(secs) == {".text", ".sbat"}, secs
    vsize, _, _, raw_ptr, _ = secs[".sbat"]
    sbat = data[raw_ptr:raw_ptr + vsize].rstrip(b"\0").decode()
    assert sbat == SBAT_HEAD + version + ",-\n", sbat
    assert not any(flags & IMAGE_SCN_MEM_WRITE for *_, flags in secs.values())


def test_corrupt_packed_loader_returns_to_firmware(tmp_path):
    data = bytearray(open(EFI, "rb").read())
    body = open(os.path.join(BUILD, "gen", "body.lz4"), "rb").read()
    at = data.find(body)
    assert at > 0
    # A first token without literals and a match at offset 0: refused at once.
    data[at:at + 3] = bytes(3)
    bad = tmp_path / "BAD.EFI"
    bad.write_bytes(data)
    esp = make_esp(tmp_path, {"/EFI/BOOT/BAD.EFI": pathlib.Path(bad)})
    b = boot(esp, boots=["first:\\EFI\\BOOT\\BAD.EFI:x", "second:%s:%s" % (LOADER, MARKER)],
             until="load options: " + MARKER, timeout=90)
    assert b.rc == 0, "the firmware never reached its next boot option:\n" + b.log[-3000:]
    first = b.log.split("load options: " + MARKER)[0]
    assert first.count("kaslboot: the loader packed in this file is corrupt") == 1, first[-2000:]
    assert 'BdsDxe: failed to start Boot0000 "first"' in first, first[-2000:]


def pe_check(efi, env=None):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "pe-check.py"), "--body",
         os.path.join(BUILD, "kaslboot.so"), os.path.join(BUILD, "body.efi"),
         os.path.join(BUILD, "tools", "lz4-block"), os.path.join(BUILD, "unpack.so"), efi],
        capture_output=True, text=True, env=dict(os.environ, **(env or {})), check=False)


def test_pe_check_refuses_a_block_that_is_not_the_body(tmp_path):
    good = pe_check(EFI, {"KASLBOOT_PE_BUDGET_KIB": ""})
    assert good.returncode == 0, good.stdout
    assert "unpacked: loads as linked" in good.stdout
    data = bytearray(open(EFI, "rb").read())
    body = open(os.path.join(BUILD, "gen", "body.lz4"), "rb").read()
    at = data.find(body)
    bad = tmp_path / "BAD.EFI"
    bad.write_bytes(data[:at] + bytes(3) + data[at + 3:])
    r = pe_check(str(bad))
    assert r.returncode == 1 and "the packed body does not decode" in r.stdout, r.stdout
    # The last literal byte changed: the block still decodes, to other bytes.
    end = at + len(body) - 1
    bad.write_bytes(data[:end] + bytes([data[end] ^ 1]) + data[end + 1:])
    r = pe_check(str(bad))
    assert r.returncode == 1 and "decodes to other bytes" in r.stdout, r.stdout


def test_pe_check_budgets():
    r = pe_check(EFI, {"KASLBOOT_PE_BUDGET_KIB": "64"})
    assert r.returncode == 1
    assert re.search(r"BOOTAA64.EFI: \d+ bytes, over the budget of 65536", r.stdout), r.stdout
    assert re.search(r"body.efi: \d+ bytes unpacked, over the budget of 91750", r.stdout), r.stdout
