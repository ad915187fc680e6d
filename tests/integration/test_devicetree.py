# SPDX-License-Identifier: BSD-2-Clause
"""Where the kernel's devicetree comes from, under AAVMF (QEMU's own DT is the firmware's):
`devicetree-overlay` files applied in order, a corrupt one failing its entry over to the
next; a `devicetree` directory of <vendor>/<board>.dtb files, matched against the firmware
DT's compatible ("linux,dummy-virt"), or not matched at all. U-Boot's fixups of a
`devicetree` file: test_uboot.py; Secure Boot skipping both: test_secure_boot.py."""
import subprocess

from kaslboot_qemu import NO_RNDR, boot_report, make_esp

ENTRY = "linux /Image\ninitrd /initrd.img\noptions console=ttyAMA0 panic=-1\n"

OVERLAY = """/dts-v1/;
/plugin/;

&{/} {
	model = "%s";

	%s {
		compatible = "kaslboot,test";
	};
};
"""


def dtbo(tmp_path, name, model, node):
    src = tmp_path / (name + ".dtso")
    src.write_text(OVERLAY % (model, node))
    return subprocess.run(["dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", "-", str(src)],
                          check=True, stdout=subprocess.PIPE).stdout


def virt_dtb(tmp_path, model):
    """QEMU virt's own DT for the machine boot_report starts, with another model."""
    dtb = tmp_path / "virt.dtb"
    subprocess.run(["qemu-system-aarch64", "-M", "virt,acpi=off,dumpdtb=" + str(dtb),
                    "-cpu", NO_RNDR, "-m", "1G", "-display", "none", "-nic", "none"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["fdtput", "-t", "s", str(dtb), "/", "model", model], check=True)
    return dtb.read_bytes()


def problems(b):
    return [l for l in b.lines() if l.startswith(("warning: ", "error: "))]


def test_overlays_in_order_and_a_corrupt_one_fails_over(tmp_path):
    """Entry a's second overlay is cut short: a fails naming it, b boots with its two
    overlays applied in order to the firmware's DT (the second's model wins, both nodes)."""
    one = dtbo(tmp_path, "one", "kaslboot overlay one", "kaslboot-overlay-one")
    two = dtbo(tmp_path, "two", "kaslboot overlay two", "kaslboot-overlay-two")
    esp = make_esp(tmp_path, {
        "/o1.dtbo": one, "/o2.dtbo": two, "/corrupt.dtbo": two[:len(two) - 24],
        "/loader/loader.conf": "default a-corrupt\ntimeout 0\n",
        "/loader/entries/a-corrupt.conf": ENTRY + "devicetree-overlay /o1.dtbo /corrupt.dtbo\n",
        "/loader/entries/b-overlays.conf": ENTRY + "devicetree-overlay /o1.dtbo /o2.dtbo\n",
    }, delete=["/loader/entries/debian.conf"])
    b = boot_report(esp)
    assert "kaslboot: error: entry 'a-corrupt': devicetree overlay /corrupt.dtbo not applied" \
        in b.log, b.log[-4000:]
    assert "falling back to entry 'b-overlays'" in b.log, b.log[-4000:]
    assert b.report["loader_entry"] == "b-overlays.conf", b.report
    assert b.report["model"] == "kaslboot overlay two", b.report
    nodes = b.report["dt_root"].split()
    assert "kaslboot-overlay-one" in nodes and "kaslboot-overlay-two" in nodes, nodes
    assert "psci" in nodes and "chosen" in nodes, nodes    # the firmware's DT under them


def test_devicetree_directory_picks_the_board(tmp_path):
    """`devicetree /dtbs`: of two boards' files, the one QEMU virt's compatible names."""
    esp = make_esp(tmp_path, {
        "/dtbs/acme/board1.dtb": virt_dtb(tmp_path, "kaslboot wrong board"),
        "/dtbs/linux/dummy-virt.dtb": virt_dtb(tmp_path, "kaslboot matched board"),
        "/loader/entries/debian.conf": ENTRY + "devicetree /dtbs\n",
    })
    b = boot_report(esp)
    assert 'kaslboot: devicetree /dtbs/linux/dummy-virt.dtb: matches the firmware\'s ' \
           'compatible "linux,dummy-virt"' in b.log, b.log[-4000:]
    assert b.report["model"] == "kaslboot matched board", b.report
    assert not problems(b), problems(b)


def test_devicetree_directory_without_a_match(tmp_path):
    """No file for this board: the firmware's DT, and one line that says so."""
    esp = make_esp(tmp_path, {
        "/dtbs/acme/board1.dtb": virt_dtb(tmp_path, "kaslboot wrong board"),
        "/loader/entries/debian.conf": ENTRY + "devicetree /dtbs\n",
    })
    b = boot_report(esp)
    assert "kaslboot: devicetree /dtbs: no file for this board (FdtFile, compatible): the " \
           "firmware's devicetree" in b.log, b.log[-4000:]
    assert b.report["model"] == "linux,dummy-virt", b.report   # QEMU's own
    assert not problems(b), problems(b)
