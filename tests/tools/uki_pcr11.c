/* SPDX-License-Identifier: BSD-2-Clause */
/* uki_pcr11 NAME=FILE...: the sections of a UKI in file order (as a test extracted them,
 * VirtualSize bytes each), measured by loader/uki_measure.c into the fake firmware's TPM;
 * prints PCR 11's SHA-256 value in hex, as `systemd-measure calculate` prints it
 * (tests/integration/test_uki_pcr11.py compares the two). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "loader/measure.h"
#include "loader/uki_measure.h"

#define MAX_SECTIONS 32

static void *slurp(const char *path, uint64_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n > 0 ? (uint64_t)n : 0;
	return buf;
}

int main(int argc, char **argv)
{
	struct uki_section s[MAX_SECTIONS];
	int n = 0;
	for (int i = 1; i < argc && n < MAX_SECTIONS; i++, n++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "uki_pcr11: %s: not NAME=FILE\n", argv[i]);
			return 2;
		}
		*eq = 0;
		s[n].name = argv[i];
		s[n].data = slurp(eq + 1, &s[n].size);
		if (!s[n].data) {
			fprintf(stderr, "uki_pcr11: %s: cannot be read\n", eq + 1);
			return 2;
		}
	}
	fake_fw_init(16ULL << 20);
	fake_fw_add_tpm();
	measure_begin(&fake_platform);
	struct uki_measured m;
	uki_measured_init(&m);
	uki_measure_sections(&fake_platform, s, (size_t)n, &m);
	if (m.sections != 1) {
		fprintf(stderr, "uki_pcr11: not measured\n");
		return 1;
	}
	for (int i = 0; i < 32; i++)
		printf("%02x", fake.pcr_sha256[MEASURE_PCR_KERNEL_BOOT][i]);
	printf("\n");
	fake_fw_free();
	for (int i = 0; i < n; i++)
		free((void *)s[i].data);
	return 0;
}
