# SPDX-License-Identifier: BSD-2-Clause
"""Issue 21: Unified Kernel Images built by Debian 13's ukify (systemd 257), booted
natively by kaslboot (its own KASLR, no systemd-stub), checked from Linux, and compared
with systemd-boot 257 (Debian 13's systemd-boot-efi) booting the same ESP. The arm64
packages come from Debian's archive as the other arm64 dependencies do
(scripts/apt-suite.sh); ukify runs on the host's python3 with python3-pefile."""
import os
import pathlib
import subprocess

import pytest

from kaslboot_qemu import BUILD, KERNEL, ROOT, boot_report, make_esp

OPTIONS = "console=ttyAMA0 earlycon panic=-1"
OSREL = 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME="Debian GNU/Linux"\nID=debian\n' \
        'VERSION_ID="13"\nVERSION="13 (trixie)"\n'
# What the base ESP holds that an ESP with only a UKI has not.
NOT_UKI = ["/loader/entries/debian.conf", "/Image", "/initrd.img"]


@pytest.fixture(scope="module")
def trixie():
    """The unpacked systemd-ukify and systemd-boot-efi 257 packages."""
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "apt-suite.sh"), "trixie",
                          "arm64", os.path.join(BUILD, "deps", "suites"), "systemd-ukify",
                          "systemd-boot-efi"], stdout=subprocess.PIPE, check=True)
    dirs = out.stdout.decode().split()
    ukify = next(d for d in dirs if d.endswith("systemd-ukify"))
    efi = next(d for d in dirs if d.endswith("systemd-boot-efi"))
    return {"ukify": os.path.join(ukify, "usr/lib/systemd/ukify"),
            "stub": os.path.join(efi, "usr/lib/systemd/boot/efi/linuxaa64.efi.stub"),
            "addon": os.path.join(efi, "usr/lib/systemd/boot/efi/addonaa64.efi.stub"),
            "sdboot": os.path.join(efi, "usr/lib/systemd/boot/efi/systemd-bootaa64.efi")}


def ukify(trixie, tmp_path, name, args, stub="stub"):
    """`ukify build` (Debian 13's ukify, on python3-pefile) with a stub and `args`: the
    addon stub makes the profile PEs that --join-profile takes."""
    out = os.path.join(str(tmp_path), name)
    p = subprocess.run(["/usr/bin/python3", trixie["ukify"], "build", "--efi-arch", "aa64",
                        "--stub", trixie[stub], "--output", out] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert p.returncode == 0, p.stdout.decode()
    return pathlib.Path(out)


def demo_uki(trixie, tmp_path, name, cmdline, extra=()):
    """The demo kernel and initramfs with `cmdline` and a Debian 13 os-release."""
    return ukify(trixie, tmp_path, name, ["--linux", os.path.realpath(KERNEL), "--initrd",
                                          os.path.join(BUILD, "initrd.img"), "--cmdline",
                                          cmdline, "--os-release", OSREL] + list(extra))


def uki_esp(tmp_path, files, name="esp.img"):
    files = dict(files)
    files["/loader/loader.conf"] = files.get("/loader/loader.conf", "timeout 0\n")
    return make_esp(tmp_path, files, delete=NOT_UKI, name=name)


def test_lone_uki_boots_as_with_systemd_boot(tmp_path, trixie):
    """An ESP with only \\EFI\\Linux\\debian.efi: kaslboot boots it with the UKI's command
    line and initrd (the demo initramfs reports) and its own KASLR; systemd-boot 257
    (-> systemd-stub -> the kernel's stub) on the same ESP sets the same LoaderEntries and
    LoaderEntrySelected for the UKI."""
    uki = demo_uki(trixie, tmp_path, "debian.efi", OPTIONS + " kaslboot.uki=1")
    esp = uki_esp(tmp_path, {"/EFI/Linux/debian.efi": uki})
    b = boot_report(esp)
    r = b.report
    assert "kaslboot.uki=1" in r["cmdline"], r
    assert r["kaslr"] == "KASLR enabled", r
    assert b.find(r"kaslboot: kaslr: on; entropy: .*slots"), b.log[-3000:]
    assert "kaslboot: booting /EFI/Linux/debian.efi:.linux" in b.log, b.log[-3000:]
    assert r["loader_entry"] == "debian.efi", r
    assert r["loader_entries"] == "debian.efi", r

    sd = uki_esp(tmp_path, {"/EFI/Linux/debian.efi": uki,
                            "/EFI/BOOT/BOOTAA64.EFI": pathlib.Path(trixie["sdboot"])},
                 name="sd.img")
    s = boot_report(sd).report
    assert "kaslboot.uki=1" in s["cmdline"], s
    assert s["loader_entry"] == r["loader_entry"], (s, r)
    # systemd-boot 257 also lists its auto entries (auto-reboot-to-firmware-setup where
    # the firmware supports OsIndications), which kaslboot does not make yet.
    sd_entries = [e for e in s["loader_entries"].split() if not e.startswith("auto-")]
    assert sd_entries == r["loader_entries"].split(), (s, r)


def test_second_profile_picked_by_default(tmp_path, trixie):
    """A two-profile UKI (ukify --profile / --join-profile): `default debian.efi@rescue`
    boots the second profile, whose .cmdline arrives; LoaderEntries lists both with 257's
    ids."""
    p0 = ukify(trixie, tmp_path, "p0.efi",
               ["--profile", "ID=main\nTITLE=Main", "--cmdline", OPTIONS + " kaslboot.p=0"],
               stub="addon")
    p1 = ukify(trixie, tmp_path, "p1.efi",
               ["--profile", "ID=rescue\nTITLE=Rescue", "--cmdline", OPTIONS + " kaslboot.p=1"],
               stub="addon")
    uki = demo_uki(trixie, tmp_path, "debian.efi", OPTIONS,
                   ["--join-profile", str(p0), "--join-profile", str(p1)])
    esp = uki_esp(tmp_path, {"/EFI/Linux/debian.efi": uki,
                             "/loader/loader.conf": "timeout 0\ndefault debian.efi@rescue\n"})
    r = boot_report(esp).report
    assert "kaslboot.p=1" in r["cmdline"], r
    assert r["loader_entry"] == "debian.efi@rescue", r
    assert r["loader_entries"] == "debian.efi debian.efi@rescue", r
