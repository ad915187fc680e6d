"""loader.conf `timeout`: the boot menu lists the entries, counts down to the default, and
a digit typed on the serial console boots another entry. The boots stop at kaslboot's
'booting' line: what is tested is the choice, not Linux."""
from kaslboot_qemu import boot, make_esp

ENTRIES = {
    "/loader/loader.conf": "default alpha\ntimeout 2\n",
    "/loader/entries/alpha.conf": "title Alpha\nlinux /Image\noptions console=ttyAMA0\n",
    "/loader/entries/beta.conf": "title Beta\nlinux /Image\noptions console=ttyAMA0\n",
}
BOOTING = r"kaslboot: booting /Image"


def menu_esp(tmp_path):
    return make_esp(tmp_path, ENTRIES, delete=["/loader/entries/debian.conf"])


def test_countdown_boots_the_default(tmp_path):
    b = boot(menu_esp(tmp_path), until=BOOTING, timeout=60)
    assert b.rc == 0, b.log[-2000:]
    assert "kaslboot:   1) Alpha (default)" in b.log
    assert "kaslboot:   2) Beta" in b.log
    assert "kaslboot: booting the default in 2 s" in b.log
    assert "kaslboot: booting the default in 1 s" in b.log
    assert "kaslboot: menu: booting 'alpha'" in b.log
    assert "kaslboot: entry 'alpha'" in b.log


def test_digit_chooses_another_entry(tmp_path):
    b = boot(menu_esp(tmp_path), until=BOOTING, timeout=60,
             send=[r"booting the default in 2 s=2"])
    assert b.rc == 0, b.log[-2000:]
    assert "kaslboot: menu: booting 'beta'" in b.log
    assert "kaslboot: entry 'beta'" in b.log
    assert "booting the default in 1 s" not in b.log
