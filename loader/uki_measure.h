/* SPDX-License-Identifier: BSD-2-Clause */
/* What systemd-stub 257 measures when it starts a Unified Kernel Image (src/boot/stub.c,
 * measure.c, cpio.c; UAPI group's unified_kernel_image.md and Linux TPM PCR Registry), made
 * the same way by kaslboot so that `systemd-measure calculate`, systemd-pcrlock and signed
 * PCR policies (.pcrsig) predict kaslboot's boots:
 *
 *   PCR  event                     data (digest of)                  description (UTF-16LE)
 *   11   EV_IPL, per section       the name and its NUL (ASCII)      the section name
 *   11   EV_IPL, per section       the section, VirtualSize bytes    the section name
 *   12   EV_EVENT_TAG 0x13aed6db   the profile number, UTF-16 + NUL  the same (profile > 0)
 *   12   EV_IPL                    a command line given by the       the same
 *                                  loader, then the addons' one,
 *                                  UTF-16 + NUL
 *   12   EV_EVENT_TAG 0x6c46f751   an addon's .dtb/.dtbauto          the addon's file name
 *   12   EV_IPL                    the credentials cpio              "Credentials initrd"
 *   12   EV_IPL                    the global credentials cpio       "Global credentials initrd"
 *   13   EV_IPL                    the system extensions cpio        "System extension initrd"
 *   12   EV_IPL                    the configuration extensions cpio "Configuration extension
 *                                                                     initrd"
 *
 * The order of the events, which PCR 12's value depends on (stub.c run()):
 *   0. what systemd-boot measures before it starts the UKI (boot.c image_start): the load
 *      options it passes, "@N" (N > 0) then a space and the entry's options when there are
 *      any, EV_IPL (measure_load_options); none for a UKI entry booted as it is;
 *   1. uki_measure_profile;   2. uki_measure_sections (PCR 11);
 *   3. uki_measure_cmdline with the loader's command line, when Secure Boot is off (the
 *      stub drops it under Secure Boot when the UKI has a .cmdline) and it is not empty;
 *   4. uki_addons_cmdline;    5. uki_measure_dt_addon for each DT addon applied;
 *   6. uki_extras_pack for each kind, in enum order;   7. uki_measure_initrd_addons.
 *
 * PCR 11 takes the sections in the canonical order of src/fundamental/uki.h (never the
 * file's): .linux .osrel .cmdline .initrd .ucode .splash .dtb .uname .sbat .pcrpkey
 * .profile .dtbauto .hwids; .pcrsig never (it signs the result). A section of size 0 is
 * not measured (PE_SECTION_VECTOR_IS_SET; systemd-measure skips empty files too). */
#ifndef KASLBOOT_LOADER_UKI_MEASURE_H
#define KASLBOOT_LOADER_UKI_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

/* One section of the UKI as booted: the selected profile's sections applied over the base
 * ones and only the .dtbauto that matched, in file order. When a name comes more than once
 * the first counts, as in systemd's pe_locate_sections ("first matching section wins"). */
struct uki_section {
	const char *name; /* ".linux" */
	const void *data;
	uint64_t size; /* VirtualSize: what the stub measures and uses */
};

/* Event tags (systemd 257 src/fundamental/tpm2-pcr.h). */
#define UKI_TAG_PROFILE      0x13aed6dbu /* UKI_PROFILE_EVENT_TAG_ID */
#define UKI_TAG_DEVICETREE   0x6c46f751u /* DEVICETREE_ADDON_EVENT_TAG_ID */
#define UKI_TAG_INITRD_ADDON 0x49dffe0fu /* INITRD_ADDON_EVENT_TAG_ID */
#define UKI_TAG_UCODE_ADDON  0xdac08e1au /* UCODE_ADDON_EVENT_TAG_ID */

/* systemd-stub's record of what reached the TPM, one per group of events, for the
 * StubPcr* variables (stub.c combine_measured_flag): -1 nothing was submitted, 0 something
 * was not measured (no TPM, a failure), 1 everything was. */
struct uki_measured {
	int sections;   /* PCR 11 */
	int parameters; /* PCR 12: profile, command lines, DT addons, credentials */
	int sysexts;    /* PCR 13 */
	int confexts;   /* PCR 12: configuration extensions */
};

/* All four at -1. */
void uki_measured_init(struct uki_measured *m);
/* combine_measured_flag: the first result is taken, later ones can only clear it. */
void uki_measured_add(int *flag, bool measured);

/* The section of that name (first of them, size > 0), or NULL. */
const struct uki_section *uki_section_find(const struct uki_section *s, size_t n, const char *name);

/* PCR 11: the sections present, in the canonical order. */
void uki_measure_sections(const struct kb_platform *pf, const struct uki_section *s, size_t n,
			  struct uki_measured *m);
/* PCR 12: the selected profile's number, when it is not 0 (stub.c measure_profile). */
void uki_measure_profile(const struct kb_platform *pf, unsigned profile, struct uki_measured *m);
/* PCR 12: a command line the stub adds to what the UKI says (the loader's, when it is
 * used; the addons' .cmdline joined), as tpm_log_load_options (empty: nothing). */
void uki_measure_cmdline(const struct kb_platform *pf, const char *cmdline, struct uki_measured *m);

#endif
