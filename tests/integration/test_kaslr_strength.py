# SPDX-License-Identifier: BSD-2-Clause
"""Issue 8: KASLR at least as strong as the kernel's own EFI stub. The Debian kernel on
64 KiB slots (EFI_KIMG_ALIGN), so Linux's virtual base changes below 2 MiB too; a fallback
entry keeps the boot's strong sources; Linux gets and credits a LINUX_EFI_RANDOM_SEED_TABLE.
Issue 19: on a machine with no source at all, kaslboot claims none."""
import subprocess

from kaslboot_qemu import MTOOLS_ENV, boot_report, loader_facts, make_esp, stext_offset
SZ_2M = 2 << 20


def test_64k_slots_vary_linux_below_2m(debug_esp):
    """With a virtio-rng, as the stub would randomize: 4 boots, 64 KiB-aligned physical
    bases, at least two values of both the physical 'Kernel code' start and Linux's _stext
    modulo 2 MiB, no alignment complaint, and >= 13 bits at 1 GiB (the stub's figure)."""
    phys, virt = set(), set()
    for _ in range(4):
        b = boot_report(debug_esp, rng=True)
        f = loader_facts(b)
        assert f["align"] == 64 << 10, f
        assert f["bits"] >= 13, f
        assert f["base"] % (64 << 10) == 0, f
        code = int(b.report["kernel_code"].split("-")[0], 16)
        assert code == f["base"] + stext_offset(), (f, b.report)
        assert b.report["kaslr"] == "KASLR enabled", b.report
        assert b.report["misaligned"] == "0", b.log[-3000:]
        assert "RNG=" in b.report["efi_tables"], b.report
        phys.add(code % SZ_2M)
        virt.add(int(b.report["stext"], 16) % SZ_2M)
    assert len(phys) >= 2, phys
    assert len(virt) >= 2, virt


def seed_file_exists(img):
    return subprocess.run(["mdir", "-i", img, "::/loader/random-seed"], env=MTOOLS_ENV,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


# Linux credits a bootloader's seed (rng-seed, LINUX_EFI_RANDOM_SEED_TABLE) in setup_arch:
# its CRNG is then ready before the first timestamp. Without one it is ready much later.
CRNG_AT_ZERO = r"^\[\s*0\.000000\] random: crng init done"


def test_no_source_no_credited_entropy(tmp_path):
    """Issue 19: QEMU virt with dtb-randomness=off, no virtio-rng, a CPU without RNDR: only
    the counter. Linux is still placed at random (kaslr-seed, with the warning) but gets
    nothing it would credit: no RNG= table on its efi: line, no `crng init done` at
    0.000000, no LoaderRandomSeed; and kaslboot makes neither a seed file nor a
    LoaderSystemToken out of the counter. The same machine with a virtio-rng shows all
    three."""
    esp = make_esp(tmp_path)
    b = boot_report(esp, dtb_seed=False, rng=False, writable=True)
    assert "warning: weak entropy (only counter)" in b.log, b.log[-3000:]
    assert "seed file missing, not created" in b.log, b.log[-3000:]
    assert b.report["kaslr"] == "KASLR enabled", b.report
    assert "RNG=" not in b.report["efi_tables"], b.report
    assert not b.find(CRNG_AT_ZERO), b.log[-6000:]
    assert "LoaderRandomSeed" not in b.report["loader_vars"], b.report
    assert "LoaderSystemToken" not in b.report["loader_vars"], b.report
    assert not seed_file_exists(esp)

    r = boot_report(esp, dtb_seed=False, rng=True, writable=True)
    assert "weak entropy" not in r.log, r.log[-3000:]
    assert "RNG=" in r.report["efi_tables"], r.report
    assert r.find(CRNG_AT_ZERO), r.log[-6000:]
    assert "LoaderRandomSeed" in r.report["loader_vars"], r.report
    assert seed_file_exists(esp)


def test_fallback_entry_keeps_strong_sources(tmp_path):
    """A broken first entry, then the good one: it boots with the firmware DT's seeds
    still listed (they were read once, before the first attempt), also under
    `kaslr require`, and without the weak-entropy warning."""
    conf = "default broken\ntimeout 0\nkaslr require\n"
    esp = make_esp(tmp_path, {"/loader/loader.conf": conf,
                              "/loader/entries/broken.conf": "linux /no-such-Image\n"})
    b = boot_report(esp)
    assert "/no-such-Image: no such file" in b.log
    assert "falling back to entry 'debian'" in b.log
    f = loader_facts(b)
    assert "dt-kaslr-seed" in f["sources"] and "dt-rng-seed" in f["sources"], f
    assert "weak entropy" not in b.log
    assert b.report["kaslr"] == "KASLR enabled", b.report
