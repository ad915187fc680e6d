# SPDX-License-Identifier: BSD-2-Clause
"""Secure Boot (Debian's snakeoil-key AAVMF store): kaslboot, signed with the enrolled
test key, boots only kernels the firmware's db accepts, verified in the memory they will
run from, and refuses what carries no signature (a gzip kernel); an entry's devicetree and
overlay files are skipped with one warning and the firmware's DT is used, as systemd-boot
does."""
import gzip
import os

from kaslboot_qemu import (BUILD, KERNEL, LOADER, REPORT_END, boot, make_esp,
                           snakeoil_sign)

MARKER = "next-boot-option-ran"


def signed_esp(tmp_path, files=None, delete=()):
    loader = snakeoil_sign(tmp_path, os.path.join(BUILD, "BOOTAA64.EFI"), "loader")
    f = {"/EFI/BOOT/BOOTAA64.EFI": open(loader, "rb").read()}
    f.update(files or {})
    return make_esp(tmp_path, f, delete=delete)


def test_signed_kernel_boots_and_linux_sees_secure_boot(tmp_path):
    """The entry also names a devicetree and an overlay (Debian 13's kernel-install writes
    `devicetree` into every entry): both skipped with one warning, the firmware's DT used."""
    kernel = snakeoil_sign(tmp_path, KERNEL, "Image")
    esp = signed_esp(tmp_path, {
        "/Image": open(kernel, "rb").read(),
        "/virt.dtb": b"never read: unsigned files are skipped under Secure Boot",
        "/o.dtbo": b"never read either",
        "/loader/entries/debian.conf":
            "linux /Image\ninitrd /initrd.img\noptions console=ttyAMA0 panic=-1\n"
            "devicetree /virt.dtb\ndevicetree-overlay /o.dtbo\n"})
    b = boot(esp, secure_boot=True, cpu="cortex-a72", until=REPORT_END)
    assert b.report, b.log[-3000:]
    warnings = [l for l in b.log.splitlines() if l.startswith("kaslboot: warning: ")]
    assert warnings == ["kaslboot: warning: entry 'debian': Secure Boot is on: its unsigned "
                        "devicetree and overlays skipped, booting with the firmware's "
                        "devicetree"], warnings
    assert b.report["model"] == "linux,dummy-virt", b.report   # QEMU's, through AAVMF
    # kaslboot saw Secure Boot on: it asked the firmware to verify the kernel.
    assert "kaslboot: /Image: signature accepted by the firmware (Secure Boot)" in b.log
    assert b.report["secureboot"] == "enabled"      # linux,uefi-secure-boot = enabled (3)
    assert b.report["kaslr"] == "KASLR enabled"
    assert b.report["kaslr_seed"] == "00" * 8


def test_unsigned_or_unverifiable_input_refused(tmp_path):
    """Two entries, each refused for its own reason, then the firmware's next option."""
    files = {
        "/vmlinuz.gz": gzip.compress(open(KERNEL, "rb").read(), compresslevel=1),
        "/loader/entries/b-debian-signed.conf": "linux /Image\n",
        "/loader/entries/c-gzip.conf": "linux /vmlinuz.gz\n",
        "/loader/loader.conf": "default b-debian-signed\n",
    }
    esp = signed_esp(tmp_path, files, delete=["/loader/entries/debian.conf"])
    b = boot(esp, secure_boot=True, boots=["first:%s" % LOADER, "second:%s:%s" % (LOADER, MARKER)],
             until="load options: " + MARKER, timeout=90)
    assert b.rc == 0, b.log[-3000:]
    first = b.log.split("load options: " + MARKER)[0]
    # Debian's signature is not in the snakeoil db: the firmware says no.
    assert "kaslboot: error: /Image: the firmware refused its signature (Secure Boot)" in first
    assert "kaslboot: error: /vmlinuz.gz: a gzip kernel carries no signature: refused under " \
           "Secure Boot" in first
    assert 'BdsDxe: failed to start Boot0000 "first"' in first
    assert "Booting Linux" not in b.log
