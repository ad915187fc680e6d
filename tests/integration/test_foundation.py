# SPDX-License-Identifier: BSD-2-Clause
"""The loader's banner and what it detects, under the QEMU configurations that change it."""
import os
import re
import struct
import subprocess

import pytest

from kaslboot_qemu import BUILD, ESP, MTOOLS_ENV, boot, make_esp

# PE/COFF (Microsoft PE format spec): machine and optional-header magic and subsystem.
IMAGE_FILE_MACHINE_ARM64 = 0xAA64
PE32_PLUS_MAGIC = 0x20B
IMAGE_SUBSYSTEM_EFI_APPLICATION = 10

# Stop once the loader has said what it found (the demo ESP boots a kernel after that).
BANNER_DONE = r"kaslboot: found: .*\n"


@pytest.fixture(scope="module")
def debug_esp(tmp_path_factory):
    """The demo ESP at `log debug`: what kaslboot found is a debug line (at the default
    level it would cost every boot its console time and a memory map)."""
    conf = subprocess.run(["mtype", "-i", ESP, "::/loader/loader.conf"], check=True,
                          capture_output=True, text=True, env=MTOOLS_ENV).stdout
    conf = re.sub(r"(?m)^log .*$", "log debug", conf)
    assert "log debug" in conf
    return make_esp(tmp_path_factory.mktemp("debug-esp"), {"/loader/loader.conf": conf})


def test_pe_is_aarch64_efi_application():
    data = open(os.path.join(BUILD, "BOOTAA64.EFI"), "rb").read()
    assert data[:2] == b"MZ"
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    assert data[pe:pe + 4] == b"PE\0\0"
    machine = struct.unpack_from("<H", data, pe + 4)[0]
    opt = pe + 24
    magic = struct.unpack_from("<H", data, opt)[0]
    subsystem = struct.unpack_from("<H", data, opt + 68)[0]
    assert machine == IMAGE_FILE_MACHINE_ARM64
    assert magic == PE32_PLUS_MAGIC
    assert subsystem == IMAGE_SUBSYSTEM_EFI_APPLICATION


def facts(b):
    """The banner's 'found' line as a dict: 'cpu' -> 'EL1, FEAT_RNG ...'."""
    lines = [l for l in b.lines() if l.startswith("found: ")]
    assert len(lines) == 1, b.log
    out = {}
    for item in lines[0][len("found: "):].split("; "):
        k, sep, v = item.partition(": ")
        assert sep, item
        out[k] = v
    return out


def test_banner_default_el1_with_dt_seeds(debug_esp):
    b = boot(debug_esp, until=BANNER_DONE, timeout=90)
    assert b.rc == 0, b.log
    assert b.find(r"^kaslboot: kaslboot \S+ \(arm64 UEFI loader"), b.log
    f = facts(b)
    assert f["firmware"].startswith("EDK II rev 0x"), f
    assert f["cpu"].startswith("EL1,"), f
    assert f["devicetree"].startswith("yes at 0x"), f
    assert f["acpi"] == "no"
    assert f["dt kaslr-seed"] == "yes, dt rng-seed: yes"
    assert f["efi rng protocol"] == "no"
    assert f["secure boot"] == "no"
    assert "MiB conventional" in f["memory"]


def test_banner_el2_no_dt_seeds_with_rng_device(debug_esp):
    b = boot(debug_esp, el2=True, dtb_seed=False, rng=True, until=BANNER_DONE, timeout=90)
    assert b.rc == 0, b.log
    f = facts(b)
    assert f["cpu"].startswith("EL2,"), f
    assert f["dt kaslr-seed"] == "no, dt rng-seed: no"
    assert f["efi rng protocol"] == "yes"


def test_banner_acpi_and_no_rndr(debug_esp):
    """ACPI machine: no DT configuration table; a Cortex-A72 has no FEAT_RNG."""
    b = boot(debug_esp, acpi=True, cpu="cortex-a72", until=BANNER_DONE, timeout=90)
    assert b.rc == 0, b.log
    f = facts(b)
    assert f["acpi"] == "yes"
    assert f["devicetree"] == "no"
    assert f["cpu"] == "EL1, FEAT_RNG (RNDR) no"
