/* SPDX-License-Identifier: BSD-2-Clause */
#include "flow_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dt_testutil.h"
#include "fake_platform.h"
#include "lib/utf16.h"
#include "loader/bli.h"

struct kb_firmware flow_fw;
void *flow_fw_dt;
size_t flow_fw_dt_size;

void flow_firmware_init(bool with_dt)
{
	free(flow_fw_dt);
	flow_fw_dt = NULL;
	memset(&flow_fw, 0, sizeof(flow_fw));
	if (with_dt) {
		flow_fw_dt = dt_compile_fixture("dt_qemu_virt.dts", &flow_fw_dt_size);
		flow_fw.fdt = flow_fw_dt;
		flow_fw.fdt_size = flow_fw_dt_size;
		flow_fw.fdt_valid = true;   /* as efi/sysinfo.c finds it */
	}
	flow_fw.system_table = 0x1234000;
	snprintf(flow_fw.vendor, sizeof(flow_fw.vendor), "fake firmware");
	flow_fw.fw_revision = 0x10000;
	flow_fw.uefi_revision = 0x2000a;
}

const char *flow_var_text(const char *name)
{
	static char text[512];
	const struct fake_var *v = fake_fw_var(name);
	if (!v)
		return NULL;
	assert_true(utf16_to_utf8((const uint16_t *)v->data, v->len / 2, text, sizeof(text)));
	return text;
}

void flow_set_var(const char *name, const char *value, uint32_t attrs)
{
	uint16_t w[128];
	long n = utf16_from_utf8(value, w, 128);
	assert_true(n >= 0);
	assert_int_equal(
		fake_platform.var_set(NULL, &bli_vendor_guid, name, attrs, w, ((size_t)n + 1) * 2),
		0);
}

int flow_teardown(void **state)
{
	(void)state;
	fake_fw_free();
	free(flow_fw_dt);
	flow_fw_dt = NULL;
	return 0;
}
