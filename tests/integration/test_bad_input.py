# SPDX-License-Identifier: BSD-2-Clause
"""Issue 4, bad input: each gets one clear error line from kaslboot, nothing is exited,
and the firmware's boot manager goes on to its next boot option. Boot0000 runs kaslboot
on the broken entry; Boot0001 runs kaslboot again with a marker as its load options, so
the marker in the log proves the firmware went on."""
import gzip
import os
import random
import struct
import subprocess

import pytest

import pathlib

from kaslboot_qemu import KERNEL, LOADER, boot, make_esp

KERNEL_PATH = pathlib.Path(KERNEL)

MARKER = "next-boot-option-ran"


def boot_bad(esp, entry="bad", **kw):
    b = boot(esp, boots=["first:%s:%s" % (LOADER, entry), "second:%s:%s" % (LOADER, MARKER)],
             until="load options: " + MARKER, timeout=90, **kw)
    assert b.rc == 0, "the firmware never reached its next boot option:\n" + b.log[-3000:]
    first = b.log.split("load options: " + MARKER)[0]
    assert 'BdsDxe: failed to start Boot0000 "first"' in first, first[-2000:]
    assert "Booting Linux" not in b.log
    return first


def errors(log):
    return [l for l in log.splitlines() if l.startswith("kaslboot: error: ")]


def entry_esp(tmp_path, entry_text, files=None, **kw):
    f = dict(files or {})
    f["/loader/entries/bad.conf"] = entry_text
    return make_esp(tmp_path, f, **kw)


def fake_image(image_size, file_size, flags=0xA):
    """A file with a valid arm64 Image header (booting.rst) and no PE header."""
    hdr = struct.pack("<IIQQQQQQII", 0, 0, 0, image_size, flags, 0, 0, 0, 0x644D5241, 0)
    return hdr + bytes(file_size - len(hdr))


def test_missing_kernel(tmp_path):
    log = boot_bad(entry_esp(tmp_path, "linux /vmlinuz-missing\n"))
    assert "kaslboot: error: /vmlinuz-missing: no such file" in log


def test_missing_initrd(tmp_path):
    log = boot_bad(entry_esp(tmp_path, "linux /Image\ninitrd /initrd-missing.img\n"))
    assert "kaslboot: error: /initrd-missing.img: no such file (initrd of entry 'bad')" in log


def test_wrong_magic(tmp_path):
    junk = random.Random(1).randbytes(1 << 20)
    log = boot_bad(entry_esp(tmp_path, "linux /junk\n", {"/junk": junk}))
    assert "kaslboot: error: /junk: not an arm64 Linux kernel (unknown format)" in log


def test_truncated_image(tmp_path):
    half = open(KERNEL, "rb").read()[: os.path.getsize(KERNEL) // 2]
    log = boot_bad(entry_esp(tmp_path, "linux /half\n", {"/half": half}, delete=["/Image"]))
    assert "kaslboot: error: /half: truncated:" in log


def test_oversized_image(tmp_path):
    log = boot_bad(entry_esp(tmp_path, "linux /big\n", {"/big": fake_image(4096, 8192)}))
    assert "kaslboot: error: /big: file is 8192 bytes but its header's image_size is only 4096" in log


def test_corrupt_gzip(tmp_path):
    gz = bytearray(gzip.compress(open(KERNEL, "rb").read(), compresslevel=1))
    for i in range(len(gz) // 2, len(gz) // 2 + 64):
        gz[i] ^= 0x5A
    log = boot_bad(entry_esp(tmp_path, "linux /vmlinuz.gz\n", {"/vmlinuz.gz": bytes(gz)},
                             delete=["/Image"]))
    errs = errors(log)
    assert any(l.startswith("kaslboot: error: /vmlinuz.gz:") for l in errs), errs


def test_no_slot_large_enough(tmp_path):
    # 1008 MiB of image_size cannot fit in a 1 GiB machine's free memory.
    log = boot_bad(entry_esp(tmp_path, "linux /huge\n", {"/huge": fake_image(1008 << 20, 4096)}))
    assert "kaslboot: error: /huge: no free 2 MiB-aligned slot holds its 1008 MiB" in log


def dtb(tmp_path, pad):
    src = tmp_path / "t.dts"
    src.write_text("/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; chosen { }; };\n")
    out = tmp_path / "t.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-S", str(pad), "-o", str(out), str(src)],
                   check=True)
    return out.read_bytes()


def test_devicetree_over_2mib(tmp_path):
    big = dtb(tmp_path, 3 << 20)
    log = boot_bad(entry_esp(tmp_path, "linux /Image\ndevicetree /big.dtb\n", {"/big.dtb": big}))
    assert any("/big.dtb" in l for l in errors(log)), errors(log)


def test_devicetree_malformed(tmp_path):
    bad = bytearray(dtb(tmp_path, 4096))
    bad[8:12] = b"\xff\xff\xff\x00"   # off_dt_struct far outside the blob
    log = boot_bad(entry_esp(tmp_path, "linux /Image\ndevicetree /bad.dtb\n", {"/bad.dtb": bytes(bad)}))
    assert any("/bad.dtb" in l for l in errors(log)), errors(log)


def test_entry_syntax_error_names_file_and_line(tmp_path):
    log = boot_bad(entry_esp(tmp_path, "title broken\nlinux\n"))
    assert any(l.startswith("kaslboot: error: loader/entries/bad.conf:2:") for l in errors(log)), errors(log)


def test_loader_conf_syntax_error_names_file_and_line(tmp_path):
    esp = make_esp(tmp_path, {"/loader/loader.conf": "timeout 0\nkaslr maybe\n"})
    log = boot_bad(esp, entry="debian")
    assert any(l.startswith("kaslboot: error: loader/loader.conf:2:") for l in errors(log)), errors(log)


def test_kaslr_require_without_strong_entropy(tmp_path):
    esp = make_esp(tmp_path, {"/loader/loader.conf": "kaslr require\n"})
    # No DT seeds, no FEAT_RNG, no EFI RNG: only the counter is left (and no token is made
    # from it: issue 19).
    log = boot_bad(esp, entry="debian", cpu="cortex-a72", dtb_seed=False)
    assert "kaslboot: error: kaslr require: no strong entropy source (have: counter)" in log


def test_linux_path_is_a_directory(tmp_path):
    log = boot_bad(entry_esp(tmp_path, "linux /EFI\n"))
    assert "kaslboot: error: /EFI: is a directory, not a file" in log


def test_utf8_file_names_boot(tmp_path):
    """Kernel and initrd with non-ASCII names: converted to UCS-2, found, booted."""
    from kaslboot_qemu import REPORT_END
    esp = make_esp(tmp_path, {"/Kërnel-é": KERNEL_PATH,
                              "/loader/entries/debian.conf":
                                  "linux /Kërnel-é\ninitrd /initrd.img\n"
                                  "options console=ttyAMA0 panic=-1\n"})
    b = boot(esp, until=REPORT_END)
    assert b.report, b.log[-3000:]
    assert "Kërnel" not in "".join(errors(b.log))


def test_name_ucs2_cannot_hold(tmp_path):
    """A character outside the BMP cannot be a UEFI file name: refused by name."""
    import re
    log = boot_bad(entry_esp(tmp_path, "linux /kernel-\U0001F600\n"))
    # The firmware's serial console shows what it can of the name (non-ASCII as '?').
    assert re.search(r"kaslboot: error: /kernel-\S+: not a file name the firmware can open "
                     r"\(invalid UTF-8, or a character outside UCS-2\)", log), log[-2000:]


def test_failed_run_leaves_the_dt_seeds(tmp_path):
    """Issue 19, point 6: a run that returns to the firmware leaves its DT's seeds for the
    next boot option (kaslboot again here), refilled with fresh bytes; they used to be
    wiped, and on QEMU virt without virtio-rng the next kernel had no KASLR seed."""
    import re
    esp = entry_esp(tmp_path, "linux /vmlinuz-missing\n")
    second_entropy = r"load options: %s[\s\S]*kaslboot: entropy: [^\r\n]*\n" % MARKER
    b = boot(esp, boots=["first:%s:bad" % LOADER, "second:%s:%s" % (LOADER, MARKER)],
             until=second_entropy, timeout=90)
    assert b.rc == 0, "the second kaslboot never gathered its entropy:\n" + b.log[-3000:]
    first, second = b.log.split("load options: " + MARKER, 1)
    assert "kaslboot: error: /vmlinuz-missing: no such file" in first
    assert "2 firmware DT seed(s) refilled with fresh bytes" in first, first[-2000:]
    sources = re.search(r"kaslboot: entropy: (\S+)", second).group(1).split(",")
    assert "dt-kaslr-seed" in sources and "dt-rng-seed" in sources, second[-2000:]
