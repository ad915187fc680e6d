#include "loader/boot_config.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "loader/file_load.h"
#include "loader/measure.h"

#define LOADER_CONF "/loader/loader.conf"
#define ENTRIES_DIR "/loader/entries"

struct entry_scan {
	const struct kb_platform *pf;
	struct boot_config *bc;
	unsigned failed;   /* entry files that could not be read or parsed */
	int rc;            /* the last such failure */
};

static void scan_entry(const char *name, void *ctx)
{
	struct entry_scan *s = ctx;
	char path[KB_PATH_MAX];
	void *text = NULL;
	uint64_t len = 0;

	if (!config_is_entry_file_name(name))
		return;
	if (s->bc->count == KB_MAX_ENTRIES) {
		log_warn("more than %d entries: ignoring %s", KB_MAX_ENTRIES, name);
		return;
	}
	if (strlen(ENTRIES_DIR) + 1 + strlen(name) + 1 > sizeof(path)) {
		log_warn("entry file name too long: %s", name);
		return;
	}
	memcpy(path, ENTRIES_DIR "/", sizeof(ENTRIES_DIR));
	memcpy(path + sizeof(ENTRIES_DIR), name, strlen(name) + 1);
	int rc = kb_file_load(s->pf, path, KB_CONFIG_FILE_MAX, &text, &len);
	if (!rc)
		rc = bls_entry_parse(name, text, len, &s->bc->entries[s->bc->count]);
	kb_file_free(s->pf, text);
	/* A broken entry is skipped (its error line names the file and line); the others
	 * still boot, as in systemd-boot. */
	if (rc) {
		s->failed++;
		s->rc = rc;
	} else {
		s->bc->count++;
	}
}

/* config_default_entry's exists() callback. */
static bool file_exists(const char *path, void *ctx)
{
	const struct kb_platform *pf = ctx;
	uint64_t size;
	return pf->file_size(pf->ctx, path, &size) == 0;
}

int boot_config_load(const struct kb_platform *pf, struct boot_config *bc,
		     const char *requested_id)
{
	void *text = NULL;
	uint64_t len = 0, size;
	int rc;

	memset(bc, 0, sizeof(*bc));
	loader_conf_init(&bc->conf);
	if (pf->file_size(pf->ctx, LOADER_CONF, &size) == 0) {
		rc = kb_file_load(pf, LOADER_CONF, KB_CONFIG_FILE_MAX, &text, &len);
		measure_loader_conf(pf, text, len);
		if (!rc)
			rc = loader_conf_parse(text, len, &bc->conf);
		kb_file_free(pf, text);
		if (rc)
			return rc;
		bc->have_loader_conf = true;
		if (bc->conf.log_level_set)
			log_set_level(bc->conf.log_level);
	}

	bc->entries = pf->pool_alloc(pf->ctx, KB_MAX_ENTRIES * sizeof(*bc->entries));
	if (!bc->entries) {
		log_error("no memory for the boot entries");
		return KB_ENOMEM;
	}
	memset(bc->entries, 0, KB_MAX_ENTRIES * sizeof(*bc->entries));
	struct entry_scan scan = { pf, bc, 0, 0 };
	rc = pf->dir_list(pf->ctx, ENTRIES_DIR, scan_entry, &scan);
	if (rc && rc != KB_ENOENT)
		return rc;
	if (bc->count == 0 && scan.failed) {
		/* Entries exist but none is usable: do not guess with the bare-ESP default. */
		log_error("none of the %u entry files in \\loader\\entries is usable", scan.failed);
		return scan.rc;
	}
	if (bc->count == 0) {
		log_info("no entries in \\loader\\entries: looking for \\Image or \\vmlinuz");
		rc = config_default_entry(&bc->entries[0], file_exists, (void *)pf);
		if (rc)
			return rc;
		bc->count = 1;
	}

	int n = config_select(bc->entries, bc->count, bc->have_loader_conf ? &bc->conf : NULL,
			      requested_id, bc->order, KB_MAX_ENTRIES);
	if (n < 0) {
		log_error("no bootable entry (every entry is for another architecture or hidden)");
		return n;
	}
	if (requested_id && requested_id[0]) {
		/* An entry asked for by name (a Boot#### option, the shell) is booted alone: if it
		 * fails, the firmware's next boot option runs, not some other entry. */
		if (strcmp(bc->entries[bc->order[0]].id, requested_id)) {
			log_error("no entry '%s' (from the load options)", requested_id);
			return KB_ENOENT;
		}
		n = 1;
	}
	bc->n_order = (unsigned)n;
	return 0;
}

void boot_config_free(const struct kb_platform *pf, struct boot_config *bc)
{
	if (bc->entries)
		pf->pool_free(pf->ctx, bc->entries);
	bc->entries = NULL;
}
