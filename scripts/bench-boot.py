#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Boot benchmark: kaslboot against the kernel's own EFI stub on the same machine.

Both boot the demo ESP's Debian kernel and initramfs with the same command line under
QEMU + AAVMF with a virtio-rng (so that both randomize the kernel's physical base), each
from a Boot#### entry of its own, interleaved (the order alternates every round), N boots
each. A boot's time runs from the firmware's "BdsDxe: loading Boot0000" line (its boot
manager is about to LoadImage the option's file: BOOTAA64.EFI, or the 27 MB kernel for the
stub) to the kernel's first line ("Booting Linux on physical CPU"). Times come from the
host: each serial line is timed by the arrival of its first byte, and output is cut where
it pauses, so escape sequences printed earlier on the same line do not count.

Printed: each boot's time, the medians and the fastest boots, the ratio kaslboot/stub by
each, the tail from each loader's last line to the kernel's first line (ExitBootServices,
the jump and the kernel's own start), kaslboot's phase timings (its "phases (ms)" line,
medians) and the KASLR evidence (Linux's "KASLR enabled" and the kernel's physical base in
every boot).

Two kinds of boot are measured (--mode): the steady state, a machine's usual boot after
installation (the ESP holds a \\loader\\random-seed and the variable store a
LoaderSystemToken, as kaslboot-install or bootctl leave them), and the first boot on a
fresh ESP (kaslboot, like systemd-boot, then creates both: an NV variable write and a new
file).

The ESP's writes and flushes reach the disk: each boot runs on a copy of the image of its
own (no -snapshot, under which QEMU drops the guest's flushes), with QEMU's default
cache=writeback: the guest's writes land in the host's page cache and each flush it sends
(the FAT driver's FlushBlocks, a virtio-blk FLUSH) becomes an fdatasync of the image, as
an SD card, eMMC or SSD with a volatile write cache honours FLUSH CACHE. directsync would
make each of the FAT driver's writes synchronous on its own, which no such device does.
The copy is synced before QEMU starts, so that the host writing back the copy's own pages
never lands in the guest's first flush (that was 26-45 ms).

--entries N,N,... measures instead how the loader time grows with the number of Type #1
entries: the same ESP with N entries in all (the demo's and N-1 more, each with its own
version), kaslboot and systemd-boot in the steady state.

--memory adds one untimed boot of kaslboot at `log debug` per ESP, for the peak of
kaslboot's own allocations (its "own memory peak" figure).

Guest RAM is backed before each boot (QEMU -mem-prealloc): otherwise the host's page faults
on the guest's first touch of each page land inside the timed window, in whichever loader
writes a fresh page first (the 27 MB kernel's read took 9 ms or 60-100 ms from one boot to
the next), which real RAM never does.

It measures; it does not pass or fail (except when a boot does not happen at all).
Absolute times are noisy on a shared machine: compare the ratio, and medians.
"""
import argparse
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUNNER = os.path.join(HERE, "qemu-run.py")

START = re.compile(r"BdsDxe: loading Boot0000 ")
KERNEL = re.compile(r"Booting Linux on physical CPU")
REPORT_END = "KASLBOOT-REPORT-END"
LOADER_LINE = re.compile(r"^(kaslboot: |EFI stub: |BdsDxe: starting )")
PHASES = re.compile(r"kaslboot: phases \(ms\): (.*?); reads ([\d.]+), other ([\d.]+) "
                    r"\(([\d.]+)% of reads\)")
MEMORY = re.compile(r"own memory peak (\d+ KiB(?: or more)?)")
FW_CALLS = re.compile(r"kaslboot: firmware calls \(ms\): (.*?); in the firmware")
ESC = re.compile(r"\x1b\[[0-9;=?]*[A-Za-z]")
# A gap this long in the serial output starts a new line for timing purposes.
PAUSE = 0.02


class Boot:
    def __init__(self, name, lines, rc):
        self.name = name
        self.lines = lines          # [(host time of the first byte, text)]
        self.rc = rc
        self.log = "\n".join(t for _, t in lines)

    def first(self, pattern):
        for t, text in self.lines:
            if pattern.search(text):
                return t, text
        return None, None

    def total_ms(self):
        t0, _ = self.first(START)
        t1, _ = self.first(KERNEL)
        return None if t0 is None or t1 is None else (t1 - t0) * 1000

    def tail_ms(self):
        """From the loader's last line before the kernel's first to that first line."""
        t1, _ = self.first(KERNEL)
        last = None
        for t, text in self.lines:
            if t1 is not None and t >= t1:
                break
            if LOADER_LINE.search(text):
                last = t
        return None if last is None or t1 is None else (t1 - last) * 1000

    def report(self):
        m = re.search(r"KASLBOOT-REPORT-BEGIN\n(.*?)" + REPORT_END, self.log, re.S)
        out = {}
        for line in (m.group(1).splitlines() if m else []):
            k, _, v = line.partition("=")
            out[k.strip()] = v.strip()
        return out

    def phases(self):
        m = PHASES.search(self.log)
        if not m:
            return None
        out = {}
        for item in m.group(1).split(", "):
            name, _, ms = item.rpartition(" ")
            out[name] = float(ms)
        out["reads"] = float(m.group(2))
        out["other"] = float(m.group(3))
        out["other % of reads"] = float(m.group(4))
        return out


def timed_lines(chunks):
    """[(t, bytes)] -> [(t of the line's first byte, text)], cut at newlines and pauses."""
    lines, cur, cur_t, last_t = [], b"", None, None
    for t, chunk in chunks:
        if cur and last_t is not None and t - last_t > PAUSE:
            lines.append((cur_t, cur))
            cur = b""
        last_t = t
        parts = chunk.split(b"\n")
        for i, piece in enumerate(parts):
            if piece and not cur:
                cur_t = t
            cur += piece
            if i < len(parts) - 1:        # a newline ended this piece
                if cur:
                    lines.append((cur_t, cur))
                cur = b""
    if cur:
        lines.append((cur_t, cur))
    out = []
    for t, raw in lines:
        text = ESC.sub("", raw.decode("utf-8", "replace")).replace("\r", "")
        if text:
            out.append((t, text))
    return out


def summary(totals):
    """{loader: [ms of each boot]} -> medians, fastest boots, and each loader's ratios to the
    stub by both. The fastest boot is the one the host disturbed least: on a shared machine
    bursts of noise slow every loader's boots alike for a while (both kinds, 210-240 ms
    against 120-150), and a median of few boots can land in one."""
    med = {n: median(t) for n, t in totals.items()}
    fastest = {n: min(t) for n, t in totals.items()}
    ratios = {n: (med[n] / med["stub"], fastest[n] / fastest["stub"])
              for n in totals if n != "stub"}
    return med, fastest, ratios


def disk_copy(base, path):
    """A copy of the ESP image for one boot, on the disk before QEMU starts."""
    shutil.copyfile(base, path)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def flush_cost(tmp, base, rounds=9):
    """The device flush alone, as the seed file's rewrite makes the host do it: the FAT
    driver's two 64 KiB cache pages (the file's data and its directory entry) written to a
    synced copy of the image, then one fdatasync. (median, fastest) in ms."""
    img = os.path.join(tmp, "flush.img")
    disk_copy(base, img)
    page = 64 * 1024
    times = []
    fd = os.open(img, os.O_RDWR)
    try:
        for _ in range(rounds):
            os.pwrite(fd, os.urandom(page), 0)
            os.pwrite(fd, os.urandom(page), 4 * page)
            t0 = time.monotonic()
            os.fdatasync(fd)
            times.append((time.monotonic() - t0) * 1000)
            time.sleep(0.05)
    finally:
        os.close(fd)
        os.unlink(img)
    return statistics.median(times), min(times)


def boot_once(a, name, esp, boot_spec, token=None):
    run_img = os.path.join(a.tmp, "run.img")
    disk_copy(esp, run_img)
    cmd = [sys.executable, RUNNER, "--esp", run_img, "--esp-writable", "--rng", "--mem", a.mem,
           "--cpu", a.cpu, "--mem-prealloc", "--boot", boot_spec, "--until", REPORT_END,
           "--timeout", str(a.timeout)]
    if token:
        cmd += ["--loader-var", "LoaderSystemToken=hex:" + token]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = []
    fd = proc.stdout.fileno()
    while True:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        data = os.read(fd, 65536)
        now = time.monotonic()
        if not data:
            break
        chunks.append((now, data))
    rc = proc.wait()
    os.unlink(run_img)
    b = Boot(name, timed_lines(chunks), rc)
    if a.log_dir:
        os.makedirs(a.log_dir, exist_ok=True)
        n = len([f for f in os.listdir(a.log_dir) if f.startswith(name + "-")])
        with open(os.path.join(a.log_dir, "%s-%d.log" % (name, n + 1)), "w") as f:
            for t, text in b.lines:
                f.write("%10.3f %s\n" % ((t - b.lines[0][0]) * 1000, text))
    return b


def fmt(v, width=9):
    return ("%*.1f" % (width, v)) if v is not None else "%*s" % (width, "-")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def esp_with(tmp, name, base, files, entries=None):
    """A copy of the ESP image `base` with `files` ({ESP path: host file}) added, and the
    entry files in the host directory `entries` copied to \\loader\\entries."""
    img = os.path.join(tmp, name + ".img")
    shutil.copyfile(base, img)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    if entries:
        names = sorted(os.listdir(entries))
        for i in range(0, len(names), 200):
            subprocess.run(["mcopy", "-o", "-i", img] +
                           [os.path.join(entries, n) for n in names[i:i + 200]] +
                           ["::/loader/entries/"], check=True, env=env)
    for path, src in files.items():
        parts = path.strip("\\").split("\\")
        for i in range(1, len(parts)):
            subprocess.run(["mmd", "-D", "s", "-i", img, "::/" + "/".join(parts[:i])], env=env,
                           stderr=subprocess.DEVNULL)
        subprocess.run(["mcopy", "-o", "-i", img, src, "::/" + "/".join(parts)], check=True,
                       env=env)
    return img


def entry_files(tmp, n):
    """A directory of n Type #1 entries like the demo's, each with a version of its own."""
    d = os.path.join(tmp, "entries-%d" % n)
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(os.path.join(d, "bench-%04d.conf" % i), "w") as f:
            f.write("title Bench entry %d\nversion 6.1.0-%d\nlinux /Image\n"
                    "initrd /initrd.img\noptions console=ttyAMA0 earlycon panic=-1\n"
                    "architecture aa64\n" % (i, i))
    return d


def loaders_on(a, tmp, tag, base, entries=None, stub=True):
    """(name, ESP image, Boot#### spec) of every loader measured on the ESP `base`."""
    esp = esp_with(tmp, "kaslboot-" + tag, base, {}, entries) if entries else base
    out = [("kaslboot", esp, "kaslboot:%s" % a.loader)]
    if stub:
        # The stub takes initrd= from its load options (drivers/firmware/efi/libstub).
        out.append(("stub", esp, "linux:%s:initrd=%s %s" % (a.kernel, a.initrd, a.options)))
    if a.systemd_boot:
        sd = "\\EFI\\systemd\\systemd-bootaa64.efi"
        out.append(("systemd-boot", esp_with(tmp, "systemd-boot-" + tag, esp,
                                             {sd: a.systemd_boot}), "systemd-boot:%s" % sd))
    for v in a.variant:
        name, _, efi = v.partition("=")
        out.append((name, esp_with(tmp, name + "-" + tag, esp, {a.loader: efi}),
                    "%s:%s" % (name, a.loader)))
    return out


def memory_boot(a, tmp, tag, esp, token):
    """One untimed kaslboot boot at `log debug`: its own memory peak and firmware calls."""
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    conf = subprocess.run(["mtype", "-i", esp, "::/loader/loader.conf"], env=env,
                          stdout=subprocess.PIPE, check=True).stdout.decode()
    conf = re.sub(r"(?m)^log .*$", "", conf) + "\nlog debug\n"
    path = os.path.join(tmp, "loader-debug.conf")
    with open(path, "w") as f:
        f.write(conf)
    img = esp_with(tmp, "memory-" + tag, esp, {"\\loader\\loader.conf": path})
    b = boot_once(a, "kaslboot-debug-" + tag, img, "kaslboot:%s" % a.loader, token)
    os.unlink(img)
    m = MEMORY.search(b.log)
    calls = FW_CALLS.search(b.log)
    print("%s: kaslboot's own memory peak %s (log debug boot); firmware calls (ms): %s" %
          (tag, m.group(1) if m else "? (no report)", calls.group(1) if calls else "?"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--esp", default=os.path.join(ROOT, "build", "esp.img"),
                    help="the demo ESP (make esp)")
    ap.add_argument("--boots", type=int, default=int(os.environ.get("BENCH_BOOTS", "5")),
                    help="boots of each loader (default 5, or $BENCH_BOOTS)")
    ap.add_argument("--loader", default="\\EFI\\BOOT\\BOOTAA64.EFI", help="kaslboot on the ESP")
    ap.add_argument("--kernel", default="\\Image", help="the kernel on the ESP")
    ap.add_argument("--initrd", default="\\initrd.img", help="the initrd on the ESP")
    ap.add_argument("--options", default="console=ttyAMA0 earlycon panic=-1",
                    help="the kernel command line (the demo entry's)")
    ap.add_argument("--systemd-boot", metavar="EFI",
                    help="also systemd-boot (systemd-bootaa64.efi) on a copy of the ESP: it "
                         "reads the same loader.conf and entry")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=EFI",
                    help="also this build of kaslboot, on a copy of the ESP (A/B of builds)")
    ap.add_argument("--mode", choices=["steady", "first", "both"], default="both",
                    help="the steady state (seed file and token present), the first boot on "
                         "a fresh ESP, or both (default)")
    ap.add_argument("--first-boot", action="store_true", help="the same as --mode first")
    ap.add_argument("--entries", metavar="N,N,...",
                    help="the entries-scaling run: ESPs with N Type #1 entries each "
                         "(e.g. 1,10,100,1000), steady state, kaslboot and systemd-boot")
    ap.add_argument("--memory", action="store_true",
                    help="also one untimed `log debug` boot of kaslboot per ESP: its own "
                         "memory peak")
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per boot")
    ap.add_argument("--log-dir", help="keep every boot's timed serial log here")
    a = ap.parse_args()
    if not os.path.exists(a.esp):
        ap.error("no such ESP image: %s (make esp)" % a.esp)
    if a.first_boot:
        a.mode = "first"

    with tempfile.TemporaryDirectory(prefix="kaslboot-bench-") as tmp:
        a.tmp = tmp
        # systemd's sizes: a 32-byte seed file and a 32-byte system token.
        seed = os.path.join(tmp, "random-seed")
        with open(seed, "wb") as f:
            f.write(os.urandom(32))
        steady = esp_with(tmp, "steady", a.esp, {"\\loader\\random-seed": seed})
        token = os.urandom(32).hex()
        if a.entries:
            scaling(a, tmp, steady, token, [int(n) for n in a.entries.split(",")])
            return
        print("the device flush alone (host: two 64 KiB writes to a copy of the ESP image, "
              "one fdatasync): median %.2f ms, fastest %.2f ms of 9" % flush_cost(tmp, a.esp),
              flush=True)
        modes = ["steady", "first"] if a.mode == "both" else [a.mode]
        ratios = {}
        for mode in modes:
            base, tok = (steady, token) if mode == "steady" else (a.esp, None)
            ratios[mode] = run(a, mode, loaders_on(a, tmp, mode, base), tok)
            if a.memory:
                memory_boot(a, tmp, mode, base, tok)
        if len(modes) > 1:
            print("summary, ratio to the stub (medians / fastest boots):")
            for mode in modes:
                print("  %-7s %s" % (mode, ", ".join("%s %.3f / %.3f" % (n, r[0], r[1])
                                                     for n, r in ratios[mode].items())))


def scaling(a, tmp, steady, token, sizes):
    """Loader time against the number of Type #1 entries: the demo's entry and n-1 more."""
    rows = {}
    for n in sizes:
        d = entry_files(tmp, n - 1) if n > 1 else None
        loaders = loaders_on(a, tmp, "n%d" % n, steady, d, stub=False)
        boots = interleaved(a, loaders, token, "%d entries" % n)
        rows[n] = {name: (median([b.total_ms() for b in bs]), min(b.total_ms() for b in bs))
                   for name, bs in boots.items()}
        if a.memory:
            memory_boot(a, tmp, "%d entries" % n, loaders[0][1], token)
        for _, esp, _ in loaders:
            if esp != steady and os.path.exists(esp):
                os.unlink(esp)
    names = list(rows[sizes[0]])
    print("entries scaling, steady state, ms from \"loading Boot0000\" to Linux's first line "
          "(median / fastest of %d):" % a.boots)
    print("%7s %s" % ("entries", " ".join("%21s" % n for n in names)))
    for n in sizes:
        print("%7d %s" % (n, " ".join("%11.1f / %7.1f" % rows[n][k] for k in names)))
    n0 = sizes[0]
    for n in sizes[1:]:
        print("per entry, %d -> %d (ms, medians): %s" % (n0, n, ", ".join(
            "%s %.3f" % (k, (rows[n][k][0] - rows[n0][k][0]) / (n - n0)) for k in names)))


def interleaved(a, loaders, token, what):
    """a.boots boots of each loader, the order alternating every round; {name: [Boot]}."""
    names = [n for n, _, _ in loaders]
    width = max(9, max(len(n) for n in names))
    boots = {n: [] for n in names}
    print("bench-boot: %d boots each, interleaved, %s; ms from BdsDxe's \"loading Boot0000\" "
          "to \"Booting Linux on physical CPU\"" % (a.boots, what), flush=True)
    print("%-6s %s" % ("boot", " ".join("%*s" % (width, n) for n in names)), flush=True)
    for i in range(a.boots):
        order = loaders if i % 2 == 0 else loaders[::-1]
        row = {}
        for name, esp, spec in order:
            b = boot_once(a, name, esp, spec, token)
            if b.total_ms() is None:
                sys.stderr.write(b.log[-3000:] + "\n")
                sys.exit("bench-boot: %s boot %d did not reach the kernel (rc %d)" %
                         (name, i + 1, b.rc))
            boots[name].append(b)
            row[name] = b.total_ms()
        print("%-6d %s" % (i + 1, " ".join(fmt(row[n], width) for n in names)), flush=True)
    return boots


def run(a, mode, loaders, token):
    what = ("first boot on a fresh ESP (no seed file, no token)" if mode == "first" else
            "steady state (seed file and system token present)")
    what += "; the ESP's writes and flushes reach a copy of its image per boot"
    boots = interleaved(a, loaders, token, what)
    names = list(boots)
    width = max(9, max(len(n) for n in names))
    col = lambda v: fmt(v, width)

    med, fastest, ratios = summary({n: [b.total_ms() for b in boots[n]] for n in names})
    print("%-6s %s" % ("median", " ".join(col(med[n]) for n in names)))
    print("%-6s %s" % ("min", " ".join(col(fastest[n]) for n in names)))
    for n, (by_median, by_fastest) in ratios.items():
        print("%s: ratio %s/stub: %.3f (medians), %.3f (fastest boots)" %
              (mode, n, by_median, by_fastest))
    tails = {n: median([b.tail_ms() for b in boots[n]]) for n in names}
    print("tail, the loader's last line to the kernel's first (median ms): " +
          ", ".join("%s %s" % (n, fmt(tails[n], 0)) for n in names))

    for n in names:
        phases = [p for p in (b.phases() for b in boots[n]) if p]
        if phases:
            keys = list(phases[0])
            print("%s phases (ms, medians of %d): %s" % (n, len(phases), ", ".join(
                "%s %s" % (k, fmt(median([p.get(k) for p in phases]), 0)) for k in keys)))

    for n in names:
        reports = [b.report() for b in boots[n]]
        kaslr = sorted({r.get("kaslr", "?") for r in reports})
        bases = [r.get("kernel_code", "?").split("-")[0] for r in reports]
        print("%s: Linux says %s; kernel code at %s (%d distinct of %d)" %
              (n, " / ".join(kaslr) or "?", " ".join(bases), len(set(bases)), len(bases)))
    return ratios


if __name__ == "__main__":
    main()
