# SPDX-License-Identifier: BSD-2-Clause
"""Issue 9: kaslboot as a drop-in for systemd-boot, checked from Linux: entry ids as
systemd-boot 252 makes them (file name with .conf), every entry file loaded whatever their
number, the Boot Loader Interface variables the OS reads and the ones it sets for the next
boot, boot counting on the ESP, and the bad input around all of that."""
import os
import subprocess
import sys

from kaslboot_qemu import MTOOLS_ENV, ROOT, boot_report, make_esp

DEMO = open(__file__.replace("tests/integration/test_systemd_boot.py",
                             "esp/entries/debian.conf")).read()
# What kaslboot implements (loader/bli.h BLI_FEATURES): systemd's bits 0-4, 6, 8-10, 13,
# 14, 16, 18.
FEATURES = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 6) | (1 << 8) | \
    (1 << 9) | (1 << 10) | (1 << 13) | (1 << 14) | (1 << 16) | (1 << 18)


def entry(marker):
    """The demo entry with a marker on the command line, to see which one Linux ran."""
    return DEMO.replace("options    ", "options    kaslboot.entry=%s " % marker)


def test_systemd_boot_ids_and_loader_variables(tmp_path):
    """`default alt.conf`, as systemd-boot's configs and `bootctl set-default` write it,
    picks alt; the OS sees systemd-boot's ids, the features, the times and the image."""
    esp = make_esp(tmp_path, {"/loader/loader.conf": "timeout 0\ndefault alt.conf\n",
                              "/loader/entries/alt.conf": entry("alt")})
    b = boot_report(esp)
    r = b.report
    assert r["loader_entry"] == "alt.conf", r
    assert "kaslboot.entry=alt" in r["cmdline"], r
    assert r["loader_entries"].split() == ["debian.conf", "alt.conf"], r
    assert int(r["loader_features"], 16) == FEATURES, r
    init, done = int(r["loader_time_init"]), int(r["loader_time_exec"])
    assert 0 < init < done, r
    assert r["loader_image"].upper() == "\\EFI\\BOOT\\BOOTAA64.EFI", r
    for var in ("LoaderInfo", "LoaderFirmwareInfo", "LoaderFirmwareType", "LoaderFeatures",
                "LoaderEntries", "LoaderEntrySelected", "LoaderTimeInitUSec",
                "LoaderTimeExecUSec", "LoaderImageIdentifier", "LoaderSystemToken"):
        assert var in r["loader_vars"].split(","), (var, r["loader_vars"])


def test_more_than_64_entries(tmp_path):
    """70 entries, and the default is the file written last: nothing is dropped in
    directory order any more."""
    files = {"/loader/entries/e-%03d.conf" % i: entry("e%d" % i) for i in range(70)}
    files["/loader/entries/zz-last.conf"] = entry("last")
    files["/loader/loader.conf"] = "timeout 0\ndefault zz-last.conf\n"
    b = boot_report(make_esp(tmp_path, files))
    assert b.report["loader_entry"] == "zz-last.conf", b.log[-3000:]
    assert len(b.report["loader_entries"].split()) == 72, b.report


def test_oneshot_beats_default_and_is_used_once(tmp_path):
    """What `bootctl set-oneshot alt.conf` and `bootctl set-default debian.conf` leave: alt
    boots, and Linux no longer sees LoaderEntryOneShot (kaslboot deleted it)."""
    esp = make_esp(tmp_path, {"/loader/entries/alt.conf": entry("alt")})
    b = boot_report(esp, loader_vars={"LoaderEntryOneShot": "alt.conf",
                                      "LoaderEntryDefault": "debian.conf"})
    assert b.report["loader_entry"] == "alt.conf", b.log[-3000:]
    assert "LoaderEntryOneShot" not in b.report["loader_vars"], b.report
    assert "LoaderEntryDefault" in b.report["loader_vars"], b.report
    b = boot_report(esp, loader_vars={"LoaderEntryDefault": "alt.conf"})
    assert b.report["loader_entry"] == "alt.conf", b.log[-3000:]


def test_timeout_oneshot_shows_the_menu_once(tmp_path):
    """`systemctl reboot --boot-loader-menu=2`: the menu with a 2 s countdown, then the
    default; the variable is gone."""
    b = boot_report(make_esp(tmp_path), loader_vars={"LoaderConfigTimeoutOneShot": "2"})
    assert "booting the default in 2 s" in b.log, b.log[-3000:]
    assert "LoaderConfigTimeoutOneShot" not in b.report["loader_vars"], b.report


def esp_names(img):
    out = subprocess.run(["mdir", "-b", "-i", img, "::/loader/entries"], env=MTOOLS_ENV,
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    return sorted(l.rsplit("/", 1)[-1] for l in out.split())


def test_boot_counting_renames_the_entry(tmp_path):
    """debian+3-0.conf: renamed to debian+2-1.conf on the ESP before Linux runs, Linux is
    told the new path (LoaderBootCountPath, for systemd-bless-boot) and the id stays."""
    esp = make_esp(tmp_path, {"/loader/entries/debian+3-0.conf": DEMO},
                   delete=["/loader/entries/debian.conf"])
    b = boot_report(esp, writable=True)
    assert b.report["loader_entry"] == "debian.conf", b.report
    assert b.report["loader_count_path"] == "\\loader\\entries\\debian+2-1.conf", b.report
    assert esp_names(esp) == ["debian+2-1.conf"], esp_names(esp)
    boot_report(esp, writable=True)
    assert esp_names(esp) == ["debian+1-2.conf"], esp_names(esp)


def test_bad_entry_is_not_the_default(tmp_path):
    """An entry at +0 (its tries used up) sorts last and is not the default while a good
    one exists, even when loader.conf names it."""
    esp = make_esp(tmp_path, {"/loader/entries/zzz+0-3.conf": entry("bad"),
                              "/loader/loader.conf": "timeout 0\ndefault zzz*\n"})
    b = boot_report(esp)
    assert b.report["loader_entry"] == "debian.conf", b.report
    assert "default 'zzz*' matches no bootable entry with tries left" in b.log


def test_esp_that_refuses_writes(tmp_path):
    """A write-protected ESP: the seed file and the boot counter cannot be written; one
    warning each, and Linux boots."""
    esp = make_esp(tmp_path, {"/loader/entries/debian+3-0.conf": DEMO},
                   delete=["/loader/entries/debian.conf"])
    b = boot_report(esp, readonly=True)
    warnings = [l for l in b.log.splitlines() if l.startswith("kaslboot: warning: ")]
    assert any("cannot count this boot" in l for l in warnings), warnings
    assert any("random-seed" in l for l in warnings), warnings
    assert b.report["kaslr"] == "KASLR enabled", b.report


def test_nvram_that_is_full(tmp_path):
    """Issue 23: NVRAM with no room left. A first boot lets the firmware and kaslboot
    write what they write; the store is then rewritten with every variable kept but
    LoaderSystemToken, and filled with live filler variables to under 64 free bytes (no
    reclaim can make room: scripts/mkvars.py --fill). The next boot cannot store a new
    token: one warning, and Linux boots with its KASLR and seeds. (A store filled before the
    firmware's first boot says nothing of kaslboot: AAVMF cannot store its own console
    variables then, and nothing reaches the serial port.)"""
    esp = make_esp(tmp_path)
    nvram = str(tmp_path / "vars.fd")
    first = boot_report(esp, rng=True, writable=True, vars=nvram)
    assert "LoaderSystemToken" in first.report["loader_vars"], first.report
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mkvars.py"), nvram,
                    "--fill", "64", "--drop", "LoaderSystemToken"], check=True)
    b = boot_report(esp, rng=True, writable=True, vars=nvram)
    warnings = [l for l in b.log.splitlines() if l.startswith("kaslboot: warning: ")]
    assert warnings == ["kaslboot: warning: LoaderSystemToken: cannot be stored in NVRAM: "
                        "cloned disks will share seeds"], b.log[-4000:]
    assert b.report["kaslr"] == "KASLR enabled", b.report
    assert "LoaderSystemToken" not in b.report["loader_vars"], b.report
    assert "LoaderRandomSeed" in b.report["loader_vars"], b.report


def test_bad_variables(tmp_path):
    """A one-shot naming no entry, a timeout that is no number, a default that is not
    UTF-16: one line each, and the default entry boots."""
    b = boot_report(make_esp(tmp_path), loader_vars={
        "LoaderEntryOneShot": "missing.conf", "LoaderConfigTimeout": "soon",
        "LoaderEntryDefault": "hex:616263"})
    assert b.report["loader_entry"] == "debian.conf", b.report
    assert "LoaderEntryOneShot names entry 'missing.conf', which is not a bootable entry" in b.log
    assert "LoaderConfigTimeout: 'soon' is not a number of seconds" in b.log
    assert "LoaderEntryDefault: 3 bytes, not a NUL-terminated UTF-16 string: ignored" in b.log
    assert "LoaderEntryOneShot" not in b.report["loader_vars"], b.report
