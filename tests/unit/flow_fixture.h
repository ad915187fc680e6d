/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware a whole-flow test boots on (test_boot_flow, test_measure): the description
 * efi/sysinfo.c would give kaslboot_boot, with QEMU virt's devicetree (both seeds) in a
 * writable copy, as the firmware's configuration table is. */
#ifndef KASLBOOT_TESTS_FLOW_FIXTURE_H
#define KASLBOOT_TESTS_FLOW_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

extern struct kb_firmware flow_fw;
/* The devicetree flow_fw points at (NULL without one) and its size. */
extern void *flow_fw_dt;
extern size_t flow_fw_dt_size;

/* flow_fw afresh, with or without the devicetree. */
void flow_firmware_init(bool with_dt);

/* A Boot Loader Interface variable of the fake firmware as UTF-8 (NULL when absent; one
 * static buffer), and one set from UTF-8 with attrs (BLI_VOLATILE, BLI_PERSISTENT), as
 * bootctl or an earlier loader would have left it. */
const char *flow_var_text(const char *name);
void flow_set_var(const char *name, const char *value, uint32_t attrs);

/* A cmocka teardown: the fake firmware and the devicetree given back. */
int flow_teardown(void **state);

#endif
