# SPDX-License-Identifier: BSD-2-Clause
"""Issue 8: KASLR at least as strong as the kernel's own EFI stub. The Debian kernel on
64 KiB slots (EFI_KIMG_ALIGN), so Linux's virtual base changes below 2 MiB too; the seed
file on the ESP gives real entropy on a machine with none; a fallback entry keeps the
boot's strong sources; Linux gets and credits a LINUX_EFI_RANDOM_SEED_TABLE."""
import subprocess

from kaslboot_qemu import MTOOLS_ENV, boot_report, loader_facts, make_esp, stext_offset
SZ_2M = 2 << 20


def test_64k_slots_vary_linux_below_2m(demo_esp):
    """With a virtio-rng, as the stub would randomize: 4 boots, 64 KiB-aligned physical
    bases, at least two values of both the physical 'Kernel code' start and Linux's _stext
    modulo 2 MiB, no alignment complaint, and >= 13 bits at 1 GiB (the stub's figure)."""
    phys, virt = set(), set()
    for _ in range(4):
        b = boot_report(demo_esp, rng=True)
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


def read_seed(img):
    return subprocess.run(["mtype", "-i", img, "::/loader/random-seed"], env=MTOOLS_ENV,
                          stdout=subprocess.PIPE, check=True).stdout


def test_seed_file_gives_entropy_without_any_source(tmp_path):
    """No DT seeds, no virtio-rng, no RNDR: the first boot creates \\loader\\random-seed
    (and warns: only the counter), the second credits it and does not warn; the file
    changes after every boot; Linux's efi: line shows the RNG table."""
    esp = make_esp(tmp_path)
    kw = dict(dtb_seed=False, rng=False, writable=True)
    first = boot_report(esp, **kw)
    assert "seed file created" in first.log, first.log[-3000:]
    assert "weak entropy" in first.log
    seeds = [read_seed(esp)]
    assert len(seeds[0]) == 32
    for _ in range(2):
        b = boot_report(esp, **kw)
        assert "seed file credited" in b.log, b.log[-3000:]
        assert "weak entropy" not in b.log, b.log[-3000:]
        f = loader_facts(b)
        assert "seed-file" in f["sources"], f
        assert b.report["kaslr"] == "KASLR enabled", b.report
        assert "RNG=" in b.report["efi_tables"], b.report
        seeds.append(read_seed(esp))
    assert len(set(seeds)) == 3, seeds


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
