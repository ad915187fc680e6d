#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Boots an ESP image under qemu-system-aarch64 -M virt with AAVMF, serial on stdout.

Each run gets a fresh NV variable store (scripts/mkvars.py) with Timeout = 0 and, if asked,
its own Boot#### entries; with --vars FILE the store is kept in FILE across runs (made
fresh when FILE does not exist), so that what the OS wrote (efibootmgr, bootctl) persists. Non-interactive runs end when the guest powers off, when --until
matches the serial output, or when --timeout passes (exit code 124). Boots are serialized
machine-wide with a lock file: the machine has two cores and a boot wants both.

--send types keys when the serial output shows a pattern (optionally --send-delay seconds
later); --screendump saves what the guest's display shows (a PPM) through a QEMU monitor
socket, once the serial output shows a pattern.

With --firmware u-boot the machine runs Debian's U-Boot (u-boot-qemu) as -bios instead of
AAVMF: its UEFI finds \EFI\BOOT\BOOTAA64.EFI only on a partitioned disk, so the ESP image
becomes partition 1 of a GPT disk made for the run (and, with --esp-writable, is copied
back out afterwards). U-Boot keeps no variable store across runs here: the options that
prepare AAVMF's (--vars, --boot, --loader-var, --secure-boot) are AAVMF's only.

With --tpm a software TPM 2.0 (swtpm, fresh state in the run's temporary directory, or in
--tpm-state DIR kept across runs like --vars: one machine's TPM over several boots) sits
behind a tpm-tis-device; AAVMF then offers EFI_TCG2_PROTOCOL. --tpm-kill REGEX stops that
swtpm once REGEX shows up on the serial console: the firmware's next TPM command fails.

--kill-after REGEX=SECONDS cuts the power: QEMU is killed (SIGKILL, nothing flushed beyond
what it already wrote) SECONDS after REGEX; with --esp-writable --esp-cache writethrough
every write the guest saw complete is then in the image (scripts/fault-campaign.py).
--esp-blkdebug CONFIG puts the ESP under QEMU's blkdebug driver to fail chosen sectors.

Exit codes: 0 guest powered off or --until matched; 124 timeout; 137 --kill-after
killed QEMU; otherwise QEMU's.
"""
import argparse
import fcntl
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AAVMF_CODE = "/usr/share/AAVMF/AAVMF_CODE.fd"
# Debian's store with Secure Boot on and its test ("snakeoil") keys enrolled in PK/KEK/db;
# the matching key and certificate are in /usr/share/qemu-efi-aarch64/PkKek-1-snakeoil.*
AAVMF_VARS_SNAKEOIL = "/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd"
# The code that goes with that store. Debian 12 builds one AAVMF with Secure Boot support
# (this name links to AAVMF_CODE.fd); Debian 13 builds two, and its AAVMF_CODE.fd is the one
# without (AAVMF_CODE.no-secboot.fd), which would ignore the enrolled keys.
AAVMF_CODE_SNAKEOIL = "/usr/share/AAVMF/AAVMF_CODE.snakeoil.fd"
LOCK_PATH = "/tmp/kaslboot-qemu.lock"
# Debian's u-boot-qemu: U-Boot for QEMU's arm64 virt machine, started as -bios.
UBOOT_BIN = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
# The GPT disk around the ESP for U-Boot: partition 1 starts 1 MiB in (LBA 2048, where
# partitioning tools put it), and 1 MiB at the end holds the backup GPT.
SECTOR = 512
GPT_ESP_OFFSET = 1 << 20
GPT_TAIL = 1 << 20
# EFI System Partition type (UEFI 2.10 5.3.3, table 5-7), as sgdisk names it.
GPT_TYPE_ESP = "EF00"
# How long swtpm may take to create its control socket.
SWTPM_START_TIMEOUT = 10
# Exit code of a run ended by --kill-after (128 + SIGKILL, as a shell reports it).
KILLED = 137


class DelayedAction(argparse.Action):
    """--send/--send-delay (and --screendump/--screendump-delay) in one ordered list: a
    delay belongs to the option after it."""

    def __call__(self, parser, ns, value, option_string=None):
        items = getattr(ns, self.dest) or []
        if option_string.endswith("-delay"):
            items.append(("delay", float(value)))
        else:
            items.append(("item", value))
        setattr(ns, self.dest, items)


def with_delays(items):
    """[(pattern, value, delay)] from "REGEX=VALUE" items and the delays before them."""
    out, delay = [], 0.0
    for kind, value in items or []:
        if kind == "delay":
            delay = value
            continue
        pattern, _, rest = value.rpartition("=")
        out.append((re.compile(pattern.encode()), rest, delay))
        delay = 0.0
    return out


class Monitor:
    """QEMU's human monitor on a unix socket, for screendump."""
    PROMPT = b"(qemu) "

    def __init__(self, path):
        self.path = path
        self.sock = None

    def command(self, line, timeout=30):
        if self.sock is None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(self.path)
            self._until_prompt()
        self.sock.sendall(line.encode() + b"\n")
        return self._until_prompt()

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(self.PROMPT):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("QEMU monitor closed")
            buf += chunk
        return buf.decode("utf-8", "replace")

    def close(self):
        if self.sock is not None:
            self.sock.close()


def copy_bytes(src, src_off, dst, dst_off, size):
    with open(src, "rb") as fi, open(dst, "r+b") as fo:
        fi.seek(src_off)
        fo.seek(dst_off)
        left = size
        while left:
            chunk = fi.read(min(left, 1 << 20))
            if not chunk:
                sys.exit("qemu-run: %s ended early" % src)
            fo.write(chunk)
            left -= len(chunk)


def uboot_disk(esp, tmp):
    """A GPT disk holding the ESP image as its one partition (U-Boot scans only
    partitioned disks)."""
    size = os.path.getsize(esp)
    if size % SECTOR:
        sys.exit("qemu-run: %s is not a whole number of sectors" % esp)
    disk = os.path.join(tmp, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(GPT_ESP_OFFSET + size + GPT_TAIL)
    first = GPT_ESP_OFFSET // SECTOR
    subprocess.run(["sgdisk", "-n", "1:%d:%d" % (first, first + size // SECTOR - 1),
                    "-t", "1:" + GPT_TYPE_ESP, "-c", "1:ESP", disk],
                   check=True, stdout=subprocess.DEVNULL)
    copy_bytes(esp, 0, disk, GPT_ESP_OFFSET, size)
    return disk


def esp_file(a):
    """The ESP's file= value: the image, or the image under QEMU's blkdebug driver, which
    fails the reads and writes its configuration file names (docs/blkdebug.txt in QEMU)."""
    if a.esp_blkdebug:
        return "blkdebug:%s:%s" % (os.path.abspath(a.esp_blkdebug), a.esp)
    return a.esp


def qemu_command(a, vars_path, monitor=None, tpm_sock=None, disk=None):
    machine = ["virt", "acpi=" + ("on" if a.acpi else "off")]
    if a.el2:
        machine.append("virtualization=on")
    if not a.dtb_seed:
        machine.append("dtb-randomness=off")
    if a.dumpdtb:
        machine.append("dumpdtb=" + a.dumpdtb)
    cmd = ["qemu-system-aarch64", "-M", ",".join(machine), "-cpu", a.cpu, "-m", a.mem,
           "-smp", str(a.smp), "-nic", "none", "-no-reboot"]
    if disk:   # U-Boot: the run's own GPT disk, copied back by run() when writable
        cmd += ["-bios", UBOOT_BIN,
                "-drive", "if=virtio,format=raw,file=" + disk +
                (",readonly=on" if a.esp_readonly else "")]
    else:
        code = AAVMF_CODE_SNAKEOIL if a.secure_boot else AAVMF_CODE
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,file=" + vars_path,
                # The ESP is a snapshot unless asked otherwise: a test's boot never changes
                # the image it was given, except where persistence is the point (the seed
                # file).
                "-drive", "if=virtio,format=raw,file=" + esp_file(a) +
                (",readonly=on" if a.esp_readonly else "" if a.esp_writable else ",snapshot=on") +
                (",cache=" + a.esp_cache if a.esp_cache else "")]
    if a.rng:
        cmd += ["-device", "virtio-rng-pci"]
    if a.mem_prealloc:
        cmd += ["-mem-prealloc"]
    if tpm_sock:
        # A TPM on the platform bus (virt's dynamic sysbus): QEMU adds its DT node
        # (tcg,tpm-tis-mmio) and ACPI table, AAVMF's Tcg2 driver finds it there.
        cmd += ["-chardev", "socket,id=chrtpm,path=" + tpm_sock,
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis-device,tpmdev=tpm0"]
    if a.interactive:
        cmd += ["-nographic"]
    else:
        cmd += ["-display", "none", "-serial", "stdio", "-monitor",
                "unix:%s,server=on,wait=off" % monitor if monitor else "none"]
    return cmd + a.extra


def start_swtpm(tmp, state=None):
    """A TPM 2.0 with its state in `state` (made when missing), else fresh under tmp;
    returns (process, control socket path). The socket is the run's own, in tmp: a kept
    state directory holds no stale one."""
    state = state or os.path.join(tmp, "tpm")
    os.makedirs(state, exist_ok=True)
    sock = os.path.join(tmp, "tpm.sock")
    proc = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                             "--ctrl", "type=unixio,path=" + sock],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + SWTPM_START_TIMEOUT
    while not os.path.exists(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_swtpm(proc)
            sys.exit("qemu-run: swtpm did not start")
        time.sleep(0.05)
    return proc, sock


def stop_swtpm(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(a):
    with tempfile.TemporaryDirectory(prefix="kaslboot-qemu-") as tmp:
        vars_path = a.vars or os.path.join(tmp, "vars.fd")
        disk = uboot_disk(a.esp, tmp) if a.firmware == "u-boot" else None
        # A --vars store that exists is the firmware's from an earlier boot: kept as it is.
        if not disk and not (a.vars and os.path.exists(a.vars)):
            mk = [sys.executable, os.path.join(HERE, "mkvars.py"), vars_path, "--timeout", "0"]
            for b in a.boot:
                mk += ["--boot", b]
            for v in a.loader_var:
                mk += ["--loader-var", v]
            if a.secure_boot:
                mk += ["--base", AAVMF_VARS_SNAKEOIL]
            subprocess.run(mk, check=True)
        monitor = os.path.join(tmp, "monitor.sock") if a.screendump else None
        swtpm, tpm_sock = start_swtpm(tmp, a.tpm_state) if a.tpm else (None, None)
        try:
            cmd = qemu_command(a, vars_path, monitor, tpm_sock, disk)
            if a.verbose:
                print("qemu-run: " + " ".join(cmd), file=sys.stderr, flush=True)
            if a.interactive:
                return subprocess.call(cmd)
            return stream(cmd, a, Monitor(monitor) if monitor else None, swtpm)
        finally:
            stop_swtpm(swtpm)
            if disk and a.esp_writable:   # QEMU has exited: the guest's writes, back out
                copy_bytes(disk, GPT_ESP_OFFSET, a.esp, 0, os.path.getsize(a.esp))


def stream(cmd, a, monitor=None, swtpm=None):
    until = re.compile(a.until.encode()) if a.until else None
    tpm_kill = re.compile(a.tpm_kill.encode()) if a.tpm_kill and swtpm else None
    # --send 'REGEX=KEYS': once REGEX shows up (and --send-delay seconds more have passed),
    # type KEYS on the serial console; one --send after another, in order.
    sends = [(p, keys.encode().decode("unicode_escape").encode(), d)
             for p, keys, d in with_delays(a.send)]
    # --screendump 'REGEX=PATH': once REGEX shows up (and --screendump-delay seconds more
    # have passed), the display into PATH (PPM); one after another, in order.
    dumps = [(p, os.path.abspath(path), d) for p, path, d in with_delays(a.screendump)]
    log = open(a.log, "wb") if a.log else None
    seen = seen_dump = b""
    send_due = dump_due = None
    until_seen = False
    # --kill-after 'REGEX=SECONDS': a power cut, SIGKILL of QEMU that long after REGEX.
    kill_at = None
    if a.kill_after:
        kill_pattern, _, kill_delay = a.kill_after.rpartition("=")
        kill_re, kill_delay = re.compile(kill_pattern.encode()), float(kill_delay)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if sends else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + a.timeout
    rc = None
    try:
        while True:
            now = time.monotonic()
            if send_due is not None and now >= send_due:
                proc.stdin.write(sends.pop(0)[1])
                proc.stdin.flush()
                send_due = None
                seen = b""   # the next pattern must appear after these keys
            if dump_due is not None and now >= dump_due:
                path = dumps.pop(0)[1]
                out = monitor.command("screendump " + path)
                if not os.path.exists(path):
                    print("\nqemu-run: screendump failed: " + out, file=sys.stderr)
                dump_due = None
                seen_dump = b""
                if until_seen:
                    rc = 0
                    break
            if kill_at is not None and now >= kill_at:
                proc.kill()
                proc.wait()
                print("\nqemu-run: QEMU killed %.6f s after /%s/" % (now - kill_at + kill_delay,
                                                                kill_pattern),
                      file=sys.stderr, flush=True)
                rc = KILLED
                break
            left = deadline - now
            if left <= 0:
                rc = 124
                break
            wait = min([left, 0.5] + [d - now for d in (send_due, dump_due, kill_at)
                                      if d is not None])
            ready, _, _ = select.select([proc.stdout], [], [], max(wait, 0))
            if not ready:
                if proc.poll() is not None:
                    rc = proc.returncode
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                rc = proc.wait()
                break
            sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            if log:
                log.write(chunk)
            seen = (seen + chunk)[-65536:]
            seen_dump = (seen_dump + chunk)[-65536:]
            if sends and send_due is None and sends[0][0].search(seen):
                send_due = time.monotonic() + sends[0][2]
            if dumps and dump_due is None and dumps[0][0].search(seen_dump):
                dump_due = time.monotonic() + dumps[0][2]
            if a.kill_after and kill_at is None and kill_re.search(seen):
                kill_at = time.monotonic() + kill_delay
            if tpm_kill and tpm_kill.search(seen):
                stop_swtpm(swtpm)
                tpm_kill = None
            if until and until.search(seen):
                if dump_due is None:
                    rc = 0
                    break
                until_seen = True   # end once the screendump under way is taken
    finally:
        if monitor:
            monitor.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if log:
            log.close()
    if rc == 124:
        print("\nqemu-run: timeout after %ds" % a.timeout, file=sys.stderr)
    return rc


def parent_pid(pid):
    """The parent of pid (field 4 of /proc/PID/stat, after the parenthesised name), or 0."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def lock_held_above(path):
    """True when a process this one runs under holds the flock on path: `flock LOCK make
    integration` serializes a whole test run, and a second flock here (a new open file
    description) would wait for that holder, which waits for us, for ever."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    want = "%02x:%02x:%d" % (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    holders = set()
    with open("/proc/locks") as f:
        for line in f:   # "1: FLOCK  ADVISORY  WRITE 18490 fe:00:10953904 0 EOF"; waiters: "->"
            parts = line.split()
            if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == want:
                holders.add(int(parts[4]))
    pid = os.getppid()
    while pid > 1:
        if pid in holders:
            return True
        pid = parent_pid(pid)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--esp", required=True, help="FAT image booted as a virtio disk")
    ap.add_argument("--firmware", choices=("aavmf", "u-boot"), default="aavmf",
                    help="AAVMF (edk2, default) or U-Boot's UEFI (the ESP in a GPT disk)")
    ap.add_argument("--esp-writable", action="store_true",
                    help="let the guest's writes reach the ESP image (default: a snapshot)")
    ap.add_argument("--esp-readonly", action="store_true",
                    help="a write-protected ESP: every write the guest tries fails")
    ap.add_argument("--esp-cache", choices=("writethrough", "directsync", "writeback", "none"),
                    help="QEMU's cache mode for the ESP (writethrough: each write the guest "
                         "sees completed is in the image file, as for a power cut)")
    ap.add_argument("--esp-blkdebug", metavar="CONFIG",
                    help="put the ESP under QEMU's blkdebug driver with this rule file "
                         "(inject-error: EIO on the sectors it names)")
    ap.add_argument("--kill-after", metavar="REGEX=SECONDS",
                    help="SIGKILL QEMU (a power cut) SECONDS after REGEX shows up on the "
                         "serial console; exit code 137")
    ap.add_argument("--loader-var", action="append", default=[], metavar="NAME=VALUE",
                    help="set a Boot Loader Interface variable first (scripts/mkvars.py)")
    ap.add_argument("--el2", action="store_true", help="firmware at EL2 (virtualization=on)")
    ap.add_argument("--cpu", default="max", help="CPU model (default max)")
    ap.add_argument("--mem", default="1G", help="RAM size (default 1G)")
    ap.add_argument("--mem-prealloc", action="store_true",
                    help="back all guest RAM before the firmware starts, as real RAM is: "
                         "no host page fault inside a timed boot (benchmarks)")
    ap.add_argument("--smp", type=int, default=1, help="CPU count")
    ap.add_argument("--acpi", action="store_true", help="ACPI tables instead of a DT")
    ap.add_argument("--no-dtb-seed", dest="dtb_seed", action="store_false",
                    help="QEMU's DT without kaslr-seed/rng-seed (dtb-randomness=off)")
    ap.add_argument("--rng", action="store_true", help="add a virtio-rng device")
    ap.add_argument("--secure-boot", action="store_true",
                    help="Secure Boot on, Debian's snakeoil test keys enrolled")
    ap.add_argument("--tpm", action="store_true",
                    help="a TPM 2.0 (swtpm, fresh state) on a tpm-tis-device")
    ap.add_argument("--tpm-state", metavar="DIR",
                    help="with --tpm: keep the TPM's state in DIR across runs (made when missing)")
    ap.add_argument("--tpm-kill", metavar="REGEX",
                    help="with --tpm: stop swtpm once REGEX is seen (a TPM that fails)")
    ap.add_argument("--dumpdtb", metavar="PATH",
                    help="write QEMU's DT for this machine to PATH and exit (boots nothing)")
    ap.add_argument("--vars", help="NV store kept across runs (created when missing)")
    ap.add_argument("--boot", action="append", default=[], metavar="DESC:PATH[:OPTIONS]",
                    help=r"a Boot#### entry (in order); default: the firmware's own choice")
    ap.add_argument("--timeout", type=float, default=180, help="seconds (default 180)")
    ap.add_argument("--until", help="stop once the serial output matches this regex")
    ap.add_argument("--send", action=DelayedAction, dest="send", default=[], metavar="REGEX=KEYS",
                    help=r"type KEYS (escapes like \r, \x1b[B, \x3d for '=') once REGEX is "
                         "seen after the previous --send's keys; repeatable")
    ap.add_argument("--send-delay", action=DelayedAction, dest="send", metavar="SECONDS",
                    help="the next --send types its keys SECONDS after its REGEX showed up")
    ap.add_argument("--screendump", action=DelayedAction, dest="screendump", default=[],
                    metavar="REGEX=PATH",
                    help="once REGEX is seen after the previous dump, save the display as a "
                         "PPM (through a monitor socket); repeatable")
    ap.add_argument("--screendump-delay", action=DelayedAction, dest="screendump",
                    metavar="SECONDS", help="the next --screendump waits SECONDS more")
    ap.add_argument("--log", help="also write the serial output to this file")
    ap.add_argument("--interactive", action="store_true", help="serial + monitor on this tty")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the QEMU command")
    ap.add_argument("extra", nargs="*", help="extra QEMU arguments (after --)")
    a = ap.parse_args()
    if not os.path.exists(a.esp):
        ap.error("no such ESP image: " + a.esp)
    if a.firmware == "u-boot":
        aavmf_only = [o for o, v in (("--vars", a.vars), ("--boot", a.boot),
                                     ("--loader-var", a.loader_var),
                                     ("--secure-boot", a.secure_boot), ("--tpm", a.tpm)) if v]
        if aavmf_only:
            ap.error("%s: AAVMF only, not with --firmware u-boot" % ", ".join(aavmf_only))
        if not os.path.exists(UBOOT_BIN):
            ap.error("no %s: install u-boot-qemu (scripts/setup.sh)" % UBOOT_BIN)
    with open(LOCK_PATH, "w") as lock:
        if not lock_held_above(LOCK_PATH):
            fcntl.flock(lock, fcntl.LOCK_EX)
        sys.exit(run(a))


if __name__ == "__main__":
    main()
