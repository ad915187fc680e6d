# SPDX-License-Identifier: BSD-2-Clause
"""Helpers for the QEMU integration tests: ESP variants made with mtools from the demo
image, boots through scripts/qemu-run.py, and parsers for what kaslboot and the demo
initramfs print."""
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
ESP = os.path.join(BUILD, "esp.img")
RUNNER = os.path.join(ROOT, "scripts", "qemu-run.py")
# UTF-8 file names reach the FAT image as long names only under a UTF-8 locale.
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LANG="C.UTF-8", LC_ALL="C.UTF-8")


def make_esp(tmp_path, files=None, delete=(), base=ESP, name="esp.img"):
    """Copies `base` and applies changes. `files` maps ESP paths ('/loader/loader.conf')
    to bytes, str, or a host path (os.PathLike); `delete` lists ESP paths to remove."""
    img = os.path.join(str(tmp_path), name)
    shutil.copyfile(base, img)
    for path in delete:
        subprocess.run(["mdel", "-i", img, "::" + path], check=True, env=MTOOLS_ENV)
    for path, content in (files or {}).items():
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            subprocess.run(["mmd", "-D", "s", "-i", img, "::/" + "/".join(parts[:i])],
                           env=MTOOLS_ENV, stderr=subprocess.DEVNULL)
        if isinstance(content, os.PathLike):
            src = os.fspath(content)
        else:
            src = os.path.join(str(tmp_path), "staged-" + parts[-1])
            with open(src, "wb") as f:
                f.write(content.encode() if isinstance(content, str) else content)
        subprocess.run(["mcopy", "-o", "-i", img, src, "::" + path], check=True, env=MTOOLS_ENV)
    return img


@dataclass
class Boot:
    log: str
    rc: int
    report: dict = field(default_factory=dict)

    def lines(self, prefix="kaslboot: "):
        return [l[len(prefix):] for l in self.log.splitlines() if l.startswith(prefix)]

    def find(self, pattern):
        m = re.search(pattern, self.log, re.M)
        return m

    def __contains__(self, text):
        return text in self.log


def send_spec(pattern, keys):
    """A --send argument typing `keys` (text as it is: '=' and '\\' are escaped for the
    runner) once `pattern` (a regex) shows up."""
    esc = keys.replace("\\", "\\x5c").replace("=", "\\x3d")
    return pattern + "=" + esc


def boot(esp, *, el2=False, cpu="max", mem="1G", smp=1, acpi=False, dtb_seed=True, rng=False,
         boots=(), timeout=180, until=None, send=(), secure_boot=False, extra=(),
         writable=False, readonly=False, loader_vars=None, screendumps=(), vars=None,
         tpm=False, tpm_kill=None, tpm_state=None, firmware="aavmf"):
    """Boots `esp` and returns a Boot. With the demo initramfs, `until` defaults to the end
    of its report; the guest then powers off by itself. `send` items are runner specs
    ("REGEX=KEYS") or tuples (regex, keys) / (regex, keys, delay_seconds) with keys as
    plain text; `screendumps` are (regex, ppm_path[, delay_seconds]), taken in order.
    tpm: a software TPM 2.0 (swtpm), its state kept in the directory tpm_state if given;
    tpm_kill: a regex after which that TPM stops answering. firmware: "aavmf" or "u-boot" (U-Boot's UEFI, the ESP in a GPT disk)."""
    cmd = [sys.executable, RUNNER, "--esp", esp, "--cpu", cpu, "--mem", mem, "--smp", str(smp),
           "--timeout", str(timeout), "--firmware", firmware]
    if tpm:
        cmd.append("--tpm")
    if tpm_kill:
        cmd += ["--tpm-kill", tpm_kill]
    if tpm_state:
        cmd += ["--tpm-state", tpm_state]
    if el2:
        cmd.append("--el2")
    if acpi:
        cmd.append("--acpi")
    if not dtb_seed:
        cmd.append("--no-dtb-seed")
    if rng:
        cmd.append("--rng")
    if secure_boot:
        cmd.append("--secure-boot")
    if writable:
        cmd.append("--esp-writable")
    if readonly:
        cmd.append("--esp-readonly")
    for name, value in (loader_vars or {}).items():
        cmd += ["--loader-var", "%s=%s" % (name, value)]
    if vars:
        cmd += ["--vars", vars]
    for b in boots:
        cmd += ["--boot", b]
    if until:
        cmd += ["--until", until]
    for spec in send:
        if isinstance(spec, tuple):
            if len(spec) > 2 and spec[2]:
                cmd += ["--send-delay", str(spec[2])]
            spec = send_spec(spec[0], spec[1])
        cmd += ["--send", spec]
    for dump in screendumps:
        if len(dump) > 2 and dump[2]:
            cmd += ["--screendump-delay", str(dump[2])]
        cmd += ["--screendump", dump[0] + "=" + os.fspath(dump[1])]
    if extra:
        cmd += ["--"] + list(extra)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = p.stdout.decode("utf-8", "replace").replace("\r", "")
    return Boot(log=log, rc=p.returncode, report=parse_report(log))


def dump_dtb(path, *, cpu="max", mem="1G", tpm=False):
    """QEMU's own DT for the machine boot() would start with these options (dumpdtb)."""
    cmd = [sys.executable, RUNNER, "--esp", ESP, "--cpu", cpu, "--mem", mem, "--dumpdtb",
           str(path), "--timeout", "60"]
    if tpm:
        cmd.append("--tpm")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return open(path, "rb").read()


# -cpu cortex-a72 has no FEAT_RNG: Linux's KASLR can then only come from the kaslr-seed
# kaslboot hands over.
NO_RNDR = "cortex-a72"


def boot_report(esp, **kw):
    """Boots to the demo initramfs's report (on a CPU without RNDR unless told otherwise)
    and fails the test with the log's tail when there is none."""
    kw.setdefault("cpu", NO_RNDR)
    kw.setdefault("until", REPORT_END)
    b = boot(esp, **kw)
    assert b.report, "no report from the initramfs:\n" + b.log[-4000:]
    return b


def parse_report(log):
    """The block tests/initramfs/init prints: key=value lines between the markers."""
    m = re.search(r"KASLBOOT-REPORT-BEGIN\n(.*?)KASLBOOT-REPORT-END", log, re.S)
    if not m:
        return {}
    out = {}
    for line in m.group(1).splitlines():
        k, _, v = line.partition("=")
        out[k.strip()] = v.strip()
    return out


KERNEL = os.path.join(BUILD, "deps", "Image")
LOADER = "\\EFI\\BOOT\\BOOTAA64.EFI"


def make_cpio(tmp_path, files, name="extra.cpio"):
    """A newc cpio archive holding `files` ({name: bytes or str}) at its root."""
    root = os.path.join(str(tmp_path), name + ".d")
    os.makedirs(root, exist_ok=True)
    for fname, content in files.items():
        with open(os.path.join(root, fname), "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
    out = os.path.join(str(tmp_path), name)
    listing = "\n".join(sorted(files)) + "\n"
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"], cwd=root,
                       input=listing.encode(), stdout=f, check=True)
    return out


def stext_offset(kernel=KERNEL):
    """_stext - _text of an EFI-stub arm64 Image: the VirtualAddress of its PE .text
    section (arch/arm64/kernel/efi-header.S), read from the file itself."""
    import struct
    d = open(kernel, "rb").read(4096)
    pe = struct.unpack_from("<I", d, 0x3C)[0]
    nsec = struct.unpack_from("<H", d, pe + 6)[0]
    sec = pe + 24 + struct.unpack_from("<H", d, pe + 20)[0]
    for i in range(nsec):
        name, _vsize, va = struct.unpack_from("<8sII", d, sec + 40 * i)
        if name.rstrip(b"\0") == b".text":
            return va
    raise AssertionError("no .text section in " + kernel)


# Linux 6.1, 48-bit VA, 4K pages (arch/arm64/kernel/pi/kaslr_early.c + head.S):
#   offset = BIT(VA_BITS_MIN - 3) + (seed & GENMASK(VA_BITS_MIN - 3, 0))
#   _text  = KIMAGE_VADDR + (offset & ~(2M - 1)) + (PA(_text) & (2M - 1))
KIMAGE_VADDR_61 = 0xFFFF800008000000
SZ_2M = 2 << 20


def linux61_text(seed, text_phys):
    offset = (1 << 45) + (seed & ((1 << 46) - 1))
    return KIMAGE_VADDR_61 + (offset & ~(SZ_2M - 1)) + (text_phys & (SZ_2M - 1))


# kaslboot prints the kernel's base only at `log debug` and its kaslr-seed never (issue 19):
# the demo's loader.conf at that level, for tests that compare the base with where Linux runs.
with open(os.path.join(ROOT, "esp", "loader.conf")) as _f:
    DEBUG_CONF = _f.read().replace("\nlog info\n", "\nlog debug\n")
assert "\nlog debug\n" in DEBUG_CONF


def loader_facts(b):
    """What kaslboot said about the Linux boot it started (base and image: `log debug`)."""
    out = {}
    m = b.find(r"^kaslboot: kaslr: (.*?); entropy: (\S+); (\d+) slots \((\d+) bits\), "
               r"(\d+) KiB aligned$")
    if m:
        out.update(mode=m.group(1), sources=m.group(2).split(","), slots=int(m.group(3)),
                   bits=int(m.group(4)), align=int(m.group(5)) << 10)
    m = b.find(r"^kaslboot: booting (\S+) \(([^)]+)\), EL\d$")
    if m:
        out.update(kernel=m.group(1), format=m.group(2))
    m = b.find(r"^kaslboot: layout: physical base (0x[0-9a-f]+), image (0x[0-9a-f]+),")
    if m:
        out.update(base=int(m.group(1), 16), image=int(m.group(2), 16))
    return out


ZERO_SEED = "00" * 8


def iomem_start(report):
    return int(report["kernel_code"].split("-")[0], 16)


def check_consistent(b, dt_visible=True):
    """kaslboot's physical base is where Linux runs, and Linux consumed the seed. On an
    ACPI boot arm64 Linux does not unflatten the DT, so /proc/device-tree is absent; there
    "KASLR enabled" on a CPU without RNDR is the proof that the seed arrived."""
    f = loader_facts(b)
    assert "base" in f, "no layout line: boot with `log debug` (DEBUG_CONF)\n" + b.log[-3000:]
    assert iomem_start(b.report) == f["base"] + stext_offset(), (f, b.report)
    assert b.report["kaslr"] == "KASLR enabled", b.report
    if dt_visible:
        assert b.report["kaslr_seed"] == ZERO_SEED, b.report   # wiped in place by the kernel
    return f

REPORT_END = r"KASLBOOT-REPORT-END"


SNAKEOIL_KEY = "/usr/share/qemu-efi-aarch64/PkKek-1-snakeoil.key"
SNAKEOIL_CERT = "/usr/share/qemu-efi-aarch64/PkKek-1-snakeoil.pem"
SNAKEOIL_PASS = "snakeoil"   # qemu-efi-aarch64's README.Debian


def snakeoil_sign(tmp_path, src, name):
    """src (a PE) signed with the snakeoil key that AAVMF_VARS.snakeoil.fd enrolls in db;
    any signature it had (Debian's, for the kernel) is removed first."""
    bare = os.path.join(str(tmp_path), name + ".unsigned")
    out = os.path.join(str(tmp_path), name + ".signed")
    key = os.path.join(str(tmp_path), "snakeoil.key")
    if not os.path.exists(key):   # sbsign cannot prompt: decrypt the test key once
        subprocess.run(["openssl", "pkey", "-in", SNAKEOIL_KEY, "-passin", "pass:" + SNAKEOIL_PASS,
                        "-out", key], check=True)
    shutil.copyfile(src, bare)
    subprocess.run(["sbattach", "--remove", bare], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)   # fails harmlessly when there is none
    subprocess.run(["sbsign", "--key", key, "--cert", SNAKEOIL_CERT, "--output", out,
                    bare], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255), as QEMU writes it."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + 3 * w * h]
