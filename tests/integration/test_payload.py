# SPDX-License-Identifier: BSD-2-Clause
"""Issue 5, the MMU-on payload handoff: kaslboot boots the probe kernel
(build/payload/probe.elf, tests/payload/) at a random physical and virtual base with the MMU
on, and the probe checks every promise of docs/protocol.md from the inside, then reports one
`PROBE:` line and powers off. Bad payloads are refused before ExitBootServices."""
import os
import re
import struct

import pytest

from kaslboot_qemu import BUILD, boot, make_esp
from test_bad_input import MARKER, boot_bad, errors

PROBE_ELF = os.path.join(BUILD, "payload", "probe.elf")
ENTRY = "title probe\nlinux /probe.elf\nkaslboot-payload mmu-on\noptions probe-test\n"
CONF = "default probe\ntimeout 0\nkaslr on\nlog debug\n"
UNTIL = r"PROBE: (result=.*failed=.*|exception.*)\n"
# What tests/payload/probe.c checks (its `failed=` vocabulary).
PROBE_CHECKS = 19

# The entropy at info, the bases on a debug line of their own (CONF says `log debug`).
LAYOUT_RE = (r"^kaslboot: mmu-on: kaslr: (?P<mode>.*?); entropy: (?P<sources>\S+); "
             r"virtual (?P<vslots>\d+) slots \((?P<vbits>\d+) bits\), "
             r"physical (?P<pslots>\d+) slots \((?P<pbits>\d+) bits\), "
             r"linear (?P<lbits>\d+) bits, EL(?P<el>\d)\n"
             r"kaslboot: mmu-on: layout: virtual base (?P<virt>0x[0-9a-f]+), "
             r"physical base (?P<phys>0x[0-9a-f]+), linear offset (?P<linear>0x[0-9a-f]+)$")
PROBE_RE = (r"PROBE: result=(?P<result>\w+) el=(?P<el>\d+) virt=(?P<virt>0x[0-9a-f]+) "
            r"phys=(?P<phys>0x[0-9a-f]+) linear=(?P<linear>0x[0-9a-f]+) "
            r"checks=(?P<passed>\d+)/(?P<total>\d+) failed=(?P<failed>\S*)")


def probe_esp(tmp_path, conf=CONF, name="esp.img"):
    return make_esp(tmp_path, {"/probe.elf": open(PROBE_ELF, "rb").read(),
                               "/loader/entries/probe.conf": ENTRY,
                               "/loader/loader.conf": conf}, name=name)


def boot_probe(esp, **kw):
    """One boot; returns (what kaslboot logged, what the probe reported), both checked."""
    b = boot(esp, until=UNTIL, timeout=60, **kw)
    lay = b.find(LAYOUT_RE)
    rep = b.find(PROBE_RE)
    assert lay, "kaslboot logged no mmu-on layout line:\n" + b.log[-3000:]
    assert rep, "the probe did not report:\n" + b.log[-3000:]
    lay = {k: (int(v, 0) if re.fullmatch(r"0x[0-9a-f]+|\d+", v) else v)
           for k, v in lay.groupdict().items()}
    rep = {k: (int(v, 0) if re.fullmatch(r"0x[0-9a-f]+|\d+", v) else v)
           for k, v in rep.groupdict().items()}
    fails = re.findall(r"^probe: FAIL .*$", b.log, re.M)
    assert rep["result"] == "pass" and rep["failed"] == "", (rep, fails)
    assert rep["passed"] == rep["total"] == PROBE_CHECKS, rep
    assert rep["el"] == 1, rep
    # The probe's own PC and AT S1E1R of it are what kaslboot chose and logged.
    assert rep["virt"] == lay["virt"] and rep["phys"] == lay["phys"], (lay, rep)
    assert rep["linear"] == lay["linear"], (lay, rep)
    return lay, rep


@pytest.fixture(scope="module")
def esp(tmp_path_factory):
    return probe_esp(tmp_path_factory.mktemp("payload"))


def test_three_boots_el1_random_layout(esp):
    seen = [boot_probe(esp) for _ in range(3)]
    # 493 physical slots in 1 GiB: a repeat has odds ~3/493; one more boot settles it.
    if len({r["phys"] for _, r in seen}) < 3:
        seen.append(boot_probe(esp))
    for lay, _ in seen:
        assert lay["mode"] == "on" and lay["el"] == 1
        assert lay["vbits"] >= 25 and lay["lbits"] >= 25, lay   # protocol: >= 25 bits
        assert lay["virt"] % (2 << 20) == 0 and lay["phys"] % (2 << 20) == 0
        assert 0xFFFF900000000000 <= lay["virt"] < 0xFFFFE00000000000
    assert len({r["virt"] for _, r in seen}) == len(seen), seen
    assert len({r["phys"] for _, r in seen}) >= 3, seen
    assert len({r["linear"] for _, r in seen}) == len(seen), seen


def test_el2_firmware_enters_payload_at_el1(esp):
    lay, rep = boot_probe(esp, el2=True)
    assert lay["el"] == 2 and rep["el"] == 1


def test_fixed_seed_gives_same_layout(tmp_path):
    conf = CONF + "kaslr-seed 0x0123456789abcdef\n"
    esp = probe_esp(tmp_path, conf)
    a, _ = boot_probe(esp)
    b, _ = boot_probe(esp)
    keys = ("virt", "phys", "linear")
    assert {k: a[k] for k in keys} == {k: b[k] for k in keys}, (a, b)


def test_kaslr_off_is_lowest_layout(tmp_path):
    esp = probe_esp(tmp_path, CONF.replace("kaslr on", "kaslr off"))
    lay, _ = boot_probe(esp)
    assert lay["mode"] == "off (loader.conf)"
    # The lowest virtual slot, and RAM's first 2 MiB block (QEMU virt: RAM at 1 GiB) at the
    # bottom of the linear window.
    assert lay["virt"] == 0xFFFF900000000000
    assert lay["linear"] == 0xFFFF000000000000 - 0x40000000


def elf_phdrs(data):
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    return [(phoff + i * phentsize,) + struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
            for i in range(phnum)]   # (at, p_type, p_flags, offset, vaddr, paddr, filesz, memsz, align)


PT_LOAD, PT_DYNAMIC, PF_W, PF_X, DT_RELA, EM_X86_64 = 1, 2, 2, 1, 7, 62


def vaddr_to_offset(phdrs, va):
    for _, t, _, off, vaddr, _, filesz, _, _ in phdrs:
        if t == PT_LOAD and vaddr <= va < vaddr + filesz:
            return off + va - vaddr
    raise AssertionError("vaddr 0x%x not file-backed" % va)


def bad_payloads():
    good = open(PROBE_ELF, "rb").read()
    ph = elf_phdrs(good)
    loads = [p for p in ph if p[1] == PT_LOAD]
    out = {}
    last = loads[-1]
    out["truncated"] = good[: last[3] + last[6] // 2]         # inside the last PT_LOAD's bytes
    d = bytearray(good)
    struct.pack_into("<H", d, 18, EM_X86_64)                 # e_machine
    out["machine"] = bytes(d)
    d = bytearray(good)
    text = next(p for p in loads if p[2] & PF_X)
    struct.pack_into("<I", d, text[0] + 4, text[2] | PF_W)   # p_flags R|W|X
    out["wx"] = bytes(d)
    d = bytearray(good)
    dyn = next(p for p in ph if p[1] == PT_DYNAMIC)
    rela = None
    for off in range(dyn[3], dyn[3] + dyn[6], 16):
        tag, val = struct.unpack_from("<qQ", good, off)
        if tag == DT_RELA:
            rela = vaddr_to_offset(ph, val)
    assert rela is not None, "the probe has no DT_RELA"
    struct.pack_into("<Q", d, rela, 0x40000000)               # r_offset of entry 0: 1 GiB out
    out["reloc"] = bytes(d)
    d = bytearray(good)
    for p in loads:
        struct.pack_into("<I", d, p[0], 0)                    # PT_LOAD -> PT_NULL
    out["noload"] = bytes(d)
    return out


# After "kaslboot: error: /<name>.elf: " (the one line names the file and the fault).
EXPECT = {
    "truncated": r"program header \d+: file range .* runs past the",
    "machine": r"e_machine is 62, need EM_AARCH64 \(183\)",
    "wx": r"program header \d+ \(PT_LOAD at vaddr 0x0\) is both",
    "reloc": r"RELA entry 0 targets 0x40000000, outside every PT_LOAD",
    "noload": r"no PT_LOAD segment",
}


def test_bad_payloads_refused_before_exit(tmp_path):
    # All five as entries of one ESP: kaslboot tries each in turn (fallbacks), refuses each
    # with its own error line, then returns to the firmware, which runs its next option.
    files = {"/loader/loader.conf": "timeout 0\nlog info\n"}
    for name, blob in bad_payloads().items():
        files["/%s.elf" % name] = blob
        files["/loader/entries/%s.conf" % name] = \
            "title %s\nlinux /%s.elf\nkaslboot-payload mmu-on\n" % (name, name)
    esp = make_esp(tmp_path, files, delete=["/loader/entries/debian.conf"])
    log = boot_bad(esp, entry="")  # no load options: every entry is tried
    errs = errors(log)
    for name, pattern in EXPECT.items():
        at = log.find("entry '%s': %s (MMU-on payload)" % (name, name))
        assert at >= 0, "entry %s was not tried:\n%s" % (name, log[-3000:])
        part = log[at:].split("kaslboot: entry '%s' failed:" % name)[0]
        assert re.search(r"^kaslboot: error: /%s\.elf: " % name + pattern, part, re.M), (name, part)
    assert not any("ExitBootServices" in l for l in errs), errs
    assert "PROBE:" not in log and MARKER not in log.split("nothing booted")[0]
