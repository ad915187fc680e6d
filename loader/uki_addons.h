/* SPDX-License-Identifier: BSD-2-Clause */
/* UKI addons as systemd-stub 257 takes them (stub.c load_all_addons, load_addons,
 * cmdline_append_and_measure_addons, install_addon_devicetrees):
 *   - the files: \loader\addons\*.addon.efi first (global), then the UKI's
 *     <uki>.efi.extra.d\*.addon.efi, each directory in strcmp order (esp_list.h);
 *   - an addon is skipped, with one line naming it, when it has none of .cmdline .dtb
 *     .dtbauto .initrd .ucode, when it has a .linux (a UKI, not an addon), or when its
 *     .uname differs from the UKI's (compared as strncmp over the addon's .uname size);
 *   - the kept addons' .cmdline, each mangled (control characters to spaces, leading and
 *     trailing ones dropped), are joined with spaces and appended to the command line
 *     after one space, and that addition is measured once into PCR 12 (EV_IPL, UTF-16,
 *     tpm_log_load_options);
 *   - an addon's devicetree is its .dtbauto (the one that matched) else its .dtb, measured
 *     into PCR 12 under tag 0x6c46f751 with the addon's file name once it is applied.
 * Under Secure Boot every addon is verified like the UKI before its sections are read:
 * the caller's business (the stub loads them through shim_load_image). */
#ifndef KASLBOOT_LOADER_UKI_ADDONS_H
#define KASLBOOT_LOADER_UKI_ADDONS_H

#include <stddef.h>

#include "loader/esp_list.h"
#include "loader/platform.h"
#include "loader/uki_measure.h"

#define UKI_ADDONS_GLOBAL_DIR "/loader/addons"
#define UKI_ADDON_SUFFIX      ".addon.efi"

/* The addon files to try, in order: dirs[0]'s names, then dirs[1]'s. */
struct uki_addon_files {
	const char *dirs[2];
	struct esp_list lists[2];
};

/* extra_dir: the UKI's drop-in directory (uki_extras.h uki_extra_dir). KB_ENOMEM (logged)
 * when the pool runs out. */
int uki_addon_files(const struct kb_platform *pf, const char *extra_dir,
		    struct uki_addon_files *out);
void uki_addon_files_free(const struct kb_platform *pf, struct uki_addon_files *f);

/* One addon, its sections parsed by the caller from the verified file. */
struct uki_addon {
	const char *name; /* its file name ("x.addon.efi"): the DT event's description */
	const struct uki_section *s;
	size_t n;
};

/* Keeps, in place and in order, the addons the stub would use for a UKI whose .uname is
 * uname (NULL: the UKI has none); how many are left. One error line per addon dropped. */
size_t uki_addons_select(struct uki_addon *a, size_t n, const struct uki_section *uname);
/* Appends the selected addons' command lines to cmdline (a string in a buffer of size
 * bytes) and measures the addition. KB_ERANGE (logged, cmdline unchanged) when it does
 * not fit. */
int uki_addons_cmdline(const struct kb_platform *pf, const struct uki_addon *a, size_t n,
		       char *cmdline, size_t size, struct uki_measured *m);
/* The devicetree an addon brings, or NULL. */
const struct uki_section *uki_addon_dt(const struct uki_addon *a);
/* That devicetree applied: its PCR 12 event. */
void uki_measure_dt_addon(const struct kb_platform *pf, const struct uki_addon *a,
			  struct uki_measured *m);

/* The selected addons' .ucode (in reverse order: the kernel takes the first microcode it
 * finds) then .initrd sections, measured into PCR 12 under tags 0xdac08e1a and 0x49dffe0f
 * with the addon's file name (stub.c measure_and_append_ucode_addons,
 * measure_and_append_initrd_addons), after the credentials and extensions. The caller
 * passes the same sections to Linux: ucode addons first, then the UKI's .ucode and
 * .initrd, the generated archives, then the initrd addons. */
void uki_measure_initrd_addons(const struct kb_platform *pf, const struct uki_addon *a, size_t n,
			       struct uki_measured *m);

#endif
