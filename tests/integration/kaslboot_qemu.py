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
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


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


def boot(esp, *, el2=False, cpu="max", mem="1G", smp=1, acpi=False, dtb_seed=True, rng=False,
         boots=(), timeout=180, until=None, extra=()):
    """Boots `esp` and returns a Boot. With the demo initramfs, `until` defaults to the end
    of its report; the guest then powers off by itself."""
    cmd = [sys.executable, RUNNER, "--esp", esp, "--cpu", cpu, "--mem", mem, "--smp", str(smp),
           "--timeout", str(timeout)]
    if el2:
        cmd.append("--el2")
    if acpi:
        cmd.append("--acpi")
    if not dtb_seed:
        cmd.append("--no-dtb-seed")
    if rng:
        cmd.append("--rng")
    for b in boots:
        cmd += ["--boot", b]
    if until:
        cmd += ["--until", until]
    if extra:
        cmd += ["--"] + list(extra)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = p.stdout.decode("utf-8", "replace").replace("\r", "")
    return Boot(log=log, rc=p.returncode, report=parse_report(log))


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
