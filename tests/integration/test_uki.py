# SPDX-License-Identifier: BSD-2-Clause
"""Issue 21: Unified Kernel Images built by Debian 13's ukify (systemd 257), booted
natively by kaslboot (its own KASLR, no systemd-stub), checked from Linux, and compared
with systemd-boot 257 (Debian 13's systemd-boot-efi) booting the same ESP. The arm64
packages come from Debian's archive as the other arm64 dependencies do
(scripts/apt-suite.sh); ukify runs on the host's python3 with python3-pefile."""
import os
import pathlib
import re
import subprocess

import pytest

from kaslboot_qemu import BUILD, KERNEL, NO_RNDR, ROOT, boot_report, dump_dtb, make_esp

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
    """A two-profile UKI (ukify --profile for the first, --join-profile for the second):
    `default debian.efi@rescue` boots the second profile, whose .cmdline arrives;
    LoaderEntries lists both with 257's ids."""
    p1 = ukify(trixie, tmp_path, "p1.efi",
               ["--profile", "ID=rescue\nTITLE=Rescue", "--cmdline", OPTIONS + " kaslboot.p=1"],
               stub="addon")
    uki = demo_uki(trixie, tmp_path, "debian.efi", OPTIONS + " kaslboot.p=0",
                   ["--profile", "ID=main\nTITLE=Main", "--join-profile", str(p1)])
    esp = uki_esp(tmp_path, {"/EFI/Linux/debian.efi": uki,
                             "/loader/loader.conf": "timeout 0\ndefault debian.efi@rescue\n"})
    r = boot_report(esp).report
    assert "kaslboot.p=1" in r["cmdline"], r
    assert "kaslboot.p=0" not in r["cmdline"], r
    assert r["loader_entry"] == "debian.efi@rescue", r
    assert r["loader_entries"] == "debian.efi debian.efi@rescue", r


def test_dtbauto_matching_qemu_virt(tmp_path, trixie):
    """Two .dtbauto sections (ukify --devicetree-auto): the one whose root compatible is the
    firmware DT's ("linux,dummy-virt") reaches Linux, not the first one."""
    dump_dtb(tmp_path / "virt.dtb", cpu=NO_RNDR)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(tmp_path / "virt.dtb")],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    dts = re.sub(r'(?m)^\tmodel = "[^"]*";\n', "", dts)
    root = '\tcompatible = "linux,dummy-virt";\n'
    assert root in dts, dts[:400]
    dtbs = []
    for name, compat, model in (("other", "vendor,other-board", "wrong dtbauto"),
                                ("virt", "linux,dummy-virt", "kaslboot dtbauto")):
        src = dts.replace(root, '\tcompatible = "%s";\n\tmodel = "%s";\n' % (compat, model), 1)
        out = tmp_path / (name + ".dtb")
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)],
                       input=src.encode(), check=True)
        dtbs += ["--devicetree-auto", str(out)]
    uki = demo_uki(trixie, tmp_path, "debian.efi", OPTIONS, dtbs)
    b = boot_report(uki_esp(tmp_path, {"/EFI/Linux/debian.efi": uki}))
    assert b.report["model"] == "kaslboot dtbauto", b.report
    assert "matches the firmware's compatible" in b.log, b.log[-3000:]


def test_efi_entry_naming_a_uki_replaces_cmdline(tmp_path, trixie):
    """A Type #1 `efi` entry naming a UKI: kaslboot boots it itself (no stub), with the
    entry's options in place of .cmdline (Secure Boot off, systemd-stub 257's rule)."""
    uki = demo_uki(trixie, tmp_path, "k.efi", OPTIONS + " kaslboot.from=uki")
    conf = "title K\nefi /k/k.efi\noptions %s kaslboot.from=entry\n" % OPTIONS
    esp = uki_esp(tmp_path, {"/k/k.efi": uki, "/loader/entries/k.conf": conf})
    b = boot_report(esp)
    assert "kaslboot.from=entry" in b.report["cmdline"], b.report
    assert "kaslboot.from=uki" not in b.report["cmdline"], b.report
    assert "/k/k.efi: a UKI: booted by kaslboot" in b.log, b.log[-3000:]
    assert b.report["loader_entry"] == "k.conf", b.report


def test_efi_program_then_uki_entry(tmp_path, trixie):
    """An `efi` entry naming a plain EFI program (systemd's addon stub, which exits at
    once) is started through the firmware; when it returns, the next entry, a `uki` one,
    boots its UKI with the UKI's own command line."""
    uki = demo_uki(trixie, tmp_path, "k.efi", OPTIONS + " kaslboot.from=uki")
    prog = "title P\nsort-key a\nefi /tools/prog.efi\noptions -x\n"
    ukie = "title U\nsort-key b\nuki /k/k.efi\n"
    esp = uki_esp(tmp_path, {"/k/k.efi": uki, "/tools/prog.efi": pathlib.Path(trixie["addon"]),
                             "/loader/entries/p.conf": prog, "/loader/entries/u.conf": ukie})
    b = boot_report(esp)
    assert "kaslboot: /tools/prog.efi: started" in b.log, b.log[-3000:]
    assert "falling back to entry 'u'" in b.log, b.log[-3000:]
    assert "kaslboot.from=uki" in b.report["cmdline"], b.report
    assert b.report["loader_entry"] == "u.conf", b.report
