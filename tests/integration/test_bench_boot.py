# SPDX-License-Identifier: BSD-2-Clause
"""scripts/bench-boot.py's timing, without QEMU: serial chunks become lines timed by their
first byte, output is cut where it pauses, and a boot's numbers come from its markers."""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "bench_boot", os.path.join(HERE, "..", "..", "scripts", "bench-boot.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_a_line_is_timed_by_its_first_byte():
    lines = bench.timed_lines([(1.000, b"kaslboot: one"), (1.001, b" line\r\nkaslb"),
                               (1.002, b"oot: two\r\n")])
    assert lines == [(1.000, "kaslboot: one line"), (1.001, "kaslboot: two")]


def test_output_is_cut_where_it_pauses():
    # The firmware clears the screen long before its boot manager's line, on the same line.
    lines = bench.timed_lines([(0.5, b"\x1b[2J\x1b[01;01H"), (2.0, b"BdsDxe: loading Boot0000 "
                                                               b"\"x\" from \\A\r\n")])
    assert lines == [(2.0, "BdsDxe: loading Boot0000 \"x\" from \\A")]


def test_a_boot_from_its_markers():
    chunks = [(10.000, b"BdsDxe: loading Boot0000 \"kaslboot\" from \\EFI\\BOOT\\BOOTAA64.EFI\r\n"),
              (10.006, b"kaslboot: kaslboot v1\r\n"),
              (10.050, b"kaslboot: phases (ms): start 1.5, config 2.0, kernel 30.1, initrd 2.2; "
                       b"reads 32.3, other 3.5 (10.8% of reads); firmware before kaslboot 900.0\r\n"),
              (10.160, b"[    0.000000] Booting Linux on physical CPU 0x0\r\n")]
    b = bench.Boot("kaslboot", bench.timed_lines(chunks), 0)
    assert round(b.total_ms(), 3) == 160.0
    assert round(b.tail_ms(), 3) == 110.0
    p = b.phases()
    assert p["start"] == 1.5 and p["kernel"] == 30.1 and p["initrd"] == 2.2
    assert p["reads"] == 32.3 and p["other"] == 3.5 and p["other % of reads"] == 10.8


def test_a_boot_without_the_kernel_has_no_time():
    b = bench.Boot("stub", bench.timed_lines([(1.0, b"BdsDxe: loading Boot0000 \"l\"\r\n")]), 1)
    assert b.total_ms() is None


def test_summary_ratios_by_median_and_by_fastest_boot():
    med, fastest, ratios = bench.summary({"kaslboot": [120.0, 230.0, 125.0],
                                          "stub": [140.0, 150.0, 210.0]})
    assert med == {"kaslboot": 125.0, "stub": 150.0}
    assert fastest == {"kaslboot": 120.0, "stub": 140.0}
    assert list(ratios) == ["kaslboot"]
    assert round(ratios["kaslboot"][0], 4) == round(125 / 150, 4)
    assert round(ratios["kaslboot"][1], 4) == round(120 / 140, 4)
