/* SPDX-License-Identifier: BSD-2-Clause */
/* What one boot shares between its phases: the orchestrator (loader/boot.c) fills it, each
 * phase (boot_linux.c, boot_mmu_on.c, boot_common.c) reads it. A header of its own, so that
 * the phases depend on the state they share and not on the orchestrator that calls them. */
#ifndef KASLBOOT_LOADER_BOOT_STATE_H
#define KASLBOOT_LOADER_BOOT_STATE_H

#include <stdint.h>

#include "loader/config.h"
#include "loader/entropy_gather.h"
#include "loader/platform.h"

/* One boot: what every phase and every attempt shares. */
struct kb_boot {
	const struct kb_platform *pf;
	const struct kb_firmware *fw;
	const struct kb_loader_conf *conf;
	struct boot_entropy entropy; /* gathered once, before the first attempt */
	uint64_t t_start;            /* counter when the firmware entered kaslboot */
	/* The attempt's files are sections of a UKI Secure Boot verified as a whole
	 * (loader/boot_uki.c): they are not verified again one by one. */
	bool image_verified;
	/* The attempt boots a UKI: systemd-stub's events and variables are made
	 * (loader/uki_hooks.c), and the kernel's command line goes to PCR 9 only. */
	bool uki;
	const char *loader_info; /* "kaslboot <version>": StubInfo */
};

#endif
