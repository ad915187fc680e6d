#ifndef KASLBOOT_LOADER_BOOT_CONFIG_H
#define KASLBOOT_LOADER_BOOT_CONFIG_H

#include <stdbool.h>

#include "loader/config.h"
#include "loader/platform.h"

struct boot_config {
	struct kb_loader_conf conf;
	bool have_loader_conf;
	struct kb_entry *entries;   /* pool allocation of KB_MAX_ENTRIES */
	unsigned count;
	unsigned order[KB_MAX_ENTRIES];
	unsigned n_order;
};

/* Reads \loader\loader.conf and \loader\entries\*.conf, or synthesizes the bare-ESP
 * default entry, and computes the order to try (the entry named by the load options alone
 * when there is one). A file that fails to parse stops everything: kaslboot does not boot
 * a configuration it could not read. */
int boot_config_load(const struct kb_platform *pf, struct boot_config *bc,
		     const char *requested_id);
void boot_config_free(const struct kb_platform *pf, struct boot_config *bc);

#endif
