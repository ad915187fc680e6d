/* SPDX-License-Identifier: BSD-2-Clause */
/* The variables systemd-stub 257 sets for the OS (src/boot/stub.c export_stub_variables,
 * export_pcr_variables; BOOT_LOADER_INTERFACE.md), set by kaslboot when it boots a UKI in
 * the stub's place, with what is true of that boot: `bootctl status` shows the stub, the
 * measured-UKI line and the features; systemd-pcrphase, systemd-creds and systemd-sysext
 * read which PCRs were used. Strings are UTF-16 (bli_set_string), under the loader GUID,
 * volatile as the stub sets them. */
#ifndef KASLBOOT_LOADER_STUB_VARS_H
#define KASLBOOT_LOADER_STUB_VARS_H

#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"
#include "loader/uki_measure.h"

/* StubFeatures bits (systemd 257 src/fundamental/efivars-fundamental.h). */
#define STUB_FEATURE_REPORT_BOOT_PARTITION (1ULL << 0)
#define STUB_FEATURE_PICK_UP_CREDENTIALS   (1ULL << 1)
#define STUB_FEATURE_PICK_UP_SYSEXTS       (1ULL << 2)
#define STUB_FEATURE_THREE_PCRS            (1ULL << 3)
#define STUB_FEATURE_RANDOM_SEED           (1ULL << 4)
#define STUB_FEATURE_CMDLINE_ADDONS        (1ULL << 5)
#define STUB_FEATURE_CMDLINE_SMBIOS        (1ULL << 6)
#define STUB_FEATURE_DEVICETREE_ADDONS     (1ULL << 7)
#define STUB_FEATURE_PICK_UP_CONFEXTS      (1ULL << 8)
#define STUB_FEATURE_MULTI_PROFILE_UKI     (1ULL << 9)
#define STUB_FEATURE_REPORT_STUB_PARTITION (1ULL << 10)

/* What kaslboot does in the stub's place: LoaderDevicePartUUID (bli.c), credentials,
 * system and configuration extensions packed from the ESP (loader/uki_extras.h), PCRs 11,
 * 12 and 13 (uki_measure.h), the random seed table (seed_table.h), addons' command lines
 * and devicetrees (uki_addons.h), profiles, StubDevicePartUUID and StubImageIdentifier.
 * Not: the SMBIOS Type 11 command line (no SMBIOS reader): that bit stays clear. */
#define STUB_FEATURES                                                                              \
	(STUB_FEATURE_REPORT_BOOT_PARTITION | STUB_FEATURE_PICK_UP_CREDENTIALS |                   \
	 STUB_FEATURE_PICK_UP_SYSEXTS | STUB_FEATURE_THREE_PCRS | STUB_FEATURE_RANDOM_SEED |       \
	 STUB_FEATURE_CMDLINE_ADDONS | STUB_FEATURE_DEVICETREE_ADDONS |                            \
	 STUB_FEATURE_PICK_UP_CONFEXTS | STUB_FEATURE_MULTI_PROFILE_UKI |                          \
	 STUB_FEATURE_REPORT_STUB_PARTITION)

/* What was booted. */
struct stub_booted {
	const char *stub_info;  /* StubInfo: who did the stub's work ("kaslboot <version>") */
	const char *image_path; /* StubImageIdentifier: the UKI's ESP path, "\EFI\Linux\x.efi" */
	const char *part_uuid;  /* StubDevicePartUUID: its partition's UUID; "" on no GPT */
	unsigned profile;       /* StubProfile */
	const struct uki_measured *measured; /* StubPcr*: the PCRs that got everything */
};

#define STUB_VARS_MAX 8

/* One string variable. */
struct stub_var {
	const char *name;
	const char *value; /* points into b's strings or num */
	char num[12];
};

/* The string variables for that boot, in the order the stub sets them (StubFeatures, a
 * u64, is not among them); how many. */
size_t stub_vars_list(const struct stub_booted *b, struct stub_var out[STUB_VARS_MAX]);
/* Sets them and StubFeatures (STUB_FEATURES, little-endian u64). A variable that cannot be
 * set is one debug line (bli_set_string): the boot goes on, as in the stub. */
void stub_vars_write(const struct kb_platform *pf, const struct stub_booted *b);

#endif
