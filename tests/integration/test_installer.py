# SPDX-License-Identifier: BSD-2-Clause
"""Issue 10, on the host: scripts/kaslboot-install and kaslboot's kernel-install plugin, with
a temporary directory standing in for the ESP (SYSTEMD_RELAX_ESP_CHECKS=1, as bootctl
honours it) and another for the system's root (--root: /etc/machine-id, /etc/kernel).
No QEMU: these run in seconds. tests/integration/test_debian_e2e.py runs the same tools on
a real Debian arm64 system."""
import hashlib
import os
import platform
import re
import shutil
import stat
import struct
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTALLER = os.path.join(ROOT, "scripts", "kaslboot-install")
PLUGIN = os.path.join(ROOT, "install", "kernel-install", "89-kaslboot.install")
REAL_EFI = os.path.join(ROOT, "build", "BOOTAA64.EFI")
MACHINE_ID = "0123456789abcdef0123456789abcdef"
LOADER = "EFI/kaslboot/kaslbootaa64.efi"
REMOVABLE = "EFI/BOOT/BOOTAA64.EFI"


def fake_efi(path, version, size=64 << 10, machine=0xAA64):
    """An arm64 PE header (MZ, e_lfanew, "PE\\0\\0", Machine) and kaslboot's version marker:
    all the installer looks at."""
    head = bytearray(b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40))
    head += b"PE\0\0" + struct.pack("<H", machine)
    body = b"#### LoaderInfo: kaslboot %s ####\0" % version.encode()
    data = bytes(head) + body
    data += bytes(size - len(data))
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def tree(path, mtimes=False):
    """What a directory holds: {relative path: (kind, sha256 or None[, mtime])}."""
    out = {}
    for d, dirs, files in os.walk(path):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, path)
            st = os.lstat(p)
            digest = None
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(open(p, "rb").read()).hexdigest()
            kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
            out[rel] = (kind, digest, st.st_mtime_ns) if mtimes else (kind, digest)
    return out


class Sys:
    """A root and an ESP in tmp_path, and the installer run against them."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.root = tmp_path / "root"
        self.esp = tmp_path / "esp"
        (self.root / "etc").mkdir(parents=True)
        self.esp.mkdir()
        (self.root / "etc" / "machine-id").write_text(MACHINE_ID + "\n")
        (self.root / "etc" / "os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n')
        self.efi = fake_efi(tmp_path / "kaslboot-0.0.10.efi", "0.0.10-gaaaaaaa")

    def run(self, *args, esp=True, root=True, efi=True, relax=True, env=None, check=None):
        cmd = [INSTALLER]
        if esp:
            cmd += ["--esp-path", str(self.esp)]
        if root:
            cmd += ["--root", str(self.root)]
        if efi and not any(a.startswith("--efi") for a in args):
            cmd += ["--efi", self.efi]
        cmd += list(args)
        e = dict(os.environ)
        e.pop("SYSTEMD_RELAX_ESP_CHECKS", None)
        if relax:
            e["SYSTEMD_RELAX_ESP_CHECKS"] = "1"
        e.update(env or {})
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, text=True)
        if check is not None:
            assert p.returncode == check, (p.returncode, p.stdout, p.stderr)
        return p

    def read(self, rel, mode="rb"):
        return open(os.path.join(self.esp, rel), mode).read()


@pytest.fixture
def sysroot(tmp_path):
    return Sys(tmp_path)


def one_error(p, text):
    """A failure says one clear line on stderr, starting with the program's name."""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("kaslboot-install: error: "), lines[0]
    assert text in lines[0], lines[0]
    assert p.returncode != 0


def one_warning(p, text):
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("kaslboot-install: warning: "), lines[0]
    assert text in lines[0], lines[0]


def path_without(tmp_path, tool):
    """A PATH holding every command of /usr/bin and /usr/sbin except `tool`."""
    d = tmp_path / ("path-without-" + tool)
    d.mkdir()
    for src in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
        if not os.path.isdir(src) or os.path.islink(src):
            continue
        for name in os.listdir(src):
            if name != tool and not (d / name).exists():
                os.symlink(os.path.join(src, name), d / name)
    return str(d)


# --- installing ----------------------------------------------------------------------------

def test_fresh_install(sysroot):
    p = sysroot.run("--no-variables", check=0)
    assert sysroot.read(LOADER) == open(sysroot.efi, "rb").read()
    # No NVRAM written: the firmware must find it on its own, at the removable path.
    assert sysroot.read(REMOVABLE) == open(sysroot.efi, "rb").read()
    conf = sysroot.read("loader/loader.conf", "r")
    assert conf.startswith("# Written by kaslboot-install")
    assert len(sysroot.read("loader/random-seed")) == 32
    assert sysroot.read("loader/entries.srel", "r") == "type1\n"
    assert (sysroot.esp / "loader" / "entries").is_dir()
    # kernel-install's BLS layout: <ESP>/<entry-token>/ named after the machine-id.
    assert (sysroot.esp / MACHINE_ID).is_dir()
    assert not (sysroot.root / "etc" / "kernel" / "entry-token").exists()
    assert "copy " in p.stdout and p.stderr == ""


def test_second_run_changes_nothing(sysroot):
    sysroot.run("--no-variables", check=0)
    before = tree(sysroot.esp, mtimes=True)
    root_before = tree(sysroot.root, mtimes=True)
    p = sysroot.run("--no-variables", check=0)
    assert tree(sysroot.esp, mtimes=True) == before
    assert tree(sysroot.root, mtimes=True) == root_before
    assert "nothing to do" in p.stdout


def test_removable_and_real_binary(sysroot):
    if not os.path.exists(REAL_EFI):
        pytest.fail("build/BOOTAA64.EFI missing: run through `make check`")
    sysroot.run("--removable", "--no-variables", "--efi", REAL_EFI, check=0)
    assert sysroot.read(REMOVABLE) == open(REAL_EFI, "rb").read()
    p = sysroot.run("--is-installed", efi=False, check=0)
    assert "is installed" in p.stdout


def test_user_loader_conf_is_kept(sysroot):
    (sysroot.esp / "loader").mkdir()
    mine = "default debian-*\ntimeout 5\n"
    (sysroot.esp / "loader" / "loader.conf").write_text(mine)
    sysroot.run("--no-variables", check=0)
    assert sysroot.read("loader/loader.conf", "r") == mine
    sysroot.run("--remove", check=0)
    assert sysroot.read("loader/loader.conf", "r") == mine


def test_entry_token_file(sysroot):
    sysroot.run("--no-variables", "--entry-token", "debian", check=0)
    assert (sysroot.root / "etc" / "kernel" / "entry-token").read_text() == "debian\n"
    assert (sysroot.esp / "debian").is_dir()
    sysroot.run("--remove", check=0)
    assert not (sysroot.root / "etc" / "kernel" / "entry-token").exists()


# --- --update ------------------------------------------------------------------------------

def test_update_replaces_an_older_binary(sysroot):
    sysroot.run("--no-variables", check=0)
    seed = sysroot.read("loader/random-seed")
    newer = fake_efi(sysroot.tmp / "new.efi", "0.0.12-gbbbbbbb")
    p = sysroot.run("--update", "--efi", newer, check=0)
    assert sysroot.read(LOADER) == open(newer, "rb").read()
    assert sysroot.read(REMOVABLE) == open(newer, "rb").read()
    assert "0.0.10-gaaaaaaa to 0.0.12-gbbbbbbb" in p.stdout
    assert sysroot.read("loader/random-seed") == seed      # only the binaries
    # The same version again: nothing to do.
    before = tree(sysroot.esp, mtimes=True)
    p = sysroot.run("--update", "--efi", newer, check=0)
    assert tree(sysroot.esp, mtimes=True) == before and "up to date" in p.stdout


def test_update_keeps_a_newer_binary(sysroot):
    sysroot.run("--no-variables", check=0)
    older = fake_efi(sysroot.tmp / "old.efi", "0.0.9-gccccccc")
    before = tree(sysroot.esp, mtimes=True)
    p = sysroot.run("--update", "--efi", older, check=0)
    assert tree(sysroot.esp, mtimes=True) == before
    assert "newer than 0.0.9-gccccccc: kept" in p.stdout


def test_update_orders_versions_numerically(sysroot):
    sysroot.efi = fake_efi(sysroot.tmp / "v9.efi", "0.0.9-gddddddd")
    sysroot.run("--no-variables", check=0)
    ten = fake_efi(sysroot.tmp / "v10.efi", "0.0.10-geeeeeee")
    sysroot.run("--update", "--efi", ten, check=0)      # 10 > 9, not "1" < "9"
    assert sysroot.read(LOADER) == open(ten, "rb").read()


def test_update_leaves_a_foreign_removable_binary(sysroot):
    (sysroot.esp / "EFI" / "BOOT").mkdir(parents=True)
    (sysroot.esp / REMOVABLE).write_bytes(b"MZ someone else's loader")
    sysroot.run("--no-variables", check=0)
    # Installing did put kaslboot there (no NVRAM) and kept the original for --remove.
    newer = fake_efi(sysroot.tmp / "new.efi", "0.0.12-gbbbbbbb")
    sysroot.run("--update", "--efi", newer, check=0)
    assert sysroot.read(REMOVABLE) == open(newer, "rb").read()
    sysroot.run("--remove", check=0)
    assert sysroot.read(REMOVABLE) == b"MZ someone else's loader"


def test_update_without_install_fails(sysroot):
    p = sysroot.run("--update")
    one_error(p, "kaslboot is not installed on")


# --- --remove and --dry-run ----------------------------------------------------------------

def test_remove_undoes_exactly(sysroot):
    # A used ESP: another loader at the removable path, a vendor directory, a file of the user's.
    (sysroot.esp / "EFI" / "BOOT").mkdir(parents=True)
    (sysroot.esp / "EFI" / "debian").mkdir()
    (sysroot.esp / REMOVABLE).write_bytes(b"MZ shim")
    (sysroot.esp / "EFI" / "debian" / "grubaa64.efi").write_bytes(b"MZ grub")
    (sysroot.esp / "notes.txt").write_text("mine\n")
    before, root_before = tree(sysroot.esp), tree(sysroot.root)
    sysroot.run("--removable", "--no-variables", check=0)
    assert sysroot.read(REMOVABLE) == open(sysroot.efi, "rb").read()
    sysroot.run("--remove", check=0)
    assert tree(sysroot.esp) == before
    assert tree(sysroot.root) == root_before


def test_remove_keeps_kernel_entries(sysroot):
    sysroot.run("--no-variables", check=0)
    # What kernel-install put there since is not the installer's to remove.
    entry = sysroot.esp / "loader" / "entries" / (MACHINE_ID + "-6.1.0-1-arm64.conf")
    entry.write_text("title Debian\nlinux /%s/6.1.0-1-arm64/linux\n" % MACHINE_ID)
    kdir = sysroot.esp / MACHINE_ID / "6.1.0-1-arm64"
    kdir.mkdir()
    (kdir / "linux").write_bytes(b"kernel")
    p = sysroot.run("--remove", check=0)
    assert entry.exists() and (kdir / "linux").exists()
    assert not (sysroot.esp / LOADER).exists()
    assert not (sysroot.esp / "loader" / "loader.conf").exists()
    assert "kept " in p.stdout


def test_remove_keeps_an_edited_loader_conf(sysroot):
    sysroot.run("--no-variables", check=0)
    with open(sysroot.esp / "loader" / "loader.conf", "a") as f:
        f.write("timeout 9\n")
    p = sysroot.run("--remove", check=0)
    assert sysroot.read("loader/loader.conf", "r").endswith("timeout 9\n")
    assert "edited" in p.stdout


def test_remove_without_install_fails(sysroot):
    p = sysroot.run("--remove")
    one_error(p, "nothing installed by kaslboot-install to remove")


def test_dry_run_changes_nothing(sysroot):
    before = tree(sysroot.esp, mtimes=True)
    p = sysroot.run("--dry-run", "--no-variables", check=0)
    assert tree(sysroot.esp, mtimes=True) == before
    assert "would copy" in p.stdout and "would write" in p.stdout
    sysroot.run("--no-variables", check=0)
    installed = tree(sysroot.esp, mtimes=True)
    p = sysroot.run("--remove", "--dry-run", check=0)
    assert tree(sysroot.esp, mtimes=True) == installed
    assert "would remove" in p.stdout
    newer = fake_efi(sysroot.tmp / "new.efi", "0.0.12-gbbbbbbb")
    p = sysroot.run("--update", "--dry-run", "--efi", newer, check=0)
    assert tree(sysroot.esp, mtimes=True) == installed
    assert "would update" in p.stdout


# --- bad input: one clear line each --------------------------------------------------------

def test_no_esp_found(sysroot):
    before = tree(sysroot.tmp)
    p = sysroot.run(esp=False)
    one_error(p, "no ESP found")
    assert tree(sysroot.tmp) == before


def test_esp_not_fat(sysroot):
    p = sysroot.run("--no-variables", relax=False)
    one_error(p, "is not a FAT file system")
    assert tree(sysroot.esp) == {}


def test_running_system_must_be_arm64_uefi(sysroot):
    if platform.machine() in ("aarch64", "arm64"):
        pytest.skip("this check is about a non-arm64 machine")
    p = sysroot.run(esp=False, root=False)
    one_error(p, "kaslboot is an arm64 (AArch64) loader")


# --- kernels installed before kaslboot: entries through kernel-install ---------------------

FAKE_CHROOT = """#!/bin/sh
# chroot ROOT CMD...: 'true' succeeds; 'kernel-install add V IMAGE [INITRD]' is logged and,
# unless FAKE_KI_FAIL names V, writes the entry as 90-loaderentry would.
root=$1; shift
[ "$1" = true ] && exit 0
[ "$1" = kernel-install ] || exit 99
shift
echo "$root $*" >>"$FAKE_KI_LOG"
[ "${FAKE_KI_FAIL:-}" = "$2" ] && { echo "89-kaslboot.install: refused" >&2; exit 1; }
echo "title $2" >"$root/boot/efi/loader/entries/%s-$2.conf"
""" % MACHINE_ID


def kernels_sys(sysroot, versions, initrds=()):
    """The ESP inside the root (/boot/efi), kernels in its /boot, and a chroot that runs a
    stand-in kernel-install."""
    sysroot.esp = sysroot.root / "boot" / "efi"
    sysroot.esp.mkdir(parents=True)
    for v in versions:
        (sysroot.root / "boot" / ("vmlinuz-" + v)).write_bytes(b"kernel " + v.encode())
    for v in initrds:
        (sysroot.root / "boot" / ("initrd.img-" + v)).write_bytes(b"initrd " + v.encode())
    bindir = sysroot.tmp / "fakebin"
    bindir.mkdir()
    (bindir / "chroot").write_text(FAKE_CHROOT)
    (bindir / "chroot").chmod(0o755)
    log = sysroot.tmp / "kernel-install.log"
    env = {"PATH": "%s:%s" % (bindir, os.environ["PATH"]), "FAKE_KI_LOG": str(log)}
    return env, log


def test_kernels_already_installed_get_entries(sysroot):
    env, log = kernels_sys(sysroot, ["6.1.0-9-arm64", "6.1.0-10-arm64"], initrds=["6.1.0-10-arm64"])
    (sysroot.esp / "loader" / "entries").mkdir(parents=True)
    (sysroot.esp / "loader" / "entries" / ("%s-6.1.0-9-arm64.conf" % MACHINE_ID)).write_text("x")
    p = sysroot.run("--no-variables", env=env, check=0)
    # Only the kernel without an entry; its initrd passed on, as the hooks do.
    assert log.read_text() == "%s add 6.1.0-10-arm64 /boot/vmlinuz-6.1.0-10-arm64 " \
        "/boot/initrd.img-6.1.0-10-arm64\n" % sysroot.root, log.read_text()
    assert "add an entry for kernel 6.1.0-10-arm64" in p.stdout and p.stderr == ""
    # A second run has nothing left to add.
    p = sysroot.run("--no-variables", env=env, check=0)
    assert "nothing to do" in p.stdout and len(log.read_text().splitlines()) == 1


def test_no_kernels_option(sysroot):
    env, log = kernels_sys(sysroot, ["6.1.0-10-arm64"])
    sysroot.run("--no-variables", "--no-kernels", env=env, check=0)
    assert not log.exists()


def test_kernel_refused_by_kernel_install(sysroot):
    env, log = kernels_sys(sysroot, ["6.1.0-10-arm64"])
    env["FAKE_KI_FAIL"] = "6.1.0-10-arm64"
    p = sysroot.run("--no-variables", env=env)
    # The loader is in place; the kernel without an entry is named, and the exit says so.
    assert sysroot.read(LOADER) == open(sysroot.efi, "rb").read()
    assert p.returncode == 1, (p.stdout, p.stderr)
    warnings = [l for l in p.stderr.splitlines() if l.startswith("kaslboot-install: warning: ")]
    assert len(warnings) == 1 and "kernel 6.1.0-10-arm64 has no entry" in warnings[0], p.stderr


def test_kernel_in_a_root_that_cannot_run_it(sysroot):
    # The ESP outside the root: kernel-install in the root would not find it.
    (sysroot.root / "boot").mkdir()
    (sysroot.root / "boot" / "vmlinuz-6.1.0-10-arm64").write_bytes(b"k")
    p = sysroot.run("--no-variables", check=0)
    one_warning(p, "kernel 6.1.0-10-arm64 in %s/boot has no entry: run 'kernel-install add "
                "6.1.0-10-arm64 /boot/vmlinuz-6.1.0-10-arm64' in that system" % sysroot.root)


def test_not_an_arm64_binary(sysroot):
    x64 = fake_efi(sysroot.tmp / "x64.efi", "0.0.10-gaaaaaaa", machine=0x8664)
    p = sysroot.run("--no-variables", "--efi", x64)
    one_error(p, "is not an arm64 EFI binary")
    assert tree(sysroot.esp) == {}


def test_no_efibootmgr_falls_back_to_removable_path(sysroot):
    p = sysroot.run("--variables", env={"PATH": path_without(sysroot.tmp, "efibootmgr")})
    assert p.returncode == 0, p.stderr
    one_warning(p, "efibootmgr is not installed")
    assert sysroot.read(REMOVABLE) == open(sysroot.efi, "rb").read()


def test_unwritable_nvram_falls_back_to_removable_path(sysroot):
    bindir = sysroot.tmp / "bin"
    bindir.mkdir()
    fake = bindir / "efibootmgr"
    fake.write_text("#!/bin/sh\necho 'Could not set variable Boot0003: Read-only file system' >&2\nexit 5\n")
    fake.chmod(0o755)
    p = sysroot.run("--variables", env={"PATH": "%s:%s" % (bindir, os.environ["PATH"])})
    assert p.returncode == 0, p.stderr
    one_warning(p, "Read-only file system")
    assert sysroot.read(REMOVABLE) == open(sysroot.efi, "rb").read()


def test_machine_id_missing(sysroot):
    os.unlink(sysroot.root / "etc" / "machine-id")
    p = sysroot.run("--no-variables", check=0)
    one_warning(p, "no machine-id")
    # kernel-install must agree on the name: it reads /etc/kernel/entry-token first.
    assert (sysroot.root / "etc" / "kernel" / "entry-token").read_text() == "debian\n"
    assert (sysroot.esp / "debian").is_dir()


def test_machine_id_and_os_release_missing(sysroot):
    os.unlink(sysroot.root / "etc" / "machine-id")
    os.unlink(sysroot.root / "etc" / "os-release")
    p = sysroot.run("--no-variables")
    one_error(p, "no machine-id")
    assert tree(sysroot.esp) == {}


@pytest.fixture
def small_esp(tmp_path):
    """A 192 KiB tmpfs: too small for a second kernel or a big loader."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=192k", "kaslboot-test", str(mnt)],
                      stderr=subprocess.DEVNULL).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)])


def test_esp_too_small(sysroot, small_esp):
    sysroot.esp = small_esp
    sysroot.efi = fake_efi(sysroot.tmp / "big.efi", "0.0.10-gaaaaaaa", size=160 << 10)
    p = sysroot.run("--no-variables")
    one_error(p, "is too small")
    assert tree(small_esp) == {}


# --- kaslboot's kernel-install plugin, through systemd's own kernel-install ----------------

class KernelInstall:
    """kernel-install (Debian's systemd 252) confined to tmp_path: BOOT_ROOT, MACHINE_ID and
    KERNEL_INSTALL_CONF_ROOT from the environment, and only kaslboot's plugin and
    90-loaderentry (the host's 85-initrd would look in the host's /boot)."""

    def __init__(self, tmp_path, esp):
        self.tmp, self.esp = tmp_path, esp
        self.conf = tmp_path / "etc-kernel"
        self.conf.mkdir(exist_ok=True)
        (self.conf / "cmdline").write_text("root=LABEL=debian-root ro quiet\n")

    def run(self, *args):
        env = dict(os.environ, BOOT_ROOT=str(self.esp), MACHINE_ID=MACHINE_ID,
                   KERNEL_INSTALL_CONF_ROOT=str(self.conf),
                   KERNEL_INSTALL_PLUGINS="%s /usr/lib/kernel/install.d/90-loaderentry.install" % PLUGIN)
        return subprocess.run(["kernel-install"] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, text=True)

    def kernel(self, version, size=32 << 10, initrd=True):
        k = self.tmp / ("vmlinuz-" + version)
        k.write_bytes(b"k" * size)
        files = [str(k)]
        if initrd:
            i = self.tmp / ("initrd.img-" + version)
            i.write_bytes(b"i" * size)
            files.append(str(i))
        return files


def kernel_install_or_skip():
    if not os.path.exists("/usr/lib/kernel/install.d/90-loaderentry.install"):
        pytest.fail("systemd's kernel-install is missing (Debian's systemd package)")


def installed_esp(sysroot, esp=None):
    if esp is not None:
        sysroot.esp = esp
    sysroot.efi = fake_efi(sysroot.tmp / "small.efi", "0.0.10-gaaaaaaa", size=4 << 10)
    sysroot.run("--no-variables", check=0)
    return sysroot.esp


def test_kernel_install_writes_and_removes_an_entry(sysroot):
    kernel_install_or_skip()
    esp = installed_esp(sysroot)
    ki = KernelInstall(sysroot.tmp, esp)
    p = ki.run("add", "6.1.0-50-cloud-arm64", *ki.kernel("6.1.0-50-cloud-arm64"))
    assert p.returncode == 0, p.stderr
    entry = esp / "loader" / "entries" / (MACHINE_ID + "-6.1.0-50-cloud-arm64.conf")
    text = entry.read_text()
    # Options come from <conf root>/cmdline (kernel-install's rule, /etc/kernel/cmdline).
    assert "options    root=LABEL=debian-root ro quiet systemd.machine_id=" + MACHINE_ID in text
    # Paths are relative to the ESP's mount point (here the tmp dir's).
    assert re.search(r"^linux +/\S*%s/6.1.0-50-cloud-arm64/linux$" % MACHINE_ID, text, re.M)
    assert re.search(r"^initrd +/\S*%s/6.1.0-50-cloud-arm64/initrd.img-6.1.0-50-cloud-arm64$"
                     % MACHINE_ID, text, re.M)
    assert (esp / MACHINE_ID / "6.1.0-50-cloud-arm64" / "linux").exists()
    p = ki.run("remove", "6.1.0-50-cloud-arm64")
    assert p.returncode == 0, p.stderr
    assert not entry.exists()
    assert not (esp / MACHINE_ID / "6.1.0-50-cloud-arm64").exists()


def test_kernel_without_initrd_is_refused(sysroot):
    kernel_install_or_skip()
    esp = installed_esp(sysroot)
    ki = KernelInstall(sysroot.tmp, esp)
    assert ki.run("add", "6.1.0-50-cloud-arm64", *ki.kernel("6.1.0-50-cloud-arm64")).returncode == 0
    before = tree(esp)
    p = ki.run("add", "6.1.0-57-cloud-arm64", *ki.kernel("6.1.0-57-cloud-arm64", initrd=False))
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kaslboot: error: kernel 6.1.0-57-cloud-arm64 has no initrd"), p.stderr
    assert tree(esp) == before


def test_full_esp_leaves_previous_entries(sysroot, small_esp):
    kernel_install_or_skip()
    esp = installed_esp(sysroot, small_esp)
    ki = KernelInstall(sysroot.tmp, esp)
    p = ki.run("add", "6.1.0-50-cloud-arm64", *ki.kernel("6.1.0-50-cloud-arm64", size=8 << 10))
    assert p.returncode == 0, p.stderr
    before = tree(esp)
    p = ki.run("add", "6.1.0-57-cloud-arm64", *ki.kernel("6.1.0-57-cloud-arm64", size=96 << 10))
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "kaslboot: error: the ESP" in lines[0] and "KiB free" in lines[0], p.stderr
    assert tree(esp) == before


# --- make install / uninstall --------------------------------------------------------------

def test_make_install_and_uninstall(tmp_path):
    dest = tmp_path / "dest"
    p = subprocess.run(["make", "-s", "-C", ROOT, "install", "DESTDIR=%s" % dest, "PREFIX=/usr/local"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    files = sorted(str(f.relative_to(dest)) for f in dest.rglob("*") if f.is_file())
    assert files == ["etc/initramfs/post-update.d/kaslboot", "etc/kernel/postinst.d/zz-kaslboot",
                     "etc/kernel/postrm.d/zz-kaslboot", "usr/lib/kernel/install.d/89-kaslboot.install",
                     "usr/lib/kernel/install.d/91-kaslboot-sign.install",
                     "usr/local/bin/kaslboot-install", "usr/local/lib/kaslboot/kaslbootaa64.efi"], files
    script = (dest / "usr/local/bin/kaslboot-install").read_text()
    assert "\nLIBDIR=/usr/local/lib/kaslboot\n" in script
    assert os.access(dest / "usr/local/bin/kaslboot-install", os.X_OK)
    p = subprocess.run(["make", "-s", "-C", ROOT, "uninstall", "DESTDIR=%s" % dest, "PREFIX=/usr/local"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    assert [f for f in dest.rglob("*") if f.is_file()] == []


# --- signing with the user's own key (--sign-key/--sign-cert) ------------------------------

SIGN_CONF = "etc/kernel/kaslboot-sign.conf"


def user_key(sysroot, passphrase=None):
    """A key and certificate of the user's, in <root>/etc/keys (as the system sees them:
    /etc/keys/db.key), made as a user would with openssl."""
    d = sysroot.root / "etc" / "keys"
    d.mkdir(parents=True, exist_ok=True)
    key, cert = d / "db.key", d / "db.crt"
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-subj", "/CN=kaslboot test db",
           "-days", "30", "-keyout", str(key), "-out", str(cert)]
    cmd += ["-passout", "pass:" + passphrase] if passphrase else ["-noenc"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(key), str(cert)


def signatures(path, cert=None):
    """How many signatures the PE at path carries; with cert: whether one is cert's."""
    if cert:
        return subprocess.run(["sbverify", "--cert", cert, str(path)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    out = subprocess.run(["sbverify", "--list", str(path)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True).stdout
    return len(re.findall(r"^signature \d+$", out, re.M))


def real_efi_or_fail():
    if not os.path.exists(REAL_EFI):
        pytest.fail("build/BOOTAA64.EFI is missing (make efi): signing needs a real PE")
    return REAL_EFI


def test_sign_installs_kaslboot_signed_once_and_records_the_key(sysroot):
    key, cert = user_key(sysroot)
    sysroot.efi = real_efi_or_fail()
    sysroot.run("--no-variables", "--sign-key", key, "--sign-cert", cert, check=0)
    for rel in (LOADER, REMOVABLE):
        assert signatures(sysroot.esp / rel) == 1, rel
        assert signatures(sysroot.esp / rel, cert), rel
    # Where the key is, as the installed system sees it (the root taken off).
    conf = (sysroot.root / SIGN_CONF).read_text()
    assert "\nKEY=/etc/keys/db.key\nCERT=/etc/keys/db.crt\n" in conf, conf
    # A second run, with or without the options: the conf says to sign, and the result is
    # the same signed file, so nothing changes.
    before = tree(sysroot.esp, mtimes=True)
    for args in ((), ("--sign-key", key, "--sign-cert", cert)):
        p = sysroot.run("--no-variables", *args, check=0)
        assert "nothing to do" in p.stdout, p.stdout
    assert tree(sysroot.esp, mtimes=True) == before


def test_sign_leaves_a_loader_signed_with_that_cert_as_it_is(sysroot):
    key, cert = user_key(sysroot)
    signed = sysroot.tmp / "signed.efi"
    subprocess.run(["sbsign", "--key", key, "--cert", cert, "--output", str(signed),
                    real_efi_or_fail()], check=True, stderr=subprocess.DEVNULL)
    sysroot.run("--no-variables", "--efi", str(signed), "--sign-key", key, "--sign-cert", cert,
                check=0)
    assert sysroot.read(LOADER) == signed.read_bytes()
    assert signatures(sysroot.esp / LOADER) == 1


def test_update_signs_the_newer_loader(sysroot):
    key, cert = user_key(sysroot)
    sysroot.run("--no-variables", "--efi", real_efi_or_fail(), "--sign-key", key,
                "--sign-cert", cert, check=0)
    # A newer build: the same PE with a higher version in its marker.
    data = open(REAL_EFI, "rb").read()
    m = re.search(rb"#### LoaderInfo: kaslboot (\S+) ####", data)
    newer = data.replace(m.group(1), b"99.0".ljust(len(m.group(1)), b"+"), 1)
    path = sysroot.tmp / "newer.efi"
    path.write_bytes(newer)
    sysroot.run("--update", "--efi", str(path), check=0)
    assert b"kaslboot 99.0" in sysroot.read(LOADER)
    assert signatures(sysroot.esp / LOADER) == 1 and signatures(sysroot.esp / LOADER, cert)


def test_remove_leaves_the_users_key_and_certificate(sysroot):
    key, cert = user_key(sysroot)
    before = (open(key, "rb").read(), open(cert, "rb").read())
    sysroot.run("--no-variables", "--efi", real_efi_or_fail(), "--sign-key", key,
                "--sign-cert", cert, check=0)
    p = sysroot.run("--remove", check=0)
    assert not (sysroot.root / SIGN_CONF).exists(), p.stdout
    assert (open(key, "rb").read(), open(cert, "rb").read()) == before
    assert sorted(os.listdir(sysroot.root / "etc" / "keys")) == ["db.crt", "db.key"]
    assert not (sysroot.esp / LOADER).exists()


def test_sign_refuses_a_key_with_a_passphrase(sysroot):
    key, cert = user_key(sysroot, passphrase="secret")
    p = sysroot.run("--no-variables", "--sign-key", key, "--sign-cert", cert)
    one_error(p, "is protected by a passphrase")
    assert os.listdir(sysroot.esp) == []


def test_sign_refuses_a_key_outside_the_root(sysroot):
    key, cert = user_key(sysroot)
    outside = sysroot.tmp / "db.key"
    shutil.copy(key, outside)
    p = sysroot.run("--no-variables", "--sign-key", str(outside), "--sign-cert", cert)
    one_error(p, "is outside --root")


def test_sign_refuses_a_key_and_cert_that_do_not_match(sysroot):
    key, _ = user_key(sysroot)
    other = sysroot.tmp / "other"
    other.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-subj", "/CN=other",
                    "-noenc", "-keyout", str(other / "k"), "-out", str(sysroot.root / "etc/keys/other.crt")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = sysroot.run("--no-variables", "--efi", real_efi_or_fail(), "--sign-key", key,
                    "--sign-cert", str(sysroot.root / "etc/keys/other.crt"))
    one_error(p, "cannot sign")
    assert os.listdir(sysroot.esp) == []


def test_sign_needs_sbsign(sysroot):
    key, cert = user_key(sysroot)
    p = sysroot.run("--no-variables", "--sign-key", key, "--sign-cert", cert,
                    env={"PATH": path_without(sysroot.tmp, "sbsign")})
    one_error(p, "sbsign is not installed (apt install sbsigntool)")


class SigningKernelInstall(KernelInstall):
    """kernel-install with kaslboot's two plugins around 90-loaderentry, and the conf that
    kaslboot-install --sign-key writes in its conf root."""

    def __init__(self, tmp_path, esp, key, cert):
        super().__init__(tmp_path, esp)
        (self.conf / "kaslboot-sign.conf").write_text("KEY=%s\nCERT=%s\n" % (key, cert))

    def run(self, *args):
        env = dict(os.environ, BOOT_ROOT=str(self.esp), MACHINE_ID=MACHINE_ID,
                   KERNEL_INSTALL_CONF_ROOT=str(self.conf),
                   KERNEL_INSTALL_PLUGINS=" ".join([PLUGIN, "/usr/lib/kernel/install.d/90-loaderentry.install",
                                                    SIGN_PLUGIN]))
        return subprocess.run(["kernel-install"] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, text=True)

    def pe_kernel(self, version):
        files = self.kernel(version)
        shutil.copy(real_efi_or_fail(), files[0])
        return files


SIGN_PLUGIN = os.path.join(ROOT, "install", "kernel-install", "91-kaslboot-sign.install")


def test_kernel_install_signs_each_kernel_once(sysroot):
    kernel_install_or_skip()
    key, cert = user_key(sysroot)
    esp = installed_esp(sysroot)
    ki = SigningKernelInstall(sysroot.tmp, esp, key, cert)
    files = ki.pe_kernel("6.12.117+deb13-cloud-arm64")
    p = ki.run("add", "6.12.117+deb13-cloud-arm64", *files)
    assert p.returncode == 0, p.stderr
    assert "kaslboot: signed kernel 6.12.117+deb13-cloud-arm64 with %s" % cert in p.stdout
    linux = esp / MACHINE_ID / "6.12.117+deb13-cloud-arm64" / "linux"
    assert signatures(linux) == 1 and signatures(linux, cert)
    # The source in /boot is not the plugin's: it stays unsigned.
    assert signatures(files[0]) == 0
    # Again (update-initramfs's hook): a fresh copy, signed once.
    assert ki.run("add", "6.12.117+deb13-cloud-arm64", *files).returncode == 0
    assert signatures(linux) == 1
    # A kernel that already carries the user's signature is copied as it is.
    subprocess.run(["sbsign", "--key", key, "--cert", cert, "--output", files[0], files[0]],
                   check=True, stderr=subprocess.DEVNULL)
    p = ki.run("add", "6.12.117+deb13-cloud-arm64", *files)
    assert p.returncode == 0 and "signed kernel" not in p.stdout, p.stdout
    assert signatures(linux) == 1


def test_kernel_install_refuses_a_kernel_it_cannot_sign(sysroot):
    kernel_install_or_skip()
    key, cert = user_key(sysroot)
    esp = installed_esp(sysroot)
    ki = SigningKernelInstall(sysroot.tmp, esp, key, cert)
    before = tree(esp)
    # A gzip Image (Debian 12's arm64 vmlinuz) is no PE: sbsign cannot sign it.
    p = ki.run("add", "6.1.0-57-cloud-arm64", *ki.kernel("6.1.0-57-cloud-arm64"))
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not an EFI binary, so it cannot be signed" in lines[0], p.stderr
    assert tree(esp) == before
    # The key gone: refused before anything is copied, too.
    os.unlink(key)
    p = ki.run("add", "6.12.117+deb13-cloud-arm64", *ki.pe_kernel("6.12.117+deb13-cloud-arm64"))
    assert p.returncode != 0 and "cannot read the signing key" in p.stderr, p.stderr
    assert tree(esp) == before
