# SPDX-License-Identifier: BSD-2-Clause
"""Issue 3, on the CPU: with `selftest mm` in loader.conf, kaslboot builds an init table
set with a fixmap holding the firmware's DT, installs it in TTBR1_EL1, checks live
translations with AT S1E1R/S1E1W + PAR_EL1 against its software walker, reads
/chosen/kaslr-seed through the fixmap, restores the firmware's registers and goes on to
boot Linux (which proves the restore: the firmware keeps working)."""
import re

import pytest

from kaslboot_qemu import REPORT_END, boot, make_esp

LINE = re.compile(r"^kaslboot: mm-selftest: el=(\d) at-checks=(\d+)/(\d+) fixmap-dt=(\w+) "
                  r"kaslr-seed=(\w+) result=(\w+)$", re.M)


def selftest_esp(tmp_path):
    conf = "default debian\ntimeout 0\nkaslr on\nlog info\nselftest mm\n"
    return make_esp(tmp_path, {"/loader/loader.conf": conf})


@pytest.mark.parametrize("el2", [False, True], ids=["el1", "el2"])
def test_mm_selftest_on_cpu(tmp_path, el2):
    b = boot(selftest_esp(tmp_path), el2=el2, until=REPORT_END)
    m = LINE.search(b.log)
    assert m, "no mm-selftest line:\n" + b.log[-3000:]
    el, ok, total, dt, seed, result = m.groups()
    assert el == ("2" if el2 else "1")
    assert int(total) >= 20 and ok == total, m.group(0)
    assert dt == "ok" and seed == "match" and result == "pass", m.group(0)
    # The firmware's translation regime survived: the boot went on into Linux.
    assert "Booting Linux" in b.log or b.report, b.log[-3000:]
