# SPDX-License-Identifier: BSD-2-Clause
"""PCR 11 of a real UKI: kaslboot's measurement (loader/uki_measure.c, run on the host by
build/tools/uki_pcr11 over the fake firmware's TPM) against Debian 13's own predictor,
`systemd-measure calculate` of systemd 257, for UKIs built by Debian 13's ukify.

Both tools come from Debian 13's archive as the other tests' packages do
(scripts/apt-suite.sh, unpacked, not installed): systemd-measure runs through trixie's
dynamic loader with trixie's libraries; ukify (Python) with trixie's python3-pefile, on the
arm64 stub of systemd-boot-efi. Seconds; no QEMU."""
import json
import os
import subprocess
import sys

import pytest

from kaslboot_qemu import BUILD, ROOT

SUITES = os.path.join(BUILD, "uki-pcr11")
TOOL = os.path.join(BUILD, "tools", "uki_pcr11")
KERNEL_DIR = os.path.join(BUILD, "deps", "kernel", "boot")


def apt_suite(arch, *pkgs):
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "apt-suite.sh"), "trixie", arch,
                          os.path.join(SUITES, arch)] + list(pkgs),
                         check=True, capture_output=True, text=True).stdout.split()
    return dict(zip(pkgs, out))


@pytest.fixture(scope="module")
def tools():
    amd = apt_suite("amd64", "systemd", "libsystemd-shared", "libc6", "libssl3t64",
                    "python3-pefile")
    arm = apt_suite("arm64", "systemd-ukify", "systemd-boot-efi")
    libs = ":".join([os.path.join(amd["libc6"], "usr/lib/x86_64-linux-gnu"),
                     os.path.join(amd["libsystemd-shared"], "usr/lib/x86_64-linux-gnu/systemd"),
                     os.path.join(amd["libssl3t64"], "usr/lib/x86_64-linux-gnu")])
    measure = [os.path.join(amd["libc6"], "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
               "--library-path", libs,
               os.path.join(amd["systemd"], "usr/lib/systemd/systemd-measure")]
    version = subprocess.run(measure + ["--version"], check=True, capture_output=True,
                             text=True).stdout
    assert version.startswith("systemd 257"), version
    pypath = os.path.join(amd["python3-pefile"], "usr/lib/python3/dist-packages")
    ukify = [sys.executable, os.path.join(arm["systemd-ukify"], "usr/lib/systemd/ukify")]
    stub = os.path.join(arm["systemd-boot-efi"], "usr/lib/systemd/boot/efi/linuxaa64.efi.stub")
    assert os.path.exists(TOOL), "build/tools/uki_pcr11 missing: run through `make integration`"
    return {"measure": measure, "ukify": ukify, "stub": stub, "pypath": pypath}


def sections_of(uki, pypath, outdir):
    """The UKI's sections in file order, each VirtualSize bytes (what systemd-stub
    measures: the raw data, zero-filled past SizeOfRawData), written to files."""
    code = (
        "import pefile, sys, os\n"
        "pe = pefile.PE(sys.argv[1], fast_load=True)\n"
        "for i, s in enumerate(pe.sections):\n"
        "    name = s.Name.rstrip(b'\\0').decode()\n"
        "    raw = s.get_data()[:s.Misc_VirtualSize]\n"
        "    raw += bytes(s.Misc_VirtualSize - len(raw))\n"
        "    path = os.path.join(sys.argv[2], '%02d%s' % (i, name))\n"
        "    open(path, 'wb').write(raw)\n"
        "    print(name + '=' + path)\n")
    out = subprocess.run([sys.executable, "-c", code, uki, outdir], check=True, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=pypath)).stdout
    return [line.split("=", 1) for line in out.split()]


def kernel():
    names = sorted(n for n in os.listdir(KERNEL_DIR) if n.startswith("vmlinuz-"))
    assert names, "no Debian kernel under build/deps/kernel: run `make deps`"
    return os.path.join(KERNEL_DIR, names[-1])


def build_uki(t, tmp_path, extra):
    (tmp_path / "osrel").write_text('ID=debian\nVERSION_ID=13\nPRETTY_NAME="Debian 13"\n')
    (tmp_path / "initrd").write_bytes(os.urandom(70001))
    uki = str(tmp_path / "uki.efi")
    subprocess.run(t["ukify"] + ["build", "--linux", kernel(),
                                 "--initrd", str(tmp_path / "initrd"),
                                 "--cmdline", "console=ttyAMA0 quiet",
                                 "--os-release", "@" + str(tmp_path / "osrel"),
                                 "--uname", "6.1.0-kaslboot", "--stub", t["stub"],
                                 "--efi-arch", "aa64", "--output", uki] + extra,
                   check=True, capture_output=True, env=dict(os.environ, PYTHONPATH=t["pypath"]))
    return uki


def predicted(t, sections):
    """systemd-measure calculate's PCR 11 right after the sections (no boot phase)."""
    args = ["--%s=%s" % (n[1:], p) for n, p in sections
            if n not in (".text", ".data", ".reloc", ".sdmagic", ".pcrsig", ".sbat.stub")
            and not n.startswith(".rodata")]
    out = subprocess.run(t["measure"] + ["calculate", "--bank=sha256", "--phase=", "--json=short"]
                         + args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["sha256"][0]["hash"]


def kaslboot_pcr11(sections):
    return subprocess.run([TOOL] + ["%s=%s" % (n, p) for n, p in sections], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_plain_uki_pcr11_matches_systemd_measure(tools, tmp_path):
    uki = build_uki(tools, tmp_path, [])
    out = tmp_path / "sections"
    out.mkdir()
    sections = sections_of(uki, tools["pypath"], str(out))
    names = [n for n, _ in sections]
    for want in (".linux", ".osrel", ".cmdline", ".initrd", ".uname", ".sbat"):
        assert want in names, names
    assert kaslboot_pcr11(sections) == predicted(tools, sections)


def test_uki_with_dtb_and_splash_pcr11_matches(tools, tmp_path):
    dtb = tmp_path / "x.dtb"
    dtb.write_bytes(bytes.fromhex("d00dfeed") + os.urandom(300))
    splash = tmp_path / "s.bmp"
    splash.write_bytes(b"BM" + os.urandom(500))
    uki = build_uki(tools, tmp_path, ["--devicetree", str(dtb), "--splash", str(splash)])
    out = tmp_path / "sections"
    out.mkdir()
    sections = sections_of(uki, tools["pypath"], str(out))
    assert ".dtb" in [n for n, _ in sections] and ".splash" in [n for n, _ in sections]
    assert kaslboot_pcr11(sections) == predicted(tools, sections)


def test_dtbauto_and_hwids_systemd_measure_257_swaps_them(tools, tmp_path):
    """systemd-measure 257 maps --hwids= to the .dtbauto slot and --dtbauto= to .hwids (its
    option enum is ordered ... PROFILE, HWIDS, DTBAUTO; uki.h ... PROFILE, DTBAUTO, HWIDS).
    The stub measures .dtbauto before .hwids, as kaslboot does: 257's prediction matches
    only with the two files passed the other way round."""
    files = {}
    for name, size in ((".linux", 5000), (".dtbauto", 700), (".hwids", 300)):
        files[name] = tmp_path / name[1:]
        files[name].write_bytes(os.urandom(size))
    sections = [(n, str(p)) for n, p in files.items()]
    ours = kaslboot_pcr11(sections)
    swapped = [(".linux", str(files[".linux"])), (".hwids", str(files[".dtbauto"])),
               (".dtbauto", str(files[".hwids"]))]
    assert ours == predicted(tools, swapped)
    assert ours != predicted(tools, sections)
