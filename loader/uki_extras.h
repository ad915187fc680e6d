/* SPDX-License-Identifier: BSD-2-Clause */
/* The initrds systemd-stub 257 generates from the ESP beside a UKI (stub.c
 * generate_sidecar_initrds, cpio.c pack_cpio), made by kaslboot in its place so that
 * systemd in the initrd finds credentials and extensions where it looks:
 *
 *   kind                 taken from                       to (in the initrd)             dir   file  PCR
 *   credentials          <uki>.extra.d\*.cred             /.extra/credentials/          0500  0400  12
 *   global credentials   \loader\credentials\*.cred       /.extra/global_credentials/   0500  0400  12
 *   system extensions    <uki>.extra.d\*.raw, but not     /.extra/sysext/               0555  0444  13
 *                        *.confext.raw
 *   config extensions    <uki>.extra.d\*.confext.raw      /.extra/confext/              0555  0444  12
 *
 * (leading directories 0555). Each kind is one newc archive (formats/cpio.h), files in
 * strcmp order, measured as a whole, EV_IPL described "Credentials initrd", "Global
 * credentials initrd", "System extension initrd", "Configuration extension initrd". A
 * kind with no file gives no archive and no event. A file that cannot be read is left out
 * with one line, as the stub does. */
#ifndef KASLBOOT_LOADER_UKI_EXTRAS_H
#define KASLBOOT_LOADER_UKI_EXTRAS_H

#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"
#include "loader/uki_measure.h"

enum uki_extra_kind {
	UKI_EXTRA_CREDENTIALS,
	UKI_EXTRA_GLOBAL_CREDENTIALS,
	UKI_EXTRA_SYSEXTS,
	UKI_EXTRA_CONFEXTS,
	UKI_EXTRA_KINDS,
};

/* An archive in pool memory (data NULL, len 0: none). */
struct uki_initrd {
	uint8_t *data;
	uint64_t len;
};

/* The UKI's drop-in directory, "<path>.extra.d", its boot counter ("+3" or "+3-1" before
 * the first '.' after the first '+') removed, as the stub's get_extra_dir. KB_EINVAL
 * (logged) when it does not fit. */
int uki_extra_dir(const char *uki_path, char *out, size_t size);

/* Packs and measures one kind (extra_dir: uki_extra_dir's result). KB_ENOMEM when memory
 * runs out (logged); else 0, with or without an archive. */
int uki_extras_pack(const struct kb_platform *pf, const char *extra_dir, enum uki_extra_kind kind,
		    struct uki_initrd *out, struct uki_measured *m);
void uki_initrd_free(const struct kb_platform *pf, struct uki_initrd *i);

#endif
