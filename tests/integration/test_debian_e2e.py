# SPDX-License-Identifier: BSD-2-Clause
"""Issue 10, end to end: kaslboot installed and kernels upgraded on a real Debian 12 arm64
system, judged by systemd's own tools in the guest.

scripts/mkdebian.sh builds the system from Debian's packages (mmdebstrap, cached under
build/debian-rootfs/ by recipe), installs kaslboot into it with `make install` and
`kaslboot-install --esp-path --root` from the host, then `dpkg -i` of Debian's cloud kernel
in a chroot (qemu-user): kaslboot's hooks call kernel-install, whose entry is the one
that boots. The disk (GPT: FAT ESP + ext4 root) then boots four times under QEMU + AAVMF
(-cpu cortex-a72: no RNDR, so Linux's KASLR can only come from kaslboot's seed), with one
NV store kept across the boots. A systemd unit (tests/integration/debian/kaslboot-e2e)
prints a report on the serial console, does the step of that boot, and powers off:
  1. the first kernel; kaslboot-install on the running system (its Boot####);
     dpkg -i of a newer kernel package
  2. the newer kernel, by BLS order; bootctl set-oneshot of the first kernel's entry
  3. the first kernel, once
  4. the newer kernel again; dpkg --purge of the first one removes its entry and files
Debian 13's machine (SECURE_BOOT below) also has Secure Boot on with Debian's snakeoil keys
enrolled, the user's own key as kaslboot-install --sign-key documents it, and a TPM (swtpm)
that keeps its state across the four boots: boot 1 seals a LUKS2 key to PCRs 7+12 and sets
/etc/kernel/devicetree before the second kernel; boot 2 adds a kernel with signing turned
off (the newest: refused in boot 4, which falls back to the signed one) and changes the
first kernel's command line for boot 3, whose unlock must fail.
Three checks read Boot Loader Interface variables that kaslboot must set or honour:
LoaderFeatures (bootctl status's features), LoaderTimeInitUSec/LoaderTimeExecUSec
(systemd-analyze's loader time) and LoaderEntryOneShot (bootctl set-oneshot).
Logs of the last run: build/debian-e2e/ (build.log, boot<n>.log, timings.txt).
"""
import base64
import hashlib
import os
import re
import shutil
import subprocess
import time

import pytest

from kaslboot_qemu import BUILD, ROOT, boot
from test_tpm import (EV_EFI_BOOT_SERVICES_APPLICATION, EV_EVENT_TAG, EV_IPL, TAG_LINUX_INITRD,
                      TAG_LOAD_OPTIONS, TAG_LOADER_CONF, parse_log, utf16z)
from test_tpm import replay as replay_pcrs

MKDEBIAN = os.path.join(ROOT, "scripts", "mkdebian.sh")
# Debian 13 (systemd 257, Linux 6.12) unless SUITE=bookworm (Debian 12, systemd 252, 6.1):
# `make e2e SUITE=bookworm`.
SUITE = os.environ.get("SUITE") or "trixie"
CACHE = os.path.join(BUILD, "debian-rootfs")
# KASLBOOT_E2E_WORK: another place for the image and logs (a second run beside one that is
# still booting).
WORK = os.environ.get("KASLBOOT_E2E_WORK") or os.path.join(BUILD, "debian-e2e", SUITE)
NO_RNDR = "cortex-a72"
# Debian 13's machine: Secure Boot (snakeoil keys) and a TPM; scripts/mkdebian.sh signs with
# that key for the same suite. Debian 12's boots as before, without either.
SECURE_BOOT = SUITE == "trixie"
# The kernel boot 2 adds with signing turned off, and what the guest seals to (kaslboot-e2e).
UNSIGNED = "6.99.0-e2e-unsigned"
SEALED_PCRS = (7, 12)
# What `systemd-analyze pcrs` shows and kaslboot's measurements reach (README, "Measured
# boot"): 4 the images, 5 loader.conf, 9 load options and initrds, 12 the command line;
# 11 is the UKI's (systemd-stub) and stays empty for Type #1 entries.
PCRS = (4, 5, 9, 11, 12)
needs_sb = pytest.mark.skipif(not SECURE_BOOT, reason="Debian 13's machine only (SUITE=trixie)")
# Boot 1 installs a kernel (update-initramfs under TCG): minutes, not seconds.
BOOT_TIMEOUT = {1: 1500, 2: 600, 3: 600, 4: 900}
# What bootctl status prints for the LoaderFeatures bits kaslboot sets (+) and leaves clear
# (-), in each release's words. 252 lists bits 0-7 and the ESP line among them; 257 lists
# bits 0-14 and prints "Boot loader set partition information" after them
# (src/bootctl/bootctl-status.c of each; kaslboot's bits: loader/bli.h).
FEATURES = {
    "bookworm": {"+": ("Boot counting", "Menu timeout control", "One-shot menu timeout control",
                       "Default entry control", "One-shot entry control",
                       "Support for passing random seed to OS", "Support Type #1 sort-key field",
                       "Support @saved pseudo-entry", "Support Type #1 devicetree field",
                       "Boot loader sets ESP information"),
                 "-": ("Support for XBOOTLDR partition", "Load drop-in drivers")},
    "trixie": {"+": ("Boot counting", "Menu timeout control", "One-shot menu timeout control",
                     "Default entry control", "One-shot entry control",
                     "Support for passing random seed to OS", "Support Type #1 sort-key field",
                     "Support @saved pseudo-entry", "Support Type #1 devicetree field",
                     "Menu can be disabled", "Multi-Profile UKIs are supported",
                     "Boot loader set partition information"),
               "-": ("Support for XBOOTLDR partition", "Load drop-in drivers",
                     "Enroll SecureBoot keys", "Retain SHIM protocols")},
}
# A developer's shortcut while changing checks: KASLBOOT_E2E_LOGS=DIR judges the logs of an
# earlier run kept in DIR (build.log, boot<n>.log, kernels) instead of building and booting.
REPLAY = os.environ.get("KASLBOOT_E2E_LOGS")


class Report:
    """One boot's report: 'E2E key| text' lines, gathered per key."""

    def __init__(self, b, n):
        self.boot, self.n, self.log = b, n, b.log
        m = re.search(r"^E2E-BEGIN %d$(.*?)^E2E-END %d$" % (n, n), b.log, re.M | re.S)
        self.complete = m is not None
        self.fields = {}
        for line in (m.group(1) if m else b.log).splitlines():
            k = re.match(r"^E2E ([a-z0-9-]+)\| ?(.*)$", line)
            if k:
                self.fields.setdefault(k.group(1), []).append(k.group(2))

    def text(self, key):
        return "\n".join(self.fields.get(key, []))

    def one(self, key):
        v = self.fields.get(key, [])
        return v[0] if v else None

    def __repr__(self):
        tail = "\n".join(self.log.splitlines()[-60:])
        return "<boot %d, %s, rc %s; serial tail:\n%s>" % (
            self.n, "complete" if self.complete else "INCOMPLETE", self.boot.rc, tail)


def replay(version):
    build = open(os.path.join(REPLAY, "build.log")).read()
    old, new = open(os.path.join(REPLAY, "kernels")).read().split()
    reports = []
    for n in range(1, 5):
        log = open(os.path.join(REPLAY, "boot%d.log" % n), errors="replace").read()
        reports.append(Report(type("B", (), {"log": log, "rc": 0})(), n))
    m = re.search(r"Product: kaslboot (\S+)", reports[0].log)
    return dict(build=build, old=old[len("linux-image-"):], new=new[len("linux-image-"):],
                r=reports, version=m.group(1) if m else version)


@pytest.fixture(scope="module")
def e2e():
    if REPLAY:
        return replay(None)
    if os.geteuid() != 0:
        pytest.fail("the Debian e2e test needs root (chroot, mounts)")
    os.makedirs(WORK, exist_ok=True)
    disk = os.path.join(WORK, "disk.img")
    nvram = os.path.join(WORK, "vars.fd")
    tpm = os.path.join(WORK, "tpm")     # the machine's TPM, new with the machine
    for f in (disk, nvram):
        if os.path.exists(f):
            os.unlink(f)
    shutil.rmtree(tpm, ignore_errors=True)
    # The version of the loader the image gets, read now: a rebuild while the guest boots
    # must not change what the boots are compared with.
    version = loader_version()
    t0 = time.monotonic()
    env = dict(os.environ, SUITE=SUITE)
    p = subprocess.run(["bash", MKDEBIAN, "disk", CACHE, os.path.join(WORK, "work"), disk],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    build_s = time.monotonic() - t0
    with open(os.path.join(WORK, "build.log"), "w") as f:
        f.write(p.stdout)
    assert p.returncode == 0, "mkdebian.sh failed:\n" + p.stdout[-6000:]
    old, new = subprocess.run(["bash", MKDEBIAN, "kernels", CACHE], check=True, text=True,
                              stdout=subprocess.PIPE, env=env).stdout.split()
    with open(os.path.join(WORK, "kernels"), "w") as f:
        f.write("%s %s\n" % (old, new))
    reports = []
    for n in range(1, 5):
        t = time.monotonic()
        b = boot(disk, cpu=NO_RNDR, mem="1G", smp=2, rng=True, writable=True, vars=nvram,
                 secure_boot=SECURE_BOOT, tpm=SECURE_BOOT, tpm_state=tpm,
                 timeout=BOOT_TIMEOUT[n])
        with open(os.path.join(WORK, "boot%d.log" % n), "w") as f:
            f.write(b.log)
        r = Report(b, n)
        r.seconds = time.monotonic() - t
        reports.append(r)
    timings = "e2e timings (%s): image %.0fs (rootfs cache %s), boots %s" % (
        SUITE, build_s, "hit" if "building " not in p.stdout else "built",
        ", ".join("%.0fs" % r.seconds for r in reports))
    print("\n" + timings)
    with open(os.path.join(WORK, "timings.txt"), "w") as f:
        f.write(timings + "\n")
    return dict(build=p.stdout, old=old[len("linux-image-"):], new=new[len("linux-image-"):],
                r=reports, version=version)


def loader_version():
    out = open(os.path.join(BUILD, "BOOTAA64.EFI"), "rb").read()
    return re.search(rb"#### LoaderInfo: kaslboot (\S+) ####", out).group(1).decode()


def machine_id(e2e):
    m = re.search(r"create directory \S+/boot/efi/([0-9a-f]{32})$", e2e["build"], re.M)
    assert m, e2e["build"][-3000:]
    return m.group(1)


# --- 1. installed by kaslboot-install; the entry written by the hooks ---------------------

def test_image_installed_by_kaslboot_install_and_hooks(e2e):
    build, old = e2e["build"], e2e["old"]
    assert "kaslboot-install: copy " in build and "kaslbootaa64.efi" in build
    assert "kaslboot: adding kernel %s through kernel-install" % old in build
    mid = machine_id(e2e)
    files = e2e["r"][0].text("esp-files")
    for f in ("/boot/efi/EFI/kaslboot/kaslbootaa64.efi", "/boot/efi/EFI/BOOT/BOOTAA64.EFI",
              "/boot/efi/loader/random-seed", "/boot/efi/loader/entries.srel",
              "/boot/efi/loader/entries/%s-%s.conf" % (mid, old),
              "/boot/efi/%s/%s/linux" % (mid, old),
              "/boot/efi/%s/%s/initrd.img-%s" % (mid, old, old)):
        assert f in files.splitlines(), (f, files)


# --- 2. boots to systemd through kaslboot, with KASLR; what systemd's tools say -----------

def test_boots_systemd_through_kaslboot_with_kaslr(e2e):
    r = e2e["r"][0]
    assert r.complete, r
    assert "kaslboot: booting " in r.log, r
    assert r.one("uname") == e2e["old"], r
    assert r.one("pid1") == "systemd", r
    assert r.one("system-state") in ("running", "degraded"), r
    assert r.one("kaslr") == "KASLR enabled", r
    assert "root=LABEL=debian-root" in r.one("cmdline"), r     # /etc/kernel/cmdline
    assert (r.one("esp-mount") or "").endswith(" vfat"), r


def test_bootctl_status_names_kaslboot(e2e):
    r = e2e["r"][0]
    status = r.text("bootctl-status")
    m = re.search(r"Current Boot Loader:\n\s+Product: (.*)", status)
    assert m and m.group(1).strip() == "kaslboot " + e2e["version"], status


def test_bootctl_status_lists_kaslboot_features(e2e):
    status = e2e["r"][0].text("bootctl-status")
    for mark, names in (("✓", FEATURES[SUITE]["+"]), ("✗", FEATURES[SUITE]["-"])):
        for feature in names:
            assert re.search(r"%s %s$" % (mark, re.escape(feature)), status, re.M), \
                (mark, feature, status)


def test_bootctl_status_esp_partition_matches(e2e):
    # LoaderDevicePartUUID, as bootctl shows it under "Current Boot Loader", is the partition
    # bootctl itself finds the ESP on ($BOOT) and the one mounted at /boot/efi; bootctl
    # warns when the loader's differs.
    r = e2e["r"][0]
    status = r.text("bootctl-status")
    loader = status.split("Current Boot Loader:", 1)[-1].split("\n\n", 1)[0]
    m = re.search(r"^\s+(?:ESP|Partition): /dev/disk/by-partuuid/([0-9a-f-]{36})$", loader, re.M)
    assert m, status
    boot = re.search(r"\$BOOT: /boot/efi \(/dev/disk/by-partuuid/([0-9a-f-]{36})\)", status)
    assert boot and boot.group(1) == m.group(1), status
    assert r.one("esp-partuuid") == m.group(1), r
    assert "reports a different partition UUID" not in status, status


def test_bootctl_status_random_seed_passed_to_os(e2e):
    r = e2e["r"][0]
    status = r.text("bootctl-status")
    assert re.search(r"^\s+System Token: set$", status, re.M), status
    assert re.search(r"^\s+Exists: yes$", status, re.M), status
    if SUITE == "bookworm":
        # systemd 252's PID 1 credits LoaderRandomSeed and marks it taken; bootctl shows that.
        assert re.search(r"^\s+Passed to OS: yes$", status, re.M), status
    # The seed reaches Linux as LINUX_EFI_RANDOM_SEED_TABLE (the efi: line's RNG=), which
    # 253+ reads instead of LoaderRandomSeed (bootctl 257 no longer shows "Passed to OS"),
    # and the CRNG is ready before userspace starts.
    assert re.search(r"\bRNG=0x[0-9a-f]+", r.text("efi")), r.text("efi")
    crng = re.match(r"\[\s*(\d+\.\d+)\] random: crng init done", r.one("crng") or "")
    assert crng and float(crng.group(1)) < 1.0, r.one("crng")


def test_bootctl_list_shows_the_entry(e2e):
    r, old, mid = e2e["r"][0], e2e["old"], machine_id(e2e)
    listing = r.text("bootctl-list")
    assert re.search(r"^\s+id: %s-%s\.conf$" % (mid, re.escape(old)), listing, re.M), listing
    assert re.search(r"^\s+version: %s$" % re.escape(old), listing, re.M), listing
    # The path in the entry, relative to the ESP; bootctl 257 shows it under the ESP's mount
    # point ("/boot/efi//<token>/..."), 252 as written.
    assert re.search(r"^\s+linux: (/boot/efi/)?/%s/%s/linux$" % (mid, re.escape(old)), listing,
                     re.M), listing


def test_systemd_analyze_reports_firmware_and_loader_time(e2e):
    analyze = e2e["r"][0].text("analyze")
    assert re.search(r"\d+(\.\d+)?m?s \(firmware\) \+ \d+(\.\d+)?m?s \(loader\)", analyze), analyze


def test_kaslr_layout_differs_between_boots(e2e):
    stexts = [r.one("stext") for r in e2e["r"] if r.complete]
    assert len(stexts) >= 2 and all(stexts), stexts
    assert len(set(stexts)) == len(stexts), stexts


# --- kaslboot-install on the running system ------------------------------------------------

def test_installer_on_the_running_system_adds_boot_entry(e2e):
    r1, r2 = e2e["r"][0], e2e["r"][1]
    install = r1.text("install")
    assert r1.one("install-rc") == "0", install
    # The image install already put every file there: only NVRAM is new, and the entry of
    # the kernel the guest script took away (a kernel installed before kaslboot).
    assert "copy " not in install and "write " not in install, install
    old, mid = e2e["old"], machine_id(e2e)
    assert "add an entry for kernel %s (kernel-install add %s /boot/vmlinuz-%s " \
        "/boot/initrd.img-%s)" % (old, old, old, old) in install, install
    assert r1.one("old-entry-after-install") == \
        "/boot/efi/loader/entries/%s-%s.conf" % (mid, old), r1
    m = re.search(r"added Boot([0-9A-F]{4}) 'kaslboot'", install)
    assert m, install
    num = m.group(1)
    assert r1.one("install-again-rc") == "0" and "nothing to do" in r1.text("install-again"), r1
    efi = r1.text("efibootmgr-after")
    assert re.search(r"^BootOrder: %s(,|$)" % num, efi, re.M), efi
    assert re.search(r"^Boot%s\* kaslboot\t.*File\(\\EFI\\kaslboot\\kaslbootaa64.efi\)" % num,
                     efi, re.M), efi
    # The next boot came through that entry.
    assert re.search(r"^BootCurrent: %s$" % num, r2.text("efibootmgr"), re.M), r2


# --- 3. a second kernel package: its entry by the hooks, the next boot runs it -------------

def test_new_kernel_package_gets_its_entry_through_the_hooks(e2e):
    r1, new, mid = e2e["r"][0], e2e["new"], machine_id(e2e)
    out = r1.text("dpkg-new")
    assert r1.one("dpkg-new-rc") == "0", out
    assert "kaslboot: adding kernel %s through kernel-install" % new in out, out
    listing = r1.text("bootctl-list-after")
    assert re.search(r"^\s+id: %s-%s\.conf$" % (mid, re.escape(new)), listing, re.M), listing
    # BLS order: the newest version is the default.
    default = [blk for blk in listing.split("\n\n") if re.search(r"title: .*\(default\)", blk)]
    assert len(default) == 1, listing
    assert re.search(r"^\s+version: %s$" % re.escape(new), default[0], re.M), listing


def test_next_boot_runs_the_new_kernel(e2e):
    r2 = e2e["r"][1]
    assert r2.complete, r2
    assert r2.one("uname") == e2e["new"], r2
    assert r2.one("kaslr") == "KASLR enabled", r2


def test_set_oneshot_picks_the_old_kernel_for_one_boot(e2e):
    r2, r3, r4 = e2e["r"][1], e2e["r"][2], e2e["r"][3]
    assert r2.one("oneshot-rc") == "0", r2.text("oneshot")
    assert r3.complete and r3.one("uname") == e2e["old"], r3
    assert r4.complete and r4.one("uname") == e2e["new"], r4


def test_initramfs_update_refreshes_the_copy_on_the_esp(e2e):
    # /etc/initramfs/post-update.d/kaslboot: update-initramfs rebuilt an initrd whose
    # kernel has an entry; kernel-install copies it to the ESP again.
    r3, new = e2e["r"][2], e2e["new"]
    out = r3.text("initramfs")
    assert r3.one("initramfs-rc") == "0", out
    assert "kaslboot: updating the initrd of kernel %s through kernel-install" % new in out, out
    assert int(r3.one("initrd-mtime-after")) > int(r3.one("initrd-mtime-before")), r3
    assert r3.one("initrd-same") == "yes", r3


def test_removing_a_kernel_package_removes_its_entry(e2e):
    r4, old, new, mid = e2e["r"][3], e2e["old"], e2e["new"], machine_id(e2e)
    assert r4.one("dpkg-purge-rc") == "0", r4.text("dpkg-purge")
    assert "kaslboot: removing kernel %s through kernel-install" % old in r4.text("dpkg-purge")
    files = r4.text("esp-files").splitlines()
    assert not [f for f in files if "/%s" % old in f], files
    assert "/boot/efi/loader/entries/%s-%s.conf" % (mid, new) in files, files
    assert "version: %s" % old not in r4.text("bootctl-list-after")


# --- Debian 13: Secure Boot with the user's key, devicetree entries, the TPM ---------------

def signature_lines(r):
    return [l for l in r.log.splitlines() if re.match(r"kaslboot: .*\(Secure Boot\)", l)]


@needs_sb
def test_secure_boot_on_with_the_users_key(e2e):
    r1, old, new, mid = e2e["r"][0], e2e["old"], e2e["new"], machine_id(e2e)
    assert re.search(r"^\s+Secure Boot: enabled \(user\)$", r1.text("bootctl-status"), re.M), \
        r1.text("bootctl-status")
    # kaslboot-install signed kaslboot, the hooks the kernel at image time and in the guest.
    assert "(kernels are signed with /etc/secureboot/db.key)" in e2e["build"], \
        e2e["build"][-3000:]
    assert "kaslboot: signed kernel %s with /etc/secureboot/db.crt" % old in e2e["build"]
    assert "kaslboot: signed kernel %s with /etc/secureboot/db.crt" % new in r1.text("dpkg-new")
    # The firmware verified each kernel kaslboot booted.
    assert signature_lines(r1) == ["kaslboot: /%s/%s/linux: signature accepted by the firmware "
                                   "(Secure Boot)" % (mid, old)], r1
    assert signature_lines(e2e["r"][1]) == [
        "kaslboot: /%s/%s/linux: signature accepted by the firmware (Secure Boot)" % (mid, new)]


@needs_sb
def test_unsigned_kernel_refused_and_the_signed_one_boots(e2e):
    r2, r4, new, mid = e2e["r"][1], e2e["r"][3], e2e["new"], machine_id(e2e)
    out = r2.text("unsigned")
    assert r2.one("unsigned-rc") == "0" and "signed kernel" not in out, out
    assert re.search(r"^\s+version: %s$" % UNSIGNED, r2.text("bootctl-list-after"), re.M), r2
    # The newest version: the default entry, tried first in boot 4 (boot 3 is the one-shot)
    # and refused in one line that names it; the next entry, the signed kernel, boots.
    assert re.search(r"^kaslboot: entry '%s-%s' chosen by the first entry; \d+ fallback" % (
        mid, re.escape(UNSIGNED)), r4.log, re.M), r4
    refused = "kaslboot: error: /%s/%s/linux: the firmware refused its signature " \
              "(Secure Boot): " % (mid, UNSIGNED)
    lines = signature_lines(r4)
    assert len(lines) == 2 and lines[0].startswith(refused), r4
    assert lines[1] == "kaslboot: /%s/%s/linux: signature accepted by the firmware " \
                       "(Secure Boot)" % (mid, new), r4
    assert r4.complete and r4.one("uname") == new, r4


@needs_sb
def test_devicetree_entry_skipped_with_a_warning_under_secure_boot(e2e):
    """kernel-install 257 copies /etc/kernel/devicetree's file next to the kernel and writes
    a `devicetree` line; under Secure Boot kaslboot skips that unsigned file with one
    warning and Linux gets the firmware's DT (README, Secure Boot): boot 2 runs it."""
    r1, r2, new, mid = e2e["r"][0], e2e["r"][1], e2e["new"], machine_id(e2e)
    listing = r1.text("bootctl-list-after")
    block = [b for b in listing.split("\n\n") if "version: %s" % new in b]
    assert block and re.search(r"^\s+devicetree: (/boot/efi/)?/%s/%s/virt\.dtb$" % (
        mid, re.escape(new)), block[0], re.M), listing
    assert "/boot/efi/%s/%s/virt.dtb" % (mid, new) in r2.text("esp-files").splitlines()
    warnings = [l for l in r2.log.splitlines() if l.startswith("kaslboot: warning: ")]
    assert warnings == ["kaslboot: warning: entry '%s-%s': Secure Boot is on: its unsigned "
                        "devicetree skipped, booting with the firmware's devicetree"
                        % (mid, new)], r2
    assert r2.complete and r2.one("uname") == new, r2


def analyze_pcrs(r):
    """systemd-analyze pcrs: {pcr: SHA-256 bytes}."""
    out = {}
    for m in re.finditer(r"^\s*(\d+)\s+(?:\S+\s+)?([0-9a-f]{64})\s*$", r.text("pcrs"), re.M):
        out[int(m.group(1))] = bytes.fromhex(m.group(2))
    return out


@needs_sb
def test_pcrs_as_kaslboot_measured_them(e2e):
    """In every boot the SHA-256 PCRs systemd-analyze shows are the firmware's event log
    (Linux's copy, which kaslboot handed over) replayed; in boot 2 the log holds what the
    README's table promises for a Type #1 entry under Secure Boot: PCR 4 one event per
    image (the firmware's, kaslboot then adds none), 5 loader.conf, 9 the load options then
    the initrd, 12 the command line Linux got, 11 nothing."""
    for r in e2e["r"]:
        assert r.complete and r.one("pcrs-rc") == "0", r
        pcrs = analyze_pcrs(r)
        events = parse_log(base64.b64decode(r.one("tpm-log")))[1]
        replayed = replay_pcrs(events, "sha256")
        for pcr in PCRS:
            assert pcrs[pcr] == replayed.get(pcr, bytes(32)), (r.n, pcr, r.text("pcrs"))
    r2 = e2e["r"][1]
    events = parse_log(base64.b64decode(r2.one("tpm-log")))[1]
    of = {p: [(t, e, d["sha256"]) for pc, t, d, e in events if pc == p] for p in PCRS}
    # The firmware's own events (EV_EFI_ACTION, EV_SEPARATOR, the GPT, ExitBootServices)
    # are in PCRs 4 and 5 too; kaslboot's are the applications and tagged events there.
    apps = [e for t, e, _ in of[4] if t == EV_EFI_BOOT_SERVICES_APPLICATION]
    assert len(apps) == 2, of[4]                  # kaslboot, then the kernel: once each
    tags5 = [(e[:4], d) for t, e, d in of[5] if t == EV_EVENT_TAG]
    assert tags5 == [(TAG_LOADER_CONF.to_bytes(4, "little"),
                      bytes.fromhex(r2.one("loader-conf-sha256")))], of[5]
    cmdline = utf16z(r2.one("cmdline"))
    assert of[12] == [(EV_IPL, cmdline, hashlib.sha256(cmdline).digest())], of[12]
    assert [(t, e[:4], d) for t, e, d in of[9]][:1] == [
        (EV_EVENT_TAG, TAG_LOAD_OPTIONS.to_bytes(4, "little"), hashlib.sha256(cmdline).digest())]
    assert [(t, e[:4], d) for t, e, d in of[9]][1:] == [
        (EV_EVENT_TAG, TAG_LINUX_INITRD.to_bytes(4, "little"),
         bytes.fromhex(r2.one("initrd-sha256")))], of[9]
    assert of[11] == [] and analyze_pcrs(r2)[11] == bytes(32), of[11]


@needs_sb
def test_secret_sealed_to_pcrs_7_and_12_unlocks_until_the_command_line_changes(e2e):
    r1, r2, r3, r4 = e2e["r"]
    assert r1.one("luks-format-rc") == "0", r1.text("luks-format")
    assert r1.one("enroll-rc") == "0", r1.text("enroll")
    assert r1.one("unlock-same-boot-rc") == "0", r1.text("unlock-same-boot")
    assert r2.one("unlock-rc") == "0", r2.text("unlock")          # the next boot
    assert r3.one("cmdline").endswith(" kaslboot.e2e=changed"), r3.one("cmdline")
    assert r3.one("unlock-rc") != "0", r3.text("unlock")          # PCR 12 differs
    assert r4.one("unlock-rc") == "0", r4.text("unlock")          # back to the sealed one
