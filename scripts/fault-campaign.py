#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Power cuts and disk errors under QEMU: what kaslboot's writes leave on the ESP.

The power-cut campaign (issue 23) boots a copy of the demo ESP prepared as a user's would
be after a few boots: a counted entry (debian+COUNT-0.conf, the default), a fallback entry
with a kernel and initrd of its own, \\loader\\random-seed, `log debug`. The machine has no
entropy source of its own (QEMU virt with dtb-randomness=off, no virtio-rng, a CPU without
RNDR; AAVMF then offers no EFI_RNG_PROTOCOL), so the seed file is the only credited source.
The ESP is written through to its image (cache=writethrough, no snapshot) and the NV
variable store is one file kept across the campaign: a SIGKILL of QEMU leaves both as a
power cut would.

Each cut: one boot killed at a random instant between kaslboot's first line and its last
before ExitBootServices (half of them aimed at the seed file's rewrite and at the
boot-counting rename, located by the lines kaslboot prints at `log debug` around them: the
median over uncut steady-state boots, the second calibration boot and every boot after a
cut); then, on the image as the cut left it:
  - fsck.fat -n: what it says, classified (FAT's own limits vs. damage);
  - every file that existed before is there with its content: the counted entry under its
    old or new name, exactly once; loader.conf, kernels, initrds, kaslboot byte for byte;
    the seed file with its size;
  - the next boot, uncut, reaches Linux (the demo initramfs's report);
and across the campaign no two boots that reached Linux read the same seed file, nor got
the same placement (Linux's physical base and virtual _stext, which carry 13 + 25 bits of
the generator's output: the kaslr-seed and the seed table themselves are wiped by Linux
once used).

--blkdebug runs the disk-error cases: QEMU's blkdebug driver fails the reads (or writes)
of one file's first sector, located in the image's FAT with mshowfat; each must give one
kaslboot line naming the file and the error, and a boot that reaches Linux.

Exit status 0 when every check held; the summary is the last lines printed.
"""
import argparse
import collections
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUNNER = os.path.join(HERE, "qemu-run.py")
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LANG="C.UTF-8", LC_ALL="C.UTF-8")
# A CPU without FEAT_RNG: no RNDR, so the seed file is the only credited source.
CPU = "cortex-a72"
# The counted entry starts with this many tries: two boots a cut never reach +0 (where
# the entry would stop being renamed).
TRIES = 999999
ENTRY_RE = re.compile(r"^debian(\+(\d+)(-(\d+))?)?\.conf$", re.I)
SEED_PATH = "/loader/random-seed"
SEED_SIZE = 32              # systemd's and kaslboot's size for a new seed file
REPORT_END = "KASLBOOT-REPORT-END"
KILLED = 137                # qemu-run.py's exit code after --kill-after
BOOT_TIMEOUT = 150
# kaslboot's lines at `log debug`, in the order a boot prints them: each is printed once
# the step before it is done, so the last one a cut boot printed tells what was under way.
BANNER = r"kaslboot: kaslboot \d"
SEED_READ = r"kaslboot: entropy: seed-file added"
ENTROPY_DONE = r"kaslboot: entropy: [a-z,-]+ \(\d+ bits credited\)"
RENAMED = r"kaslboot: boot counting: "
LAST_LINE = r"kaslboot: firmware calls \(ms\)"
PHASES = [   # (name, the line that ends the phase before it)
    ("firmware, before kaslboot", BANNER),
    ("config: loader.conf, entries, BLI variables", r"kaslboot: entry '[^']*' chosen"),
    ("entropy: token, seed file read", SEED_READ),
    ("seed file rewrite + flush", ENTROPY_DONE),
    ("boot-counting rename + flush", RENAMED),
    ("placement, kernel and initrd reads", r"kaslboot: booting "),
    ("devicetree, handoff, BLI variables", LAST_LINE),
    ("ExitBootServices", r"Booting Linux on physical CPU"),
    ("Linux (after ExitBootServices)", None),
]
# Where cuts are aimed: (name, anchor line, end line, share of the cuts). "window" spreads
# them over kaslboot's whole run.
AIMS = [("window", BANNER, LAST_LINE, 0.5),
        ("seed-write", SEED_READ, ENTROPY_DONE, 0.25),
        ("rename", ENTROPY_DONE, RENAMED, 0.25)]

# fsck.fat's messages: FAT's own limits (a cut between two writes of one operation leaves
# them; the files are intact) and damage (what no cut may leave).
FSCK_BENIGN = [
    (re.compile(r"dirty bit is set", re.I), "dirty bit"),
    (re.compile(r"free cluster summary", re.I), "FSInfo free count"),
    (re.compile(r"orphaned long file name", re.I), "orphaned long name"),
    (re.compile(r"lost cluster", re.I), "lost clusters"),
]


def log(msg):
    print(msg, flush=True)


def mtools(args, **kw):
    return subprocess.run(args, env=MTOOLS_ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, **kw)


def esp_files(img):
    """{path: sha256 hex} of every file on the image (mtools reads it as it is)."""
    out = {}
    p = mtools(["mdir", "-/", "-b", "-i", img, "::/"])
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if not line.startswith("::/") or line.endswith("/"):
            continue
        path = line[2:]
        c = mtools(["mtype", "-i", img, "::" + path])
        out[path] = (hashlib.sha256(c.stdout).hexdigest() if c.returncode == 0
                     else "unreadable")
    return out


def read_esp_file(img, path):
    p = mtools(["mtype", "-i", img, "::" + path])
    return p.stdout if p.returncode == 0 else None


def put(img, path, data, tmp):
    staged = os.path.join(tmp, "staged")
    with open(staged, "wb") as f:
        f.write(data)
    parts = path.strip("/").split("/")
    for i in range(1, len(parts)):
        mtools(["mmd", "-D", "s", "-i", img, "::/" + "/".join(parts[:i])])
    subprocess.run(["mcopy", "-o", "-i", img, staged, "::" + path], env=MTOOLS_ENV, check=True)


def make_esp(base, out, tmp):
    """The campaign's ESP from the demo image (see the docstring)."""
    shutil.copyfile(base, out)
    conf = read_esp_file(out, "/loader/loader.conf").decode()
    conf = re.sub(r"(?m)^log \w+$", "log debug", conf)
    put(out, "/loader/loader.conf", conf.encode(), tmp)
    entry = read_esp_file(out, "/loader/entries/debian.conf")
    subprocess.run(["mren", "-i", out, "::/loader/entries/debian.conf",
                    "::/loader/entries/debian+%d-0.conf" % TRIES], env=MTOOLS_ENV, check=True)
    fallback = (entry.decode()
                .replace("linux      /Image", "linux      /fallback/Image")
                .replace("initrd     /initrd.img", "initrd     /fallback/initrd.img")
                .replace("title      Debian", "title      Fallback: Debian"))
    put(out, "/loader/entries/fallback.conf", fallback.encode(), tmp)
    for name in ("Image", "initrd.img"):
        put(out, "/fallback/" + name, read_esp_file(out, "/" + name), tmp)
    put(out, SEED_PATH, os.urandom(SEED_SIZE), tmp)
    return entry


def qemu_boot(img, vars_path, *, kill=None, until=REPORT_END, cache="writethrough",
              blkdebug=None):
    """One boot; returns (rc, [(host seconds since start, line)])."""
    cmd = [sys.executable, RUNNER, "--esp", img, "--esp-writable", "--vars", vars_path,
           "--no-dtb-seed", "--cpu", CPU, "--timeout", str(BOOT_TIMEOUT)]
    if cache:
        cmd += ["--esp-cache", cache]
    if blkdebug:
        cmd += ["--esp-blkdebug", blkdebug]
    if kill:
        cmd += ["--kill-after", "%s=%.6f" % kill]
    if until:
        cmd += ["--until", until]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    t0, lines = time.monotonic(), []
    for raw in p.stdout:
        lines.append((time.monotonic() - t0, raw.decode("utf-8", "replace").rstrip("\r\n")))
    return p.wait(), lines


def save_log(work, name, lines):
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    with open(os.path.join(work, "logs", name + ".log"), "w") as f:
        f.writelines("%9.4f %s\n" % tl for tl in lines)


def first(lines, pattern):
    r = re.compile(pattern)
    for t, line in lines:
        if r.search(line):
            return t
    return None


def phase_of(lines):
    """The phase a cut boot was in: the one after the last marker line it printed."""
    reached = 0
    for i, (_, pattern) in enumerate(PHASES):
        if pattern and first(lines, pattern) is not None:
            reached = i + 1
    return PHASES[min(reached, len(PHASES) - 1)][0]


def report(lines):
    text = "\n".join(l for _, l in lines)
    m = re.search(r"KASLBOOT-REPORT-BEGIN\n(.*?)KASLBOOT-REPORT-END", text, re.S)
    if not m:
        return {}
    return dict(l.split("=", 1) for l in m.group(1).splitlines() if "=" in l)


def kaslboot_lines(lines, level):
    return [l for _, l in lines if l.startswith("kaslboot: %s: " % level)]


def fsck(img):
    """(rc, [classified findings], raw output) of fsck.fat -n."""
    p = subprocess.run(["fsck.fat", "-n", img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    found = []
    body = [l for l in out.splitlines()[1:] if l.strip() and not re.match(
        r"^\S+: \d+ files, \d+/\d+ clusters$", l) and "Leaving filesystem unchanged" not in l
        and not l.startswith("  ")]
    for line in body:
        kind = next((k for r, k in FSCK_BENIGN if r.search(line)), None)
        found.append(("benign: " + kind) if kind else ("DAMAGE: " + line.strip()))
    return p.returncode, found, out


def check_files(img, baseline, entry_text):
    """What changed on the ESP beyond what a boot may change: a list of problems."""
    now = esp_files(img)
    problems = []
    entries = [p for p in now if p.startswith("/loader/entries/")
               and ENTRY_RE.match(os.path.basename(p))]
    if len(entries) != 1:
        problems.append("counted entry: %d files (%s), not exactly one"
                        % (len(entries), ", ".join(entries) or "none"))
    for p in entries:
        if now[p] != hashlib.sha256(entry_text).hexdigest():
            problems.append("%s: content changed" % p)
    for p, digest in baseline.items():
        if ENTRY_RE.match(os.path.basename(p)) and p.startswith("/loader/entries/"):
            continue
        if p not in now:
            problems.append("%s: LOST" % p)
        elif p == SEED_PATH:
            size = len(read_esp_file(img, p) or b"")
            if size != SEED_SIZE:
                problems.append("%s: %d bytes, not %d" % (p, size, SEED_SIZE))
        elif now[p] != digest:
            problems.append("%s: content changed" % p)
    for p in now:
        if p not in baseline and p not in entries:
            problems.append("%s: new file" % p)
    return problems


class Campaign:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.work = os.path.abspath(a.workdir)
        os.makedirs(self.work, exist_ok=True)
        self.img = os.path.join(self.work, "esp.img")
        self.vars = os.path.join(self.work, "vars.fd")
        self.failures = []
        self.findings = collections.Counter()
        self.phases = collections.Counter()
        self.aims = collections.Counter()
        self.seeds = {}        # seed file bytes read by a boot that reached Linux -> boot
        self.placements = {}   # (physical base, _stext) -> boot
        self.boots = 0

    def fail(self, what):
        self.failures.append(what)
        log("  FAIL " + what)

    def prepare(self):
        for p in (self.img, self.vars):
            if os.path.exists(p):
                os.unlink(p)
        self.entry = make_esp(self.a.esp, self.img, self.work)
        self.baseline = esp_files(self.img)
        self.fresh = os.path.join(self.work, "esp-fresh.img")   # the disk-error cases' base
        shutil.copyfile(self.img, self.fresh)
        log("campaign ESP %s: %d files; NV store %s; machine: -M virt,dtb-randomness=off, "
            "-cpu %s, no virtio-rng; ESP cache=writethrough" % (self.img, len(self.baseline),
                                                                 self.vars, CPU))

    def linux_boot(self, label, **kw):
        """An uncut boot that must reach Linux; records its seed and placement."""
        seed = read_esp_file(self.img, SEED_PATH)
        rc, lines = qemu_boot(self.img, self.vars, **kw)
        save_log(self.work, label.replace(" ", "-"), lines)
        self.boots += 1
        r = report(lines)
        if not r:
            tail = "\n".join(l for _, l in lines[-25:])
            self.fail("%s: did not reach Linux (rc %d)\n%s" % (label, rc, tail))
            return lines, r
        self.track_seed(label, seed, lines, r)
        return lines, r

    def track_seed(self, label, seed, lines, r):
        if seed is not None and first(lines, r"entropy: .*seed-file added") is not None:
            if seed in self.seeds:
                self.fail("%s read the seed file %s already read by %s"
                          % (label, seed.hex()[:16], self.seeds[seed]))
            self.seeds[seed] = label
        key = (r.get("kernel_code", "").split("-")[0], r.get("stext", ""))
        if key in self.placements:
            self.fail("%s: Linux at %s, _stext %s, as in %s" % (label, key[0], key[1],
                                                                  self.placements[key]))
        self.placements[key] = label

    def aim_windows(self, lines):
        """{aim: seconds from its anchor line to its end line} in an uncut boot, or None."""
        marks = {p: first(lines, p) for _, p, e, _ in AIMS for p in (p, e)}
        if any(v is None for v in marks.values()):
            return None
        return {name: marks[end] - marks[anchor] for name, anchor, end, _ in AIMS}

    def sample_windows(self, lines):
        """Adds an uncut steady-state boot's windows; cuts aim at their medians."""
        w = self.aim_windows(lines)
        for name, v in (w or {}).items():
            self.samples[name].append(v)
        self.windows = {n: statistics.median(v) for n, v in self.samples.items() if v}

    def calibrate(self):
        # The first boot on a fresh NV store creates LoaderSystemToken: a flash write of
        # some 300 ms between the seed file's rewrite and the line that ends it, which no
        # later boot has (the rewrite alone is a few ms). Cuts aimed by that boot landed
        # past the rewrite, so the second boot sets the aim, and every uncut boot after a
        # cut refines it (medians).
        self.samples = collections.defaultdict(list)
        first_w = None
        for label in ("calibration boot", "calibration boot 2"):
            lines, r = self.linux_boot(label)
            w = self.aim_windows(lines)
            if not r or w is None:
                sys.exit("fault-campaign: the %s did not print kaslboot's markers" % label)
            if first_w is None:
                first_w = w
            else:
                self.sample_windows(lines)
        log("calibration (first boot, then steady state): kaslboot ran %.0f / %.0f ms to its "
            "last line; seed write %.1f / %.1f ms, rename %.1f / %.1f ms" % tuple(
                1000 * w[n] for n in ("window", "seed-write", "rename")
                for w in (first_w, self.windows)))

    def after_cut(self, label):
        rc, found, raw = fsck(self.img)
        for f in found:
            self.findings[f] += 1
        if any(f.startswith("DAMAGE") for f in found):
            self.fail("%s: fsck.fat: %s" % (label, "; ".join(found)))
        for p in check_files(self.img, self.baseline, self.entry):
            self.fail("%s: %s" % (label, p))
        return found

    def cut(self, i):
        aims = [x for x in AIMS if not self.a.aim or x[0] in self.a.aim.split(",")]
        name, anchor, _, _ = self.rng.choices(aims, weights=[w for *_, w in aims])[0]
        # A little past the window's end too: the line that ends it comes after the step.
        window = self.windows[name]
        delay = self.rng.uniform(0, window * 1.1)
        seed = read_esp_file(self.img, SEED_PATH)
        rc, lines = qemu_boot(self.img, self.vars, kill=(anchor, delay))
        save_log(self.work, "cut-%d" % i, lines)
        self.boots += 1
        phase = phase_of(lines)
        if rc != KILLED:
            phase = "not cut (the boot ended first)"
        self.aims[name] += 1
        self.phases[phase] += 1
        label = "cut %d" % i
        if phase.startswith("Linux"):
            r = report(lines)   # none: Linux was cut too; its seed was used, so tracked
            if seed is not None:
                self.track_seed(label, seed, lines, r or {"kernel_code": label})
        found = self.after_cut(label)
        lines2, r = self.linux_boot("boot after cut %d" % i)
        self.sample_windows(lines2)
        warns = kaslboot_lines(lines2, "warning") + kaslboot_lines(lines2, "error")
        for w in warns:
            self.findings["next boot: " + re.sub(r"\d+", "N", w)] += 1
        after = self.after_cut("boot after cut %d" % i)
        log("cut %3d: aim %-10s +%6.1f of %6.1f ms -> %-36s fsck: %s; next boot: %s%s" % (
            i, name, 1000 * delay, 1000 * window, phase, ", ".join(found) or "clean",
            "Linux (%s)" % r.get("loader_entry", "?") if r else "NO LINUX",
            "; fsck after it: " + ", ".join(after) if after else ""))

    def run_cuts(self):
        self.prepare()
        self.calibrate()
        self.after_cut("calibration boot")
        for i in range(1, self.a.cuts + 1):
            if self.a.stop_at and time.time() > self.a.stop_at:
                log("stopping at the time limit: %d of %d cuts done" % (i - 1, self.a.cuts))
                break
            self.cut(i)

    def summary(self):
        n = sum(self.phases.values())
        if n:
            log("\ncut points by phase (%d cuts, %d boots in all):" % (n, self.boots))
            for name, _ in PHASES + [("not cut (the boot ended first)", None)]:
                if self.phases[name]:
                    log("  %-48s %4d  %5.1f%%" % (name, self.phases[name],
                                                   100.0 * self.phases[name] / n))
            log("aims: " + ", ".join("%s %d" % kv for kv in sorted(self.aims.items())))
            log("fsck.fat and next-boot findings (count):")
            for f, c in sorted(self.findings.items()):
                log("  %4d  %s" % (c, f))
            log("seeds: %d boots reached Linux with %d distinct seed files and %d distinct "
                "placements" % (len(self.placements), len(self.seeds), len(self.placements)))


# ---- disk errors (blkdebug) -------------------------------------------------------------

SECTOR = 512


def bpb(img):
    """(bytes a sector, sectors a cluster, first data sector) from the FAT boot sector
    (Microsoft FAT specification, BPB fields)."""
    with open(img, "rb") as f:
        b = f.read(SECTOR)
    bps = int.from_bytes(b[11:13], "little")            # BPB_BytsPerSec
    spc = b[13]                                         # BPB_SecPerClus
    reserved = int.from_bytes(b[14:16], "little")       # BPB_RsvdSecCnt
    nfats = b[16]                                       # BPB_NumFATs
    root_ents = int.from_bytes(b[17:19], "little")      # BPB_RootEntCnt (0 on FAT32)
    fatsz = int.from_bytes(b[22:24], "little") or int.from_bytes(b[36:40], "little")
    root_secs = (root_ents * 32 + bps - 1) // bps
    return bps, spc, reserved + nfats * fatsz + root_secs


def file_sector(img, path):
    """A 512-byte sector (QEMU's unit) in the middle of `path`'s data: a sector where the
    file starts or ends may share a firmware cache page with the next file's data."""
    p = mtools(["mshowfat", "-i", img, "::" + path])
    runs = [(int(a), int(b or a)) for a, b in
            re.findall(r"<(\d+)(?:-(\d+))?>", p.stdout.decode())]
    if not runs:
        sys.exit("fault-campaign: no cluster for %s: %s" % (path, p.stdout + p.stderr))
    clusters = [c for a, b in runs for c in range(a, b + 1)]
    bps, spc, data = bpb(img)
    return (data + (clusters[len(clusters) // 2] - 2) * spc) * bps // SECTOR


# Room on either side of a small file whose sector fails: AAVMF's FAT driver reads
# directories and small files through a cache of pages larger than a cluster, and a page
# that held two files' data would fail both.
ISOLATION = 256 << 10


def isolate(img, path, tmp):
    """Writes `path` again between two unused files, so its clusters share no cache page
    with another file's."""
    data = read_esp_file(img, path)
    subprocess.run(["mdel", "-i", img, "::" + path], env=MTOOLS_ENV, check=True)
    put(img, "/pad-before", bytes(ISOLATION), tmp)
    put(img, path, data, tmp)
    put(img, "/pad-after", bytes(ISOLATION), tmp)


# name: (the ESP path, the I/O to fail, the kaslboot line expected (regex), entry to boot)
DISK_CASES = {
    "kernel": ("/Image", "read", r"/Image: read failed", "fallback.conf"),
    "initrd": ("/initrd.img", "read", r"/initrd\.img: read failed", "fallback.conf"),
    "entry": ("/loader/entries/debian+%d-0.conf" % TRIES, "read",
              r"debian\+\d+-0\.conf: .*(read failed|cannot)", "fallback.conf"),
    "loader-conf": ("/loader/loader.conf", "read", r"loader\.conf: .*(read failed|cannot)",
                    None),
    "seed-read": (SEED_PATH, "read", r"random-seed: cannot be read", None),
    "seed-write": (SEED_PATH, "write", r"random-seed: cannot be rewritten", None),
}
BLKDEBUG_RULE = """[inject-error]
event = "%s_aio"
iotype = "%s"
errno = "5"
sector = "%d"
"""


def disk_case(c, name):
    path, io, expect, entry = DISK_CASES[name]
    img = os.path.join(c.work, "eio-%s.img" % name)
    shutil.copyfile(c.fresh, img)
    vars_path = os.path.join(c.work, "eio-%s.vars" % name)
    if os.path.exists(vars_path):
        os.unlink(vars_path)
    if len(read_esp_file(img, path) or b"") < ISOLATION:
        isolate(img, path, c.work)
    sector = file_sector(img, path)
    rule = os.path.join(c.work, "eio-%s.conf" % name)
    with open(rule, "w") as f:
        f.write(BLKDEBUG_RULE % (io, io, sector))
    before = esp_files(img)
    rc, lines = qemu_boot(img, vars_path, blkdebug=rule, cache=None)
    save_log(c.work, "eio-%s" % name, lines)
    r = report(lines)
    said = [l for _, l in lines if l.startswith("kaslboot: ") and re.search(expect, l)]
    ok = bool(r) and len(said) >= 1 and (entry is None or r.get("loader_entry") == entry)
    line = said[0] if said else "(no line naming %s)" % path
    log("EIO %-11s %s of %s (sector %d): %s -> %s" % (
        name, io, path, sector, line,
        "Linux, entry %s" % r.get("loader_entry") if r else "NO LINUX"))
    if not ok:
        c.fail("EIO %s: want one line matching /%s/ and %s; got %s\n%s" % (
            name, expect, "entry " + entry if entry else "Linux", r.get("loader_entry"),
            "\n".join(l for _, l in lines if l.startswith("kaslboot: "))))
    # Nothing else on the ESP changed (the counted entry's rename and the seed are a
    # boot's own writes).
    after = esp_files(img)
    for p in before:
        if p not in after and not ENTRY_RE.match(os.path.basename(p)):
            c.fail("EIO %s: %s lost" % (name, p))
    return ok


def dir_slots_used(img, path):
    """How many 32-byte slots of `path`'s first cluster are taken (deleted ones too: the
    firmware appends after them)."""
    p = mtools(["mshowfat", "-i", img, "::" + path])
    cluster = int(re.search(r"<(\d+)", p.stdout.decode()).group(1))
    bps, spc, data = bpb(img)
    with open(img, "rb") as f:
        f.seek((data + (cluster - 2) * spc) * bps)
        raw = f.read(spc * bps)
    used = 0
    while used < len(raw) // 32 and raw[used * 32] != 0:
        used += 1
    return used, len(raw) // 32


def full_esp_case(c):
    """A full ESP whose \loader\entries has no free slot left in its cluster: the rename
    must grow the directory and cannot. The entry must survive; one warning; Linux boots."""
    img = os.path.join(c.work, "full-esp.img")
    shutil.copyfile(c.fresh, img)
    vars_path = os.path.join(c.work, "full-esp.vars")
    if os.path.exists(vars_path):
        os.unlink(vars_path)
    dummies = []
    while True:   # 8.3 names take one slot each: fill the cluster, then delete them
        used, slots = dir_slots_used(img, "/loader/entries")
        if used >= slots:
            break
        name = "/loader/entries/D%05d.TMP" % len(dummies)
        put(img, name, b"", c.work)
        dummies.append(name)
    for name in dummies:
        subprocess.run(["mdel", "-i", img, "::" + name], env=MTOOLS_ENV, check=True)
    free = int(re.search(r"([\d ]+) bytes free", mtools(
        ["mdir", "-i", img, "::/"]).stdout.decode()).group(1).replace(" ", ""))
    put(img, "/fill", bytes(free), c.work)
    before = esp_files(img)
    rc, lines = qemu_boot(img, vars_path, cache=None)
    save_log(c.work, "full-esp", lines)
    r = report(lines)
    warns = [l for _, l in lines if l.startswith("kaslboot: warning: ")]
    after = esp_files(img)
    entries = [p for p in after if ENTRY_RE.match(os.path.basename(p))]
    log("full ESP (%d bytes filled, %d directory slots): %s -> %s; entry files after: %s" % (
        free, dir_slots_used(img, "/loader/entries")[0], "; ".join(warns) or "no warning",
        "Linux, entry %s" % r.get("loader_entry") if r else "NO LINUX",
        ", ".join(entries) or "NONE"))
    if not r:
        c.fail("full ESP: did not reach Linux")
    if len(entries) != 1:
        c.fail("full ESP: %d entry files after the boot (%s), not one"
               % (len(entries), ", ".join(entries)))
    for p in before:
        if p not in after and not ENTRY_RE.match(os.path.basename(p)):
            c.fail("full ESP: %s lost" % p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--esp", default=os.path.join(ROOT, "build", "esp.img"),
                    help="the demo ESP the campaign's image is made from")
    ap.add_argument("--cuts", type=int, default=10, help="power cuts (default 10)")
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the cut points (printed; default: a random one)")
    ap.add_argument("--blkdebug", default="",
                    help="comma-separated disk-error cases (%s) or 'all'"
                         % ",".join(DISK_CASES))
    ap.add_argument("--full-esp", action="store_true",
                    help="also boot an ESP with no free cluster and a full entries directory")
    ap.add_argument("--aim", default="", help="comma-separated: only these aims (%s)"
                    % ",".join(x[0] for x in AIMS))
    ap.add_argument("--stop-at", type=float, default=0, metavar="UNIX_TIME",
                    help="start no cut after this time (a long run that must end)")
    ap.add_argument("--workdir", default=os.path.join(ROOT, "build", "faults"))
    a = ap.parse_args()
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1 << 32)
    log("fault-campaign: %d cuts, --seed %d" % (a.cuts, a.seed))
    c = Campaign(a)
    if a.cuts:
        c.run_cuts()
    else:
        c.prepare()
    cases = list(DISK_CASES) if a.blkdebug == "all" else [x for x in a.blkdebug.split(",") if x]
    for name in cases:
        if name not in DISK_CASES:
            ap.error("no disk-error case %r" % name)
        disk_case(c, name)
    if a.full_esp:
        full_esp_case(c)
    c.summary()
    log("fault-campaign: %d failure(s)" % len(c.failures))
    for f in c.failures:
        log("  " + f.splitlines()[0])
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
