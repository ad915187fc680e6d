# SPDX-License-Identifier: BSD-2-Clause
"""Issue 20 part 5: what Linux's EFI stub hands the kernel that kaslboot, entering the raw
Image, must hand it too (docs/protocol.md, "Linux: the EFI stub's duties"). One boot per
fact, on Debian 13's cloud kernel (6.12): Debian 12's 6.1 kernel ignores the screen_info
table on arm64 (its stub wrote the kernel's variable directly)."""
import glob
import os
import re

import pytest

from kaslboot_qemu import BUILD, DEBUG_CONF, boot, make_esp, read_ppm

# Debian 13's cloud kernel, unpacked by scripts/apt-suite.sh into the suites cache:
#   bash scripts/apt-suite.sh trixie arm64 build/deps/suites linux-image-<version>-cloud-arm64
TRIXIE_KERNELS = os.path.join(BUILD, "deps", "suites", "trixie-arm64",
                              "linux-image-*-cloud-arm64", "boot", "vmlinuz-*")
# The kernel's console on the screen too (tty0), and on serial, which stays /dev/console
# (the last console= names it) so that the initramfs's report still comes out there.
OPTIONS = "console=tty0 console=ttyAMA0 earlycon panic=-1"
# The kernel's first line (through earlycon, long before any framebuffer driver): the
# screen is what kaslboot left, and stays so unless a kernel driver takes it over.
KERNEL_FIRST = r"Booting Linux on physical CPU"
# Late in the kernel's boot: the console has long been on the framebuffer, if at all.
KERNEL_LATE = r"Run /init as init process"


@pytest.fixture(scope="module")
def trixie_esp(demo_esp, tmp_path_factory):
    kernels = sorted(glob.glob(TRIXIE_KERNELS))
    if not kernels:
        pytest.fail("no Debian 13 cloud kernel under build/deps/suites: bash "
                    "scripts/apt-suite.sh trixie arm64 build/deps/suites "
                    "linux-image-<version>-cloud-arm64")
    entry = ("title Debian 13 cloud kernel\nlinux /Image\ninitrd /initrd.img\n"
             "options %s\n" % OPTIONS)
    return make_esp(tmp_path_factory.mktemp("trixie-esp"), {
        "/Image": open(kernels[-1], "rb").read(),
        "/loader/loader.conf": DEBUG_CONF,
        "/loader/entries/debian.conf": entry,
    })


def test_kernel_console_on_the_firmware_framebuffer(trixie_esp, tmp_path):
    """ramfb: edk2's QemuRamfbDxe gives a GOP. With the screen_info table Linux's efifb
    binds the framebuffer kaslboot named and fbcon draws the kernel's log on it: the
    screen after the kernel started differs from the one kaslboot left. Without the table
    nothing in Linux knows the framebuffer, and the two dumps are the same."""
    before = tmp_path / "firmware.ppm"
    after = tmp_path / "kernel.ppm"
    b = boot(trixie_esp, extra=["-device", "ramfb"], timeout=240,
             screendumps=[(KERNEL_FIRST, before), (KERNEL_LATE, after, 2)])
    assert "KASLBOOT-REPORT-END" in b.log, b.log[-3000:]
    # Linux's side first: what a person at the screen sees.
    w, h, fw_rgb = read_ppm(before)
    w2, h2, kernel_rgb = read_ppm(after)
    assert (w, h) == (w2, h2), (w, h, w2, h2)
    lit = sum(1 for i in range(0, len(kernel_rgb), 3) if kernel_rgb[i:i + 3] != b"\0\0\0")
    diff = sum(1 for i in range(0, len(kernel_rgb), 3) if kernel_rgb[i:i + 3] != fw_rgb[i:i + 3])
    assert diff > 5000, ("the kernel drew nothing on the screen kaslboot left (%d pixels "
                         "differ)" % diff)
    assert lit > 5000, "the screen is blank after the kernel started (%d lit pixels)" % lit
    k = b.find(r"efifb: framebuffer at (0x[0-9a-f]+), using (\d+)k")
    assert k, "no efifb line in the kernel's log:\n" + b.log[-6000:]
    # ... bound to the framebuffer kaslboot named, in the mode it named.
    m = b.find(r"kaslboot: screen: (\d+)x(\d+) framebuffer at (0x[0-9a-f]+) "
               r"\((\d+) bytes a line\) handed to Linux")
    assert m, "kaslboot handed no framebuffer to Linux:\n" + b.log[-3000:]
    width, height, fb, line = (int(m.group(1)), int(m.group(2)), int(m.group(3), 16),
                               int(m.group(4)))
    assert int(k.group(1), 16) == fb, (k.group(0), hex(fb))
    assert b.find(r"efifb: mode is %dx%dx32, linelength=%d" % (width, height, line)), \
        b.log[-6000:]
    assert b.find(r"fb0: EFI VGA frame buffer device"), b.log[-6000:]
    assert (w, h) == (width, height), (w, h, width, height)
    # QEMU's processor is no Ampere part: runtime services stay 1:1, as the stub leaves them.
    assert "SetVirtualAddressMap" not in b.log

def test_gic_its_lpi_tables_reserved(trixie_esp):
    """GICv3 with an ITS: the ITS driver reserves its LPI tables for the next kernel
    through efi_mem_reserve_persistent(), which needs the memreserve table (-ENODEV and a
    WARN without it)."""
    b = boot(trixie_esp, extra=["-M", "virt,gic-version=3,its=on"], timeout=240)
    assert "KASLBOOT-REPORT-END" in b.log, b.log[-3000:]
    assert b.find(r"ITS@0x[0-9a-f]+: allocated \d+ Devices"), b.log[-6000:]
    assert b.find(r"GICv3: using LPI property table @0x[0-9a-f]+"), b.log[-6000:]
    assert b.find(r"CPU0: using allocated LPI pending table @0x[0-9a-f]+"), b.log[-6000:]
    bad = [l for l in b.log.splitlines()
           if re.search(r"WARNING:.*irq-gic-v3-its|failed to reserve|-ENODEV", l)]
    assert not bad, "\n".join(bad)


def test_ampere_firmware_gets_set_virtual_address_map(debug_esp):
    """SMBIOS type 4 naming an eMAG (QEMU passes it to AAVMF): kaslboot calls
    SetVirtualAddressMap as Linux's stub does on Ampere firmware, and Linux's runtime
    services work through the new mapping (variables and the EFI RTC), which they would
    not if the map's virtual addresses were not the ones the firmware was relocated to
    (a refused SVAM leaves Linux without runtime services: no variables, no rtc-efi)."""
    b = boot(debug_esp, cpu="cortex-a72", until=r"KASLBOOT-REPORT-END", timeout=240,
             extra=["-smbios", "type=4,version=eMAG"])
    assert b.report, b.log[-3000:]
    assert "kaslboot: runtime services: SetVirtualAddressMap for Ampere eMAG/Altra" in b.log
    assert int(b.report["efivars"]) > 0, b.report
    assert b.report["rtc"].startswith("rtc-efi"), b.report
    assert not b.find(r"runtime services will not be available"), b.log[-3000:]

