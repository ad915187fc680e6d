# SPDX-License-Identifier: BSD-2-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kaslboot_qemu  # noqa: E402


def pytest_configure(config):
    # `make check` runs everything once, slow tests included; a quick local run can leave
    # them out with PYTEST_ARGS='-m "not slow"'.
    config.addinivalue_line("markers", "slow: a test that takes minutes (the 5-minute "
                            "watchdog); deselect with -m 'not slow'")


@pytest.fixture(scope="session")
def demo_esp():
    if not os.path.exists(kaslboot_qemu.ESP):
        pytest.fail("build/esp.img missing: run the tests through `make check`")
    return kaslboot_qemu.ESP


@pytest.fixture(scope="session")
def debug_esp(demo_esp, tmp_path_factory):
    """The demo ESP at `log debug`, where kaslboot prints the kernel's base (issue 19)."""
    return kaslboot_qemu.make_esp(tmp_path_factory.mktemp("debug-esp"),
                                  {"/loader/loader.conf": kaslboot_qemu.DEBUG_CONF})
