# SPDX-License-Identifier: BSD-2-Clause
"""kaslboot under another firmware: U-Boot's UEFI (Debian's u-boot-qemu as -bios) instead of
AAVMF. The demo ESP is partition 1 of a GPT disk (U-Boot's boot scan finds
\\EFI\\BOOT\\BOOTAA64.EFI only there). What differs from edk2: U-Boot's own FAT driver (the
seed file is created, then rewritten in place), its own memory map and devicetree handling
(with an EFI RNG it passes the DT's rng-seed but no kaslr-seed), no variable store kept
across runs, and U-Boot's runtime services. -cpu cortex-a72 has no RNDR, so Linux's KASLR
comes only from the kaslr-seed kaslboot hands over."""
import subprocess

from kaslboot_qemu import (DEBUG_CONF, NO_RNDR, boot_report, check_consistent, dump_dtb,
                           make_esp)


def kaslboot_problems(b):
    """kaslboot's warnings and errors: a usual boot under U-Boot has none."""
    return [l for l in b.lines() if l.startswith(("warning: ", "error: "))]


def check_booted_at_kaslboots_base(b):
    """Linux runs where kaslboot put it, with its KASLR on from kaslboot's seed; returns
    kaslboot's facts."""
    f = check_consistent(b)
    assert f.get("mode") == "on", b.log[-4000:]
    assert f["bits"] >= 8, f
    assert b.report["efi"] == "yes" and b.report["efi_tables"].find("RNG=") >= 0, b.report
    assert b.report["loader_entry"] == "debian.conf", b.report
    assert b.report["loader_info"].startswith("kaslboot "), b.report
    return f


def entropy_line(b):
    m = b.find(r"^kaslboot: entropy: (\S+) \((\d+) bits credited\); seed file (.*)$")
    assert m, b.log[-4000:]
    return m.group(1).split(","), int(m.group(2)), m.group(3)


def test_two_boots_under_uboot(tmp_path, demo_esp):
    """The first boot, with a virtio-rng behind U-Boot's EFI_RNG_PROTOCOL, creates the seed
    file; the second, without one, credits it, and the kernel lands elsewhere."""
    # A copy the guest may write (the seed file persists), at `log debug` for the base.
    esp = make_esp(tmp_path, {"/loader/loader.conf": DEBUG_CONF})
    first = boot_report(esp, firmware="u-boot", rng=True, writable=True, timeout=300)
    assert "Das U-Boot" in first.log, first.log[-4000:]
    f1 = check_booted_at_kaslboots_base(first)
    sources, bits, seed_file = entropy_line(first)
    assert "efi-rng" in sources and bits >= 256, sources
    assert seed_file == "created", seed_file
    assert not kaslboot_problems(first), first.log[-4000:]

    second = boot_report(esp, firmware="u-boot", rng=False, writable=True, timeout=300)
    f2 = check_booted_at_kaslboots_base(second)
    sources, bits, seed_file = entropy_line(second)
    assert "efi-rng" not in sources and "seed-file" in sources, sources
    assert seed_file == "credited", seed_file
    assert not kaslboot_problems(second), second.log[-4000:]
    assert f1["base"] != f2["base"], (f1, f2)
    assert first.report["stext"] != second.report["stext"]


def test_devicetree_file_gets_the_firmwares_fixups(tmp_path):
    """An entry's `devicetree` file goes through U-Boot's EFI_DT_FIXUP_PROTOCOL before
    kaslboot's /chosen edits: QEMU's own DT with a model of its own and no memory node
    reaches Linux with that model and the memory node U-Boot's fixup writes from what it
    knows of the machine (arch_fixup_fdt -> fdt_fixup_memory_banks: 1 GiB at 0x40000000)."""
    dtb = tmp_path / "virt.dtb"
    dump_dtb(dtb, cpu=NO_RNDR)
    subprocess.run(["fdtput", "-t", "s", str(dtb), "/", "model", "kaslboot fixup test"],
                   check=True)
    subprocess.run(["fdtput", "-r", str(dtb), "/memory@40000000"], check=True)
    listing = subprocess.run(["fdtget", "-l", str(dtb), "/"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.split()
    assert not [n for n in listing if n.startswith("memory")], listing
    esp = make_esp(tmp_path, {
        "/virt.dtb": dtb.read_bytes(),
        "/loader/entries/debian.conf":
            "linux /Image\ninitrd /initrd.img\noptions console=ttyAMA0 panic=-1\n"
            "devicetree /virt.dtb\n"})
    b = boot_report(esp, firmware="u-boot", timeout=300)
    assert "kaslboot: /virt.dtb: the firmware's devicetree fixups applied" in b.log, \
        b.log[-4000:]
    assert b.report["model"] == "kaslboot fixup test", b.report
    # 1 GiB at 0x40000000 in the root's 2 + 2 cells.
    assert "=00000000400000000000000040000000" in b.report["dt_memory"], b.report
    assert not kaslboot_problems(b), b.log[-4000:]
