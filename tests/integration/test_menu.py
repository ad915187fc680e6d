# SPDX-License-Identifier: BSD-2-Clause
"""The boot menu (loader.conf `timeout`), key by key, on an ESP laid out as systemd-boot
252 reads it: \\loader\\loader.conf, \\loader\\entries\\debian.conf and alt.conf, the kernel and
initrd where kernel-install puts them (/ENTRY-TOKEN/KERNEL-VERSION/linux, initrd). Keys are
typed on the serial console (edk2's terminal turns ESC [ A/B/C/D into arrow keys, a lone ESC
into Esc after its 2-second wait). What Linux can see is checked from Linux: the demo
initramfs reports LoaderEntrySelected, LoaderEntryDefault, LoaderConfigTimeout and
/proc/cmdline."""
import os
import pathlib
import struct
import zlib

import pytest

from kaslboot_qemu import BUILD, KERNEL, REPORT_END, boot, make_esp, read_ppm, snakeoil_sign

TOKEN = "debian"
KVER = "6.1.0-cloud-arm64"
DIR = "/%s/%s" % (TOKEN, KVER)
OPTIONS = "console=ttyAMA0 earlycon panic=-1"
DEBIAN = ("title      Debian GNU/Linux 12 (bookworm)\nversion    %s\n"
          "linux      %s/linux\ninitrd     %s/initrd\noptions    %s\narchitecture aa64\n"
          % (KVER, DIR, DIR, OPTIONS))
ALT = ("title      Debian (alternate)\nversion    %s\nlinux      %s/linux\n"
       "initrd     %s/initrd\noptions    %s kaslboot.alt=1\n" % (KVER, DIR, DIR, OPTIONS))

# The menu's screen is drawn (its help line ends so), and the editor's.
MENU = r"lengthen/shorten the timeout"
EDITOR = r"Esc goes back to the menu"
BOOTING = r"kaslboot: booting %s/linux" % DIR
DOWN, UP, LEFT, RIGHT = "\x1b[B", "\x1b[A", "\x1b[D", "\x1b[C"
VARS_ATTRS = "07000000"   # NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS


def sd_esp(tmp_path, loader_conf="default debian.conf\ntimeout 5\n", name="esp.img",
           files=None):
    """The demo ESP rearranged as systemd-boot 252 and kernel-install lay it out."""
    f = {
        "/loader/loader.conf": loader_conf,
        "/loader/entries/debian.conf": DEBIAN,
        "/loader/entries/alt.conf": ALT,
        DIR + "/linux": pathlib.Path(os.path.realpath(KERNEL)),
        DIR + "/initrd": pathlib.Path(BUILD, "initrd.img"),
    }
    f.update(files or {})
    return make_esp(tmp_path, f, delete=["/loader/entries/debian.conf", "/Image", "/initrd.img"],
                    name=name)


def entry_is(report_id, name):
    """Entry ids are systemd-boot's: the file name with ".conf"."""
    return report_id == name + ".conf"


def linux(b):
    assert b.rc == 0, b.log[-3000:]
    assert b.report, "no report from Linux:\n" + b.log[-3000:]
    return b.report


def test_countdown_boots_the_default(tmp_path):
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout 2\n"), until=BOOTING, timeout=90)
    assert b.rc == 0, b.log[-2000:]
    assert "kaslboot boot menu" in b.log
    assert "> 1) Debian GNU/Linux 12 (bookworm) (default)" in b.log
    assert "  2) Debian (alternate)" in b.log
    assert "  version: " + KVER in b.log
    assert "  entropy: strong (" in b.log
    assert "booting the default in 2 s" in b.log
    assert "booting the default in 1 s" in b.log
    assert b.find(r"kaslboot: menu: booting 'debian\.conf'$")


def test_digit_chooses_another_entry(tmp_path):
    r = linux(boot(sd_esp(tmp_path), send=[("booting the default in 5 s", "2")]))
    assert entry_is(r["loader_entry"], "alt")
    assert "kaslboot.alt=1" in r["cmdline"]


def test_arrows_move_the_highlight_and_enter_boots_it(tmp_path):
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout menu-force\n"),
             send=[(MENU, DOWN + DOWN), (r"> 2\) Debian \(alternate\)", UP),
                   (r"> 1\) Debian GNU", DOWN), (r"> 2\) Debian \(alternate\)", "\r")])
    r = linux(b)
    assert entry_is(r["loader_entry"], "alt")
    assert "kaslboot.alt=1" in r["cmdline"]
    assert b.find(r"kaslboot: menu: booting 'alt\.conf'$")


def test_editor_edits_the_command_line_for_one_boot(tmp_path):
    # Left 8 times puts the cursor before "panic=-1"; a typo is erased with Backspace.
    keys = LEFT * 8 + "kaslboot.menu=editedx\x08 " + RIGHT + "\r"
    b = boot(sd_esp(tmp_path), send=[("booting the default in 5 s", "e"), (EDITOR, keys)])
    r = linux(b)
    assert r["cmdline"] == "console=ttyAMA0 earlycon kaslboot.menu=edited panic=-1"
    assert entry_is(r["loader_entry"], "debian")
    assert b.find(r"kaslboot: entry 'debian': booting with the edited command "
                  r"line: console=ttyAMA0 earlycon kaslboot.menu=edited panic=-1")
    # Nothing was written back: the entry file is as it was (the ESP is a snapshot, the
    # variables say nothing about options), so a second boot is unedited.
    r2 = linux(boot(sd_esp(tmp_path, name="esp2.img"), send=[("booting the default in 5 s", "\r")]))
    assert r2["cmdline"] == OPTIONS


def test_editor_escape_boots_unedited(tmp_path):
    b = boot(sd_esp(tmp_path), send=[("booting the default in 5 s", DOWN + "e"),
                                     (EDITOR, " kaslboot.bogus=1\x1b"),
                                     (r"cancelled: its command line is unchanged", "\r")])
    r = linux(b)
    assert entry_is(r["loader_entry"], "alt")
    assert r["cmdline"] == OPTIONS + " kaslboot.alt=1"
    assert "kaslboot.bogus" not in r["cmdline"]


def test_editor_no_refuses_with_one_line(tmp_path):
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout 5\neditor no\n"),
             send=[("booting the default in 5 s", "e"),
                   (r"kaslboot: menu: the editor is off: loader.conf says 'editor no'", "\r")])
    r = linux(b)
    assert r["cmdline"] == OPTIONS
    assert "editing the command line" not in b.log
    assert len([l for l in b.lines() if "editor is off" in l]) == 1


def test_editor_off_by_default_under_secure_boot(tmp_path):
    """An edited command line gets around lockdown: under Secure Boot `e` only says why,
    unless loader.conf says `editor yes`. The boots stop at the menu's choice (the kernel
    is not signed with the snakeoil key: what is tested is the menu)."""
    loader = snakeoil_sign(tmp_path, os.path.join(BUILD, "BOOTAA64.EFI"), "loader")
    signed = {"/EFI/BOOT/BOOTAA64.EFI": pathlib.Path(loader)}
    done = r"kaslboot: entry '[^']+': "   # the line after the menu's choice
    b = boot(sd_esp(tmp_path, files=signed), secure_boot=True, until=done, timeout=120,
             send=[("booting the default in 5 s", "e"),
                   (r"kaslboot: menu: the editor is off under Secure Boot", "\r")])
    assert b.rc == 0, b.log[-2000:]
    assert "kaslboot: menu: the editor is off under Secure Boot" in b.log
    assert "editing the command line" not in b.log
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout 5\neditor yes\n", name="esp2.img",
                    files=signed), secure_boot=True, until=done, timeout=120,
             send=[("booting the default in 5 s", "e"), (EDITOR, "\r")])
    assert b.rc == 0, b.log[-2000:]
    assert b.find(r"kaslboot: menu: booting 'debian(\.conf)?' with an edited command line")


def test_d_makes_the_highlighted_entry_the_default(tmp_path):
    b = boot(sd_esp(tmp_path), send=[("booting the default in 5 s", DOWN + "d"),
                                     (r"is the default entry now \(LoaderEntryDefault\)", "1")])
    r = linux(b)
    # This boot is the one the digit chose; the default is for the next ones.
    assert entry_is(r["loader_entry"], "debian")
    assert entry_is(r["loader_entry_default"], "alt"), r
    assert r["loader_entry_default_attrs"] == VARS_ATTRS
    assert "(saved default)" in b.log


def test_t_and_T_change_the_timeout(tmp_path):
    # From unset, systemd-boot 252's cycle: menu-force, menu-hidden, 1 s, 2 s, 3 s; T: 2 s.
    b = boot(sd_esp(tmp_path), send=[("booting the default in 5 s", "ttttt"),
                                     (r"menu timeout 3 s from the next boot on", "T"),
                                     (r"menu timeout 2 s from the next boot on", "\r")])
    r = linux(b)
    for step in ("menu-force", "menu-hidden", "1 s", "2 s", "3 s"):
        assert "kaslboot: menu: menu timeout %s from the next boot on (LoaderConfigTimeout)" \
            % step in b.log
    assert r["loader_config_timeout"] == "2"
    assert r["loader_config_timeout_attrs"] == VARS_ATTRS
    assert r["loader_entry_default"] == ""


def test_unknown_keys_are_ignored(tmp_path):
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout 3\n"),
             send=[("booting the default in 3 s", "xq!\x1bOP"), (MENU, "\r")])
    r = linux(b)
    assert entry_is(r["loader_entry"], "debian")
    assert "booting the default in 2 s" not in b.log   # the first key stopped the countdown
    assert r["loader_entry_default"] == "" and r["loader_config_timeout"] == ""
    assert "kaslboot: warning: menu" not in b.log and "kaslboot: error" not in b.log


@pytest.mark.slow
def test_watchdog_off_while_the_menu_waits(tmp_path):
    """With `timeout menu-force` the firmware's 5-minute watchdog used to reset the machine
    (QEMU runs with -no-reboot, so it exited) 5 minutes after the menu appeared. The menu
    now waits 5 min 20 s for Enter and Linux boots."""
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout menu-force\n"),
             send=[(MENU, "\r", 320)], timeout=900)
    r = linux(b)
    assert entry_is(r["loader_entry"], "debian")
    assert REPORT_END in b.log


# ---- the firmware's screen ------------------------------------------------------------

def ppm_to_png(ppm, png):
    """A PNG of the PPM (to look at), with zlib and no imaging library."""
    w, h, rgb = read_ppm(ppm)
    raw = b"".join(b"\0" + rgb[y * 3 * w:(y + 1) * 3 * w] for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def lit_pixels(rgb):
    """Pixels that are not the background (black)."""
    return sum(1 for i in range(0, len(rgb), 3) if rgb[i:i + 3] != b"\0\0\0")


def test_menu_on_the_graphics_screen(tmp_path):
    """The menu is on the firmware's graphics console too (ramfb: edk2's QemuRamfbDxe
    gives a GOP, and the console splitter mirrors ConOut onto it). No OCR here: the dump
    with the menu must show something, and something else than the dump of the same
    screen once the menu is gone (kaslboot's log lines on it); build/screens/ keeps PNGs of
    both to look at."""
    with_menu = tmp_path / "menu.ppm"
    without = tmp_path / "nomenu.ppm"
    b = boot(sd_esp(tmp_path, "default debian.conf\ntimeout menu-force\n"),
             extra=["-device", "ramfb"], timeout=150,
             screendumps=[(MENU, with_menu, 1), (r"kaslboot: kaslr: ", without)],
             send=[(MENU, DOWN, 3), (r"> 2\) Debian \(alternate\)", "\r", 3)])
    r = linux(b)
    assert entry_is(r["loader_entry"], "alt")
    w, h, menu_rgb = read_ppm(with_menu)
    w2, h2, plain_rgb = read_ppm(without)
    assert (w, h) == (w2, h2) and w >= 640 and h >= 480, (w, h, w2, h2)
    shots = os.path.join(BUILD, "screens")
    os.makedirs(shots, exist_ok=True)
    ppm_to_png(str(with_menu), os.path.join(shots, "menu.png"))
    ppm_to_png(str(without), os.path.join(shots, "no-menu.png"))
    assert lit_pixels(menu_rgb) > 2000, "the screen with the menu is blank"
    assert lit_pixels(plain_rgb) > 500, "the screen without the menu is blank"
    diff = sum(1 for i in range(0, len(menu_rgb), 3) if menu_rgb[i:i + 3] != plain_rgb[i:i + 3])
    assert diff > 2000, "the screen looks the same with and without the menu"
