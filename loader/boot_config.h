/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot configuration as the firmware's ESP and variables give it: loader.conf, every
 * entry file (no limit: the arrays grow from the firmware's pool), the Boot Loader
 * Interface variables that steer the next boot (LoaderEntryOneShot, LoaderEntryDefault,
 * LoaderConfigTimeout[OneShot], LoaderEntryLastBooted for `default @saved`), and the order
 * to try the entries in. */
#ifndef KASLBOOT_LOADER_BOOT_CONFIG_H
#define KASLBOOT_LOADER_BOOT_CONFIG_H

#include <stdbool.h>

#include "loader/config.h"
#include "loader/platform.h"

struct boot_config {
	struct kb_loader_conf conf;      /* loader.conf, then the timeout variables */
	bool have_loader_conf;
	struct kb_entry *entries;        /* pool allocation of `cap` entries */
	unsigned count, cap;
	unsigned *order;                 /* pool allocation of `cap` indices */
	/* The entries' options, initrds and overlays: chunks of pool that never move, each
	 * starting with a pointer to the one before; `strings` is the last one's free room. */
	void *string_chunks;
	struct str_arena strings;
	unsigned n_order;
	bool timeout_oneshot;            /* LoaderConfigTimeoutOneShot was set: menu forced */
};

/* Reads \loader\loader.conf and \loader\entries\*.conf, or synthesizes the bare-ESP
 * default entry, applies the variables and computes the order to try (the entry named by
 * the load options alone when there is one), then publishes LoaderEntries. A loader.conf
 * that fails to parse stops everything: kaslboot does not boot a configuration it could
 * not read; a broken entry file is skipped. */
int boot_config_load(const struct kb_platform *pf, struct boot_config *bc,
		     const char *requested_id);
void boot_config_free(const struct kb_platform *pf, struct boot_config *bc);

#endif
