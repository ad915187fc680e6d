/* SPDX-License-Identifier: BSD-2-Clause */
/* What kaslboot found on this machine, as one "found:" line at `log debug`: the firmware,
 * the CPU, the devicetree and its seeds, ACPI, the EFI RNG protocol, Secure Boot and the
 * memory (the first thing a bug report needs; tests/integration parse it). */
#ifndef KASLBOOT_LOADER_FIRMWARE_REPORT_H
#define KASLBOOT_LOADER_FIRMWARE_REPORT_H

#include "loader/platform.h"

/* Logs the line if debug output is on, and otherwise does nothing at all: at the default
 * level, the line and the memory map behind it cost ~2 ms of every boot under QEMU. Call
 * it once loader.conf has set the level and before the entropy phase wipes the firmware
 * devicetree's seeds. */
void firmware_report(const struct kb_platform *pf, const struct kb_firmware *fw);

#endif
