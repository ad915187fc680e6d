# SPDX-License-Identifier: BSD-2-Clause
"""Issue 14: measured boot. Three boots of Debian's kernel: with a software TPM (swtpm),
whose event log Linux must show and whose PCRs must be what replaying that log gives and
what systemd-boot 252 plus the kernel's EFI stub would leave for the same files; with a TPM
that stops answering once kaslboot started (one warning, the boot goes on); and without
one (nothing changes). The event log's format (TCG PC Client Platform Firmware Profile:
TCG_PCR_EVENT, TCG_EfiSpecIDEvent, TCG_PCR_EVENT2) and the PE Authenticode digest are
parsed and computed here from the specifications, independently of kaslboot."""
import base64
import hashlib
import os
import re
import struct

import pytest

from kaslboot_qemu import BUILD, KERNEL, REPORT_END, boot, dump_dtb, make_cpio, make_esp

# TPM_ALG_ID (TPM 2.0 Library, Part 2) of the banks the test replays.
ALGS = {0x0004: "sha1", 0x000B: "sha256", 0x000C: "sha384", 0x000D: "sha512"}
# Event types (PC Client PFP, "Event Types").
EV_NO_ACTION = 0x3
EV_EVENT_TAG = 0x6
EV_IPL = 0xD
EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003
EV_EFI_ACTION = 0x80000007
# Tagged-event ids: the kernel's stub (libstub/efistub.h) and systemd's (src/boot/measure.h).
TAG_LINUX_INITRD = 0x8F3B22EC
TAG_LOAD_OPTIONS = 0x8F3B22ED
TAG_LOADER_CONF = 0xF5BC582A
# EFI_TCG2_BOOT_HASH_ALG_* of LoaderTpm2ActivePcrBanks.
BANK_BITS = {"sha1": 0x1, "sha256": 0x2, "sha384": 0x4, "sha512": 0x8}
PCRS = (1, 4, 5, 9, 12)

LOADER_CONF = "default measured\ntimeout 0\nkaslr on\nlog info\n"
CMDLINE = "console=ttyAMA0 kaslboot.test=measured-boot"


def event_log(b):
    """binary_bios_measurements as the initramfs printed it (base64, between markers)."""
    m = re.search(r"KASLBOOT-TPMLOG-BEGIN\n(.*?)KASLBOOT-TPMLOG-END", b.log, re.S)
    assert m, "no event log in the output:\n" + b.log[-3000:]
    lines = [l for l in m.group(1).splitlines() if re.fullmatch(r"[A-Za-z0-9+/=]+", l)]
    return base64.b64decode("".join(lines))


def parse_log(data):
    """(digest sizes, events): the Spec ID event (a TCG_PCR_EVENT in the SHA-1 layout) says
    which digests each TCG_PCR_EVENT2 carries; each event is (pcr, type, {bank: digest},
    event data)."""
    pcr, typ = struct.unpack_from("<II", data, 0)
    (size,) = struct.unpack_from("<I", data, 28)
    spec = data[32:32 + size]
    assert typ == EV_NO_ACTION and spec[:16] == b"Spec ID Event03\0", spec[:16]
    (n,) = struct.unpack_from("<I", spec, 24)
    sizes = dict(struct.unpack_from("<HH", spec, 28 + 4 * i) for i in range(n))
    off, events = 32 + size, []
    while off < len(data):
        pcr, typ, count = struct.unpack_from("<III", data, off)
        off += 12
        digests = {}
        for _ in range(count):
            (alg,) = struct.unpack_from("<H", data, off)
            digests[ALGS.get(alg, alg)] = data[off + 2:off + 2 + sizes[alg]]
            off += 2 + sizes[alg]
        (esize,) = struct.unpack_from("<I", data, off)
        events.append((pcr, typ, digests, data[off + 4:off + 4 + esize]))
        off += 4 + esize
    assert off == len(data), "trailing bytes in the event log"
    return sizes, events


def replay(events, bank):
    """PCR values from the log: extend = H(old || digest), EV_NO_ACTION extends nothing."""
    zero = bytes(hashlib.new(bank).digest_size)
    pcrs = {}
    for pcr, typ, digests, _ in events:
        if typ != EV_NO_ACTION:
            pcrs[pcr] = hashlib.new(bank, pcrs.get(pcr, zero) + digests[bank]).digest()
    return pcrs


def extend_chain(bank, *measured):
    """A PCR that starts at zero, extended with the digests of these byte strings."""
    value = bytes(hashlib.new(bank).digest_size)
    for data in measured:
        value = hashlib.new(bank, value + hashlib.new(bank, data).digest()).digest()
    return value


def authenticode(data, bank):
    """The PE's Authenticode digest (Microsoft PE/COFF spec, "Calculating the PE Image
    Hash"): the headers without CheckSum and the Certificate Table entry, the sections in
    file order, then what follows them except the certificates."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    nsec, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
    opt = pe + 24
    pe32plus = struct.unpack_from("<H", data, opt)[0] == 0x20B
    checksum = opt + 64
    cert_entry = opt + (112 if pe32plus else 96) + 8 * 4
    headers = struct.unpack_from("<I", data, opt + 60)[0]
    cert_size = struct.unpack_from("<II", data, cert_entry)[1]
    h = hashlib.new(bank)
    h.update(data[:checksum])
    h.update(data[checksum + 4:cert_entry])
    h.update(data[cert_entry + 8:headers])
    hashed = headers
    sections = []
    for i in range(nsec):
        raw_size, raw_ptr = struct.unpack_from("<II", data, opt + opt_size + 40 * i + 16)
        if raw_size:
            sections.append((raw_ptr, raw_size))
    for ptr, size in sorted(sections):
        h.update(data[ptr:ptr + size])
        hashed += size
    if len(data) > hashed + cert_size:
        h.update(data[hashed:len(data) - cert_size])
    return h.digest()


def utf16z(text):
    return text.encode("utf-16-le") + b"\0\0"


def tagged(tag, data):
    """TCG_PCClientTaggedEvent: u32 id, u32 size, the data."""
    return struct.pack("<II", tag, len(data)) + data


def pcr_from_report(report, bank, pcr):
    return bytes.fromhex(report["pcr_%s_%d" % (bank, pcr)])


@pytest.fixture(scope="module")
def measured(tmp_path_factory, demo_esp):
    """A boot with a TPM of every kind of thing kaslboot measures: loader.conf, a `devicetree`
    file (QEMU's own DT, TPM node included), the EFI-stub Image, a command line and two
    initrds, the first of a length that kaslboot pads and systemd-boot does not."""
    tmp = tmp_path_factory.mktemp("tpm")
    dtb = dump_dtb(tmp / "virt.dtb", tpm=True)
    initrd = open(os.path.join(BUILD, "initrd.img"), "rb").read()
    if len(initrd) % 4 == 0:
        initrd += b"\0"   # the kernel skips zeros between archives
    extra = open(make_cpio(tmp, {"initrd2-marker": "present-from-second-initrd"}), "rb").read()
    files = {
        "/loader/loader.conf": LOADER_CONF.encode(),
        "/initrd-odd.img": initrd,
        "/extra.cpio": extra,
        "/virt.dtb": dtb,
        "/loader/entries/measured.conf": (
            "title Measured\nlinux /Image\ninitrd /initrd-odd.img\ninitrd /extra.cpio\n"
            "devicetree /virt.dtb\noptions %s\n" % CMDLINE).encode(),
    }
    esp = make_esp(tmp, files, delete=["/loader/entries/debian.conf"])
    b = boot(esp, tpm=True, until=REPORT_END)
    assert b.report, "no report from the initramfs:\n" + b.log[-4000:]
    sizes, events = parse_log(event_log(b))
    return b, files, sizes, events


def test_linux_gets_the_event_log(measured):
    b, _, sizes, _ = measured
    assert b.report["tpm"] == "yes", b.report
    assert b.report["tpm_log"] == "yes", b.report
    assert "TPMEventLog=" in b.report["efi_tables"], b.report["efi_tables"]
    assert "TPMFinalLog=" in b.report["efi_tables"]
    assert "kaslboot: tpm: event log handed to Linux" in b.log
    assert not b.lines("kaslboot: warning: ")
    # The banks the firmware logs are the active ones, and the variable says which.
    banks = {ALGS[a] for a in sizes}
    assert {"sha1", "sha256"} <= banks
    assert b.report["loader_tpm_banks"] == "0x%08x" % sum(BANK_BITS[x] for x in banks)
    # Both initrds arrived (kaslboot's padding between them), the command line is ours.
    assert b.report["initrd2"] == "present-from-second-initrd"
    assert b.report["cmdline"] == CMDLINE


@pytest.mark.parametrize("bank", ["sha256", "sha1"])
def test_replaying_the_log_gives_the_pcrs(measured, bank):
    b, _, _, events = measured
    pcrs = replay(events, bank)
    for pcr in PCRS:
        assert pcrs[pcr] == pcr_from_report(b.report, bank, pcr), (bank, pcr)


@pytest.mark.parametrize("bank", ["sha256", "sha1"])
def test_pcr9_and_pcr12_as_systemd_boot_and_the_stub(measured, bank):
    """systemd-boot 252 measures the load options (UTF-16LE, NUL included) into PCR 12 as
    EV_IPL; the 6.1 stub measures the same LoadOptions, then the initrd it got through the
    LINUX_INITRD_MEDIA device path (systemd-boot's concatenation of the files, unpadded)
    into PCR 9. Predicted from the files alone."""
    b, files, _, _ = measured
    options = utf16z(CMDLINE)
    initrds = files["/initrd-odd.img"] + files["/extra.cpio"]
    assert pcr_from_report(b.report, bank, 12) == extend_chain(bank, options)
    assert pcr_from_report(b.report, bank, 9) == extend_chain(bank, options, initrds)


def test_pcr9_and_pcr12_events_as_the_peers_log_them(measured):
    _, _, _, events = measured
    options = utf16z(CMDLINE)
    pcr12 = [(t, d) for p, t, _, d in events if p == 12]
    pcr9 = [(t, d) for p, t, _, d in events if p == 9]
    assert pcr12 == [(EV_IPL, options)]
    assert pcr9 == [(EV_EVENT_TAG, tagged(TAG_LOAD_OPTIONS, b"LOADED_IMAGE::LoadOptions\0")),
                    (EV_EVENT_TAG, tagged(TAG_LINUX_INITRD, b"Linux initrd\0"))]


def test_kernel_in_pcr4_as_loadimage_would(measured):
    """The Image is an EFI-stub PE: the firmware's Authenticode digest of the file, as an
    EV_EFI_BOOT_SERVICES_APPLICATION after kaslboot's own."""
    _, _, _, events = measured
    image = open(KERNEL, "rb").read()
    apps = [(d, data) for p, t, d, data in events
            if p == 4 and t == EV_EFI_BOOT_SERVICES_APPLICATION]
    assert len(apps) == 2, apps   # kaslboot (by the firmware), then the kernel (by kaslboot)
    digests, data = apps[1]
    for bank in ("sha256", "sha1"):
        assert digests[bank] == authenticode(image, bank), bank
    # UEFI_IMAGE_LOAD_EVENT: location, length (the file's), link address, a device path
    # ending in the file's path.
    _location, length, _link, dp_len = struct.unpack_from("<QQQQ", data, 0)
    assert length == len(image)
    assert dp_len == len(data) - 32
    assert "\\Image".encode("utf-16-le") in data[32:]


def check_tagged_file_event(events, pcr, content, tag, description):
    """kaslboot's one tagged event in this PCR: the file's digests, its tag, its name."""
    ours = [(d, data) for p, t, d, data in events if p == pcr and t == EV_EVENT_TAG]
    assert len(ours) == 1, ours
    digests, data = ours[0]
    assert digests["sha256"] == hashlib.sha256(content).digest()
    assert digests["sha1"] == hashlib.sha1(content).digest()
    assert data == tagged(tag, utf16z(description))


def test_loader_conf_in_pcr5(measured):
    _, files, _, events = measured
    check_tagged_file_event(events, 5, files["/loader/loader.conf"], TAG_LOADER_CONF,
                            "loader.conf")
    # ExitBootServices comes after, from the final-events table Linux appended.
    actions = [data for p, t, _, data in events if p == 5 and t == EV_EFI_ACTION]
    assert b"Exit Boot Services Invocation" in actions


EV_POST_CODE = 0x1


def uboot_dtb_event(blob):
    """U-Boot's event for a DT (lib/efi_loader/efi_tcg2.c, efi_tcg2_measure_dtb): a
    UEFI_PLATFORM_FIRMWARE_BLOB2 with the description "DTB DATA" and its NUL, then the
    SHA-256 of the header, the structure and strings blocks and the reservations up to
    their empty entry."""
    off_struct, off_strings, off_rsv = struct.unpack_from(">III", blob, 8)
    size_strings, size_struct = struct.unpack_from(">II", blob, 32)
    rsv_end = off_rsv
    while struct.unpack_from(">QQ", blob, rsv_end)[1]:
        rsv_end += 16
    h = hashlib.sha256(blob[:40] + blob[off_struct:off_struct + size_struct] +
                       blob[off_strings:off_strings + size_strings] + blob[off_rsv:rsv_end + 16])
    return bytes([9]) + b"DTB DATA\0" + h.digest()


def test_devicetree_in_pcr1(measured):
    """The `devicetree` file as read, as U-Boot measures the DT it hands over."""
    _, files, _, events = measured
    ours = [(d, data) for p, t, d, data in events
            if p == 1 and t == EV_POST_CODE and data.startswith(b"\x09DTB DATA\0")]
    assert len(ours) == 1, ours
    digests, data = ours[0]
    assert data == uboot_dtb_event(files["/virt.dtb"])
    assert digests["sha256"] == hashlib.sha256(data).digest()
    assert digests["sha1"] == hashlib.sha1(data).digest()


def test_tpm_that_stops_answering_costs_one_warning(demo_esp):
    """swtpm is stopped right after kaslboot found the TPM: its first measurement fails,
    and each later one is still tried (issue 19: every event on its own)."""
    b = boot(demo_esp, tpm=True, tpm_kill=r"kaslboot: tpm: TPM 2\.0", until=REPORT_END)
    assert b.report, "no report from the initramfs:\n" + b.log[-4000:]
    warnings = b.lines("kaslboot: warning: ")
    assert len(warnings) == 1 and warnings[0].startswith("tpm: measuring "), warnings
    assert "the next measurements are still made" in warnings[0]
    assert not b.lines("kaslboot: error: ")
    assert b.report["loader_entry"] == "debian.conf"   # systemd-boot's id


def test_without_tpm_nothing_changes(demo_esp):
    b = boot(demo_esp, until=REPORT_END)
    assert b.report["tpm"] == "no"
    assert b.report["tpm_log"] == "no"
    assert "TPMEventLog" not in b.report["efi_tables"]
    assert b.report["loader_tpm_banks"] == "0x00000000"   # BOOT_LOADER_INTERFACE.md: 0
    assert not [l for l in b.lines() if l.startswith("tpm:")]
    assert not b.lines("kaslboot: warning: ")
