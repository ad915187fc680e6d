# SPDX-License-Identifier: BSD-2-Clause
"""Issue 19 point 4: Secure Boot (Debian's snakeoil-key AAVMF) and a software TPM (swtpm)
in one boot. The firmware's LoadImage verifies the signed kernel and, being edk2 with a
TPM, measures it into PCR 4 itself; kaslboot must then add no second event for the same
image. Linux's event log has exactly one PCR 4 event with the kernel's Authenticode digest,
naming the kernel's file (LoadImage got its device path), and replays to the TPM's PCR 4.
The log, its replay and the digest are test_tpm's, computed from the specifications."""
from kaslboot_qemu import REPORT_END, boot, snakeoil_sign, KERNEL
from test_secure_boot import signed_esp
from test_tpm import (EV_EFI_BOOT_SERVICES_APPLICATION, PCRS, authenticode, event_log,
                      parse_log, pcr_from_report, replay)


def test_signed_kernel_one_pcr4_event_replays(tmp_path):
    kernel = open(snakeoil_sign(tmp_path, KERNEL, "Image"), "rb").read()
    esp = signed_esp(tmp_path, {"/Image": kernel})
    b = boot(esp, secure_boot=True, tpm=True, cpu="cortex-a72", until=REPORT_END)
    assert b.report, "no report from the initramfs:\n" + b.log[-4000:]
    assert "kaslboot: /Image: signature accepted by the firmware (Secure Boot)" in b.log
    assert b.report["secureboot"] == "enabled"
    assert not b.lines("kaslboot: warning: ")
    _, events = parse_log(event_log(b))
    for bank in ("sha256", "sha1"):
        digest = authenticode(kernel, bank)
        ours = [(t, data) for p, t, d, data in events if p == 4 and d[bank] == digest]
        assert len(ours) == 1, (bank, len(ours))
        typ, data = ours[0]
        assert typ == EV_EFI_BOOT_SERVICES_APPLICATION
        # UEFI_IMAGE_LOAD_EVENT: 4 u64s, then the device path: the file's, \Image.
        assert "\\Image".encode("utf-16-le") in data[32:], data[32:]
        # The whole log replays: the verification's early GetEventLog (which starts the
        # final-events table) costs Linux no duplicated event in any PCR.
        pcrs = replay(events, bank)
        for pcr in PCRS:
            assert pcrs[pcr] == pcr_from_report(b.report, bank, pcr), (bank, pcr)
    # PCR 4 holds kaslboot itself and the kernel: two applications, no third.
    apps = [p for p, t, _, _ in events if p == 4 and t == EV_EFI_BOOT_SERVICES_APPLICATION]
    assert len(apps) == 2, len(apps)
