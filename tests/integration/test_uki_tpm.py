# SPDX-License-Identifier: BSD-2-Clause
"""Issue 21: what kaslboot does in systemd-stub's place for a UKI, seen from the booted
Linux. Under swtpm, a UKI built by Debian 13's ukify with a per-UKI addon, a credential
and a system extension in its .extra.d: PCR 11 is what `systemd-measure calculate`
(systemd 257) predicts for that UKI, PCRs 11, 12 and 13 are what systemd-boot 257 +
systemd-stub leave on the same ESP, the event log replays, the credential is at the stub's
path. Under Secure Boot (snakeoil keys): an unsigned UKI is refused and the next entry, a
signed UKI, boots; its unsigned addon is skipped, its signed one used. Three boots."""
import pathlib

import pytest

from kaslboot_qemu import BUILD, REPORT_END, boot, snakeoil_sign
from test_tpm import event_log, parse_log, replay
from test_uki import OPTIONS, demo_uki, trixie, uki_esp, ukify  # noqa: F401 (fixture)
from test_uki_pcr11 import predicted, sections_of, tools  # noqa: F401 (fixture)

EXTRA = "/EFI/Linux/debian.efi.extra.d"
CREDENTIAL = b"credential-from-extra-d"


@pytest.fixture(scope="module")
def uki_files(tmp_path_factory, trixie):
    tmp = tmp_path_factory.mktemp("uki-tpm")
    uki = demo_uki(trixie, tmp, "debian.efi", OPTIONS + " kaslboot.uki=tpm")
    addon = ukify(trixie, tmp, "a.addon.efi", ["--cmdline", "kaslboot.addon=1"], stub="addon")
    return tmp, {"/EFI/Linux/debian.efi": uki, EXTRA + "/a.addon.efi": addon,
                 EXTRA + "/kaslboot.cred": CREDENTIAL,
                 EXTRA + "/tools.sysext.raw": b"not a real image " * 64}


def measured_boot(tmp, files, name):
    b = boot(uki_esp(tmp, files, name=name), tpm=True, until=REPORT_END)
    assert b.report, "no report from the initramfs:\n" + b.log[-4000:]
    return b


@pytest.fixture(scope="module")
def kaslboot_boot(uki_files):
    tmp, files = uki_files
    return measured_boot(tmp, files, "kaslboot.img")


@pytest.fixture(scope="module")
def sdboot_boot(uki_files, trixie):
    tmp, files = uki_files
    files = dict(files, **{"/EFI/BOOT/BOOTAA64.EFI": pathlib.Path(trixie["sdboot"])})
    return measured_boot(tmp, files, "sdboot.img")


def pcr(b, n, bank="sha256"):
    return b.report["pcr_%s_%d" % (bank, n)].lower()


def test_uki_boot_gets_addon_credential_sysext(kaslboot_boot):
    r = kaslboot_boot.report
    assert "kaslboot.uki=tpm" in r["cmdline"] and r["cmdline"].endswith(" kaslboot.addon=1"), r
    assert r["credential"] == CREDENTIAL.decode(), r
    assert r["sysexts"].split() == ["tools.sysext.raw"], r
    assert r["stub_info"].startswith("kaslboot "), r
    assert r["stub_pcrs"] == "11,12,13", r
    assert "kaslboot: warning: " not in kaslboot_boot.log, kaslboot_boot.log[-3000:]


def test_pcr11_is_what_systemd_measure_predicts(kaslboot_boot, uki_files, tools, tmp_path):
    _, files = uki_files
    sections = sections_of(str(files["/EFI/Linux/debian.efi"]), tools["pypath"], str(tmp_path))
    assert pcr(kaslboot_boot, 11) == predicted(tools, sections).lower()


@pytest.mark.parametrize("n", [11, 12, 13])
def test_pcrs_as_systemd_boot_and_stub(kaslboot_boot, sdboot_boot, n):
    """The same UKI, addon, credential and sysext through systemd-boot 257 -> systemd-stub
    257 -> the kernel's stub: the same PCR 11, 12 and 13, in both banks."""
    s = sdboot_boot.report
    assert "kaslboot.addon=1" in s["cmdline"] and s["credential"] == CREDENTIAL.decode(), s
    for bank in ("sha256", "sha1"):
        assert pcr(kaslboot_boot, n, bank) == pcr(sdboot_boot, n, bank), (n, bank)


def test_event_log_replays(kaslboot_boot):
    _, events = parse_log(event_log(kaslboot_boot))
    for bank in ("sha256", "sha1"):
        pcrs = replay(events, bank)
        for n in (11, 12, 13):
            assert pcrs[n].hex() == pcr(kaslboot_boot, n, bank), (n, bank)


def test_secure_boot_uki_and_addons(tmp_path, trixie):
    """`default` names an unsigned UKI: refused in one line, and the signed one boots with
    its signed addon's command line; its unsigned addon is skipped with one warning."""
    def signed(path, name):
        return pathlib.Path(snakeoil_sign(tmp_path, str(path), name))

    uki = demo_uki(trixie, tmp_path, "debian.efi", OPTIONS + " kaslboot.sb=uki")
    good = ukify(trixie, tmp_path, "good.addon.efi", ["--cmdline", "kaslboot.addon=signed"],
                 stub="addon")
    bad = ukify(trixie, tmp_path, "bad.addon.efi", ["--cmdline", "kaslboot.addon=unsigned"],
                stub="addon")
    files = {"/EFI/BOOT/BOOTAA64.EFI": signed(pathlib.Path(BUILD) / "BOOTAA64.EFI", "loader"),
             "/EFI/Linux/unsigned.efi": uki,
             "/EFI/Linux/debian.efi": signed(uki, "uki"),
             EXTRA + "/good.addon.efi": signed(good, "good"),
             EXTRA + "/bad.addon.efi": bad,
             "/loader/loader.conf": "timeout 0\ndefault unsigned.efi\n"}
    b = boot(uki_esp(tmp_path, files), secure_boot=True, cpu="cortex-a72", until=REPORT_END)
    r = b.report
    assert r, b.log[-4000:]
    assert r["secureboot"] == "enabled", r
    assert "kaslboot: error: /EFI/Linux/unsigned.efi: the firmware refused its signature" in b.log
    assert "kaslboot: falling back to entry 'debian.efi'" in b.log, b.log[-3000:]
    assert r["loader_entry"] == "debian.efi", r
    assert "kaslboot.sb=uki" in r["cmdline"] and "kaslboot.addon=signed" in r["cmdline"], r
    assert "kaslboot.addon=unsigned" not in r["cmdline"], r
    assert ("kaslboot: warning: %s/bad.addon.efi: not signed with a key Secure Boot trusts: "
            "addon skipped" % EXTRA) in b.log, b.log[-3000:]
    # One line, not the firmware's refusal as an error before it.
    named = [line for line in b.log.splitlines() if "bad.addon.efi" in line]
    assert len(named) == 1, named

