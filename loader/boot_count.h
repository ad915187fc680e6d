/* SPDX-License-Identifier: BSD-2-Clause */
/* Automatic boot assessment (systemd's AUTOMATIC_BOOT_ASSESSMENT.md, the BLS "Boot
 * counting" section): an entry file named NAME+LEFT-DONE.conf is renamed to
 * NAME+(LEFT-1)-(DONE+1).conf before it is booted, and the new path is published in
 * LoaderBootCountPath, where systemd-bless-boot finds it to rename a good boot to
 * NAME.conf. An entry at +0 is booted (if chosen) but counts no further. */
#ifndef KASLBOOT_LOADER_BOOT_COUNT_H
#define KASLBOOT_LOADER_BOOT_COUNT_H

#include "loader/config.h"
#include "loader/platform.h"

/* The name the entry file gets for this boot: "" when it is not counted (no counter, no
 * tries left). size: at least KB_ID_MAX. */
void boot_count_next_name(const struct kb_entry *e, char *out, size_t size);

/* Renames the entry's file and publishes the new path. A refused rename (read-only ESP)
 * is one warning; the boot goes on. A rename either happens or not (one SetInfo on one
 * directory entry), so a power cut leaves a valid name. Called at the start of every
 * attempt: it first forgets what an earlier attempt published. */
void boot_count_bump(const struct kb_platform *pf, const struct kb_entry *e);

/* Deletes LoaderBootCountPath: when an attempt starts, and when kaslboot returns to the
 * firmware. systemd-bless-boot in whatever OS boots next marks the entry it names good, so
 * it may name only the counted entry that was entered, never one that failed. */
void boot_count_forget(const struct kb_platform *pf);

#endif
