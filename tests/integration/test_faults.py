# SPDX-License-Identifier: BSD-2-Clause
"""The bounded power-cut campaign and three disk-error cases (issue 23): `make faults` runs
the long one. scripts/fault-campaign.py does the work; this test runs a handful of cuts
aimed at kaslboot's writes (the seed file's rewrite, the boot-counting rename) with a
fixed seed, then EIO on the kernel and on the default entry's file; test_seed_write_eio
EIO on the seed file's rewrite."""
import os
import re
import subprocess
import sys

from kaslboot_qemu import ESP, ROOT

SCRIPT = os.path.join(ROOT, "scripts", "fault-campaign.py")
CUTS = 4
# Cut points are drawn from this seed: the same instants every run (give or take the
# host's timing), two aims each.
CUT_SEED = 23


def test_power_cuts_and_disk_errors(tmp_path):
    p = subprocess.run([sys.executable, SCRIPT, "--esp", ESP, "--cuts", str(CUTS),
                        "--seed", str(CUT_SEED), "--aim", "seed-write,rename",
                        "--blkdebug", "kernel,entry", "--workdir", str(tmp_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    print(out)   # the per-cut lines and the summary, in pytest's report on failure
    assert p.returncode == 0, out[-6000:]
    assert len(re.findall(r"(?m)^cut +\d+: .*next boot: Linux", out)) == CUTS, out
    # One line each naming the file and the error, and the fallback entry booted.
    assert re.search(r"(?m)^EIO kernel .*kaslboot: error: /Image: read failed: device "
                     r"error -> Linux, entry fallback\.conf$", out), out
    assert re.search(r"(?m)^EIO entry .*kaslboot: error: /loader/entries/debian\+\d+-0\.conf: "
                     r"read failed: device error -> Linux, entry fallback\.conf$", out), out
    assert "fault-campaign: 0 failure(s)" in out


def test_seed_write_eio(tmp_path):
    """EIO on the seed file's in-place rewrite (its write or flush): edk2's FAT driver keeps
    the refused write and fails every later call until it is restarted (efi/file.c,
    efi_file_rewrite); without that restart no kernel was readable, on every boot. One
    warning naming the file, the seed mixed and not credited, and the default entry boots."""
    p = subprocess.run([sys.executable, SCRIPT, "--esp", ESP, "--cuts", "0",
                        "--blkdebug", "seed-write", "--workdir", str(tmp_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    print(out)
    assert p.returncode == 0, out[-6000:]
    assert re.search(r"(?m)^EIO seed-write .*kaslboot: warning: /loader/random-seed: cannot "
                     r"be rewritten .*mixed, not credited -> Linux, entry debian\.conf$", out), out
    with open(os.path.join(str(tmp_path), "logs", "eio-seed-write.log")) as f:
        log = f.read()
    seed_warnings = re.findall(r"kaslboot: (?:warning|error): .*random-seed.*", log)
    assert len(seed_warnings) == 1, seed_warnings
    # Never credited after a failed write-before-use.
    assert re.search(r"kaslboot: entropy: \S+ \(0 bits credited\); seed file mixed, not "
                     r"credited", log), log
    assert "fault-campaign: 0 failure(s)" in out
