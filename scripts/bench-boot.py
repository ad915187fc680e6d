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

By default every boot is a machine's usual boot, not its first: the ESP holds a
\\loader\\random-seed and the variable store a LoaderSystemToken (kaslboot, like
systemd-boot, creates both on the first boot: an NV variable write and a new file, which
the fresh store and snapshot ESP of each QEMU run would otherwise repeat every time).
--first-boot measures that first boot instead.

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


def boot_once(a, name, esp, boot_spec):
    cmd = [sys.executable, RUNNER, "--esp", esp, "--rng", "--mem", a.mem, "--cpu", a.cpu,
           "--mem-prealloc", "--boot", boot_spec, "--until", REPORT_END,
           "--timeout", str(a.timeout)]
    if a.token:
        cmd += ["--loader-var", "LoaderSystemToken=hex:" + a.token]
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


def esp_with(tmp, name, base, files):
    """A copy of the ESP image `base` with `files` ({ESP path: host file}) added."""
    img = os.path.join(tmp, name + ".img")
    shutil.copyfile(base, img)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for path, src in files.items():
        parts = path.strip("\\").split("\\")
        for i in range(1, len(parts)):
            subprocess.run(["mmd", "-D", "s", "-i", img, "::/" + "/".join(parts[:i])], env=env,
                           stderr=subprocess.DEVNULL)
        subprocess.run(["mcopy", "-o", "-i", img, src, "::/" + "/".join(parts)], check=True,
                       env=env)
    return img


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
    ap.add_argument("--first-boot", action="store_true",
                    help="no seed file on the ESP and no LoaderSystemToken: each loader's "
                         "first boot on the machine")
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per boot")
    ap.add_argument("--log-dir", help="keep every boot's timed serial log here")
    a = ap.parse_args()
    if not os.path.exists(a.esp):
        ap.error("no such ESP image: %s (make esp)" % a.esp)

    with tempfile.TemporaryDirectory(prefix="kaslboot-bench-") as tmp:
        a.token = None
        if not a.first_boot:
            # systemd's sizes: a 32-byte seed file and a 32-byte system token.
            seed = os.path.join(tmp, "random-seed")
            with open(seed, "wb") as f:
                f.write(os.urandom(32))
            a.esp = esp_with(tmp, "esp", a.esp, {"\\loader\\random-seed": seed})
            a.token = os.urandom(32).hex()
        loaders = [
            ("kaslboot", a.esp, "kaslboot:%s" % a.loader),
            # The stub takes initrd= from its load options (drivers/firmware/efi/libstub).
            ("stub", a.esp, "linux:%s:initrd=%s %s" % (a.kernel, a.initrd, a.options)),
        ]
        if a.systemd_boot:
            sd = "\\EFI\\systemd\\systemd-bootaa64.efi"
            loaders.append(("systemd-boot", esp_with(tmp, "systemd-boot", a.esp,
                                                     {sd: a.systemd_boot}),
                            "systemd-boot:%s" % sd))
        for v in a.variant:
            name, _, efi = v.partition("=")
            loaders.append((name, esp_with(tmp, name, a.esp, {a.loader: efi}),
                            "%s:%s" % (name, a.loader)))
        run(a, loaders)


def run(a, loaders):
    names = [n for n, _, _ in loaders]
    width = max(9, max(len(n) for n in names))
    col = lambda v: fmt(v, width)
    boots = {n: [] for n in names}
    print("bench-boot: %d boots each, interleaved, %s; ms from BdsDxe's \"loading Boot0000\" "
          "to \"Booting Linux on physical CPU\"" %
          (a.boots, "first boot" if a.first_boot else "seed file and system token present"),
          flush=True)
    print("%-6s %s" % ("boot", " ".join("%*s" % (width, n) for n in names)), flush=True)
    for i in range(a.boots):
        order = loaders if i % 2 == 0 else loaders[::-1]
        row = {}
        for name, esp, spec in order:
            b = boot_once(a, name, esp, spec)
            if b.total_ms() is None:
                sys.stderr.write(b.log[-3000:] + "\n")
                sys.exit("bench-boot: %s boot %d did not reach the kernel (rc %d)" %
                         (name, i + 1, b.rc))
            boots[name].append(b)
            row[name] = b.total_ms()
        print("%-6d %s" % (i + 1, " ".join(col(row[n]) for n in names)), flush=True)

    med, fastest, ratios = summary({n: [b.total_ms() for b in boots[n]] for n in names})
    print("%-6s %s" % ("median", " ".join(col(med[n]) for n in names)))
    print("%-6s %s" % ("min", " ".join(col(fastest[n]) for n in names)))
    for n, (by_median, by_fastest) in ratios.items():
        print("ratio %s/stub: %.3f (medians), %.3f (fastest boots)" % (n, by_median, by_fastest))
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


if __name__ == "__main__":
    main()
