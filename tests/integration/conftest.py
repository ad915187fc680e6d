import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kaslboot_qemu  # noqa: E402


@pytest.fixture(scope="session")
def demo_esp():
    if not os.path.exists(kaslboot_qemu.ESP):
        pytest.fail("build/esp.img missing: run the tests through `make check`")
    return kaslboot_qemu.ESP
