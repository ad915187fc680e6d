/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/boot_config.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/utf16.h"
#include "loader/bli.h"
#include "loader/file_load.h"
#include "loader/measure.h"
#include "loader/uki_entry.h"

#define LOADER_CONF "/loader/loader.conf"
#define ENTRIES_DIR "/loader/entries"
/* One pool allocation of the string arena: eight entries at their limits, or some hundreds
 * of Debian's (~150 bytes each). At most KB_ENTRY_STRINGS_MAX of each chunk goes unused. */
#define STRING_CHUNK_SIZE (8 * KB_ENTRY_STRINGS_MAX)

struct entry_scan {
	const struct kb_platform *pf;
	struct boot_config *bc;
	unsigned failed;   /* entry files that could not be read or parsed */
	int rc;            /* the last such failure */
	bool out_of_memory;
};

/* Room in the string arena for one more entry at its limits: a new chunk when the last
 * one has less. The chunks are never moved, so the entries' pointers stay good. */
static bool strings_room(const struct kb_platform *pf, struct boot_config *bc)
{
	if (bc->strings.size - bc->strings.used >= KB_ENTRY_STRINGS_MAX)
		return true;
	void **chunk = pf->pool_alloc(pf->ctx, STRING_CHUNK_SIZE);
	if (!chunk)
		return false;
	chunk[0] = bc->string_chunks;
	bc->string_chunks = chunk;
	str_arena_init(&bc->strings, (char *)(chunk + 1), STRING_CHUNK_SIZE - sizeof(*chunk));
	return true;
}

/* Room for `more` entries past count, and for the strings of one: the arrays double from
 * the firmware's pool. */
static bool grow_by(const struct kb_platform *pf, struct boot_config *bc, unsigned more)
{
	if (!strings_room(pf, bc))
		return false;
	if (bc->count + more < bc->cap)
		return true;
	unsigned cap = bc->cap ? 2 * bc->cap : KB_ENTRIES_INITIAL;
	struct kb_entry *e = pf->pool_alloc(pf->ctx, (size_t)cap * sizeof(*e));
	unsigned *o = pf->pool_alloc(pf->ctx, (size_t)cap * sizeof(*o));
	if (!e || !o) {
		if (e)
			pf->pool_free(pf->ctx, e);
		if (o)
			pf->pool_free(pf->ctx, o);
		return false;
	}
	/* Not zeroed: each entry is filled whole where it is added (bls_entry_parse,
	 * config_default_entry), and nothing reads past bc->count. */
	if (bc->count)
		memcpy(e, bc->entries, bc->count * sizeof(*e));
	if (bc->entries)
		pf->pool_free(pf->ctx, bc->entries);
	if (bc->order)
		pf->pool_free(pf->ctx, bc->order);
	bc->entries = e;
	bc->order = o;
	bc->cap = cap;
	return true;
}

static bool grow(const struct kb_platform *pf, struct boot_config *bc)
{
	return grow_by(pf, bc, 0);
}

/* uki_entries_from_file's slot: the i-th entry past those counted. */
static struct kb_entry *uki_slot(void *ctx, unsigned i)
{
	struct entry_scan *s = ctx;
	if (!grow_by(s->pf, s->bc, i))
		return NULL;
	return &s->bc->entries[s->bc->count + i];
}

/* A UKI in \EFI\Linux: its entries, one per profile (loader/uki_entry.h). */
static void scan_uki(const char *name, void *ctx)
{
	struct entry_scan *s = ctx;
	unsigned added = 0;
	if (!uki_is_entry_file_name(name) || s->out_of_memory)
		return;
	int rc = uki_entries_from_file(s->pf, name, uki_slot, s, &s->bc->strings, &added);
	s->bc->count += added;
	if (rc == KB_ENOMEM)
		s->out_of_memory = true;
	if (rc) {
		s->failed++;
		s->rc = rc;
	}
}

static void scan_entry(const char *name, void *ctx)
{
	struct entry_scan *s = ctx;
	char path[KB_PATH_MAX];
	void *text = NULL;
	uint64_t len = 0;

	if (!config_is_entry_file_name(name) || s->out_of_memory)
		return;
	if (!grow(s->pf, s->bc)) {
		log_error("no memory for more than %u entries: %s and the rest are left out",
			  s->bc->count, name);
		s->out_of_memory = true;
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
		rc = bls_entry_parse(name, text, len, &s->bc->entries[s->bc->count],
				     &s->bc->strings);
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
	return kb_file_exists(ctx, path);
}

/* LoaderConfigTimeout values (BOOT_LOADER_INTERFACE.md): seconds, "menu-force",
 * "menu-hidden", "menu-disabled". False (after one warning) for anything else. */
static bool timeout_from_var(const char *name, const char *v, struct kb_loader_conf *c)
{
	uint32_t secs = 0;
	if (!strcmp(v, "menu-force")) {
		c->menu = KB_MENU_FORCE;
		return true;
	}
	if (!strcmp(v, "menu-hidden") || !strcmp(v, "menu-disabled")) {
		c->menu = v[5] == 'h' ? KB_MENU_HIDDEN : KB_MENU_DISABLED;
		c->timeout_sec = 0;
		return true;
	}
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || secs > (UINT32_MAX - 9) / 10)
			return log_warn_ret(
				false,
				"%s: '%s' is not a number of seconds or a menu-* word: ignored",
				name, v);
		secs = secs * 10 + (uint32_t)(*p - '0');
	}
	if (!v[0])
		return log_warn_ret(false, "%s: empty: ignored", name);
	c->menu = KB_MENU_TIMEOUT;
	c->timeout_sec = secs;
	return true;
}

/* The OS's wishes for this boot: LoaderConfigTimeout (persistent, as `bootctl set-timeout`
 * writes it) and LoaderConfigTimeoutOneShot (deleted once read; it shows the menu, and a
 * value of 0 means no timeout: systemd-boot's reading). */
static void apply_timeout_vars(const struct kb_platform *pf, struct boot_config *bc)
{
	char v[32];
	if (bli_get_string(pf, "LoaderConfigTimeout", v, sizeof(v), false) > 0)
		timeout_from_var("LoaderConfigTimeout", v, &bc->conf);
	if (bli_get_string(pf, "LoaderConfigTimeoutOneShot", v, sizeof(v), true) > 0 &&
	    timeout_from_var("LoaderConfigTimeoutOneShot", v, &bc->conf)) {
		bc->timeout_oneshot = true;
		if (bc->conf.menu == KB_MENU_TIMEOUT && bc->conf.timeout_sec == 0)
			bc->conf.menu = KB_MENU_FORCE;
		else if (bc->conf.menu != KB_MENU_TIMEOUT)
			bc->conf.menu = KB_MENU_FORCE;
	}
}

/* The place of config_select's first entry among the rest (order[1..n), in BLS order): the
 * index in order before which it sorts, by a binary search. */
static unsigned chosen_place(const struct boot_config *bc, unsigned n)
{
	unsigned first = bc->order[0], lo = 1, hi = n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2, m = bc->order[mid];
		int r = config_entry_compare(&bc->entries[first], &bc->entries[m]);
		if (r < 0 || (r == 0 && first < m))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Entry k's id appended to buf[*at..units) with its NUL; false if it could not be. */
static bool put_id(const struct boot_config *bc, unsigned k, uint16_t *buf, size_t units,
		   size_t *at)
{
	long n = utf16_from_utf8(bc->entries[k].bli_id, buf + *at, units - *at);
	if (n < 0)
		return false;
	*at += (size_t)n + 1;
	return true;
}

/* LoaderEntries: every visible id, each NUL-terminated, in BLS order (the menu's). That is
 * config_select's order (the visible entries, n of them) with its first entry put back in
 * its place: no second sort. */
static void publish_entries(const struct kb_platform *pf, const struct boot_config *bc, unsigned n)
{
	size_t units = 0;
	for (unsigned i = 0; i < n; i++)
		units += strlen(bc->entries[bc->order[i]].bli_id) + 1;
	uint16_t *buf = pf->pool_alloc(pf->ctx, units * sizeof(uint16_t));
	if (!buf)
		return;
	size_t at = 0;
	unsigned place = chosen_place(bc, n);
	for (unsigned i = 1; i <= n; i++) {
		if ((i == place && !put_id(bc, bc->order[0], buf, units, &at)) ||
		    (i < n && !put_id(bc, bc->order[i], buf, units, &at)))
			break;
	}
	if (pf->var_set(pf->ctx, &bli_vendor_guid, "LoaderEntries", BLI_VOLATILE, buf,
			at * sizeof(uint16_t)))
		log_debug("could not set LoaderEntries");
	pf->pool_free(pf->ctx, buf);
}

static int load_loader_conf(const struct kb_platform *pf, struct boot_config *bc)
{
	void *text = NULL;
	uint64_t len = 0;
	int rc = kb_file_load_optional(pf, LOADER_CONF, KB_CONFIG_FILE_MAX, &text, &len);
	if (rc == KB_ENOENT)
		return 0;
	if (rc == KB_EIO) {
		/* The medium failed, not the configuration: booting with the defaults beats
		 * handing the machine back to the firmware on every boot (systemd-boot goes on
		 * too). The entries still say what to boot. */
		log_warn("%s: cannot be read (%s): booting with the defaults", LOADER_CONF,
			 kb_strerror(rc));
		return 0;
	}
	if (!rc) {
		measure_loader_conf(pf, text, len); /* PCR 5, as read */
		rc = loader_conf_parse(text, len, &bc->conf);
	}
	kb_file_free(pf, text);
	if (rc)
		return rc;
	bc->have_loader_conf = true;
	if (bc->conf.log_level_set)
		log_set_level(bc->conf.log_level);
	return 0;
}

static int load_entries(const struct kb_platform *pf, struct boot_config *bc)
{
	struct entry_scan scan = { pf, bc, 0, 0, false };
	int rc = pf->dir_list(pf->ctx, ENTRIES_DIR, scan_entry, &scan);
	if (rc && rc != KB_ENOENT)
		return rc;
	rc = pf->dir_list(pf->ctx, UKI_ENTRIES_DIR, scan_uki, &scan);
	if (rc && rc != KB_ENOENT)
		return rc;
	if (bc->count == 0 && scan.out_of_memory)
		return KB_ENOMEM;   /* entries exist; the bare-ESP default would be a guess */
	if (bc->count == 0 && scan.failed) {
		/* Entries exist but none is usable: do not guess with the bare-ESP default. */
		return log_error_ret(
			scan.rc,
			"none of the %u entry files (\\loader\\entries, \\EFI\\Linux) is usable",
			scan.failed);
	}
	if (bc->count == 0) {
		log_info("no entries in \\loader\\entries or \\EFI\\Linux: looking for \\Image or "
			 "\\vmlinuz");
		if (!grow(pf, bc))
			return log_error_ret(KB_ENOMEM, "no memory for the boot entries");
		rc = config_default_entry(&bc->entries[0], file_exists, (void *)pf);
		if (rc)
			return rc;
		bc->count = 1;
	}
	return 0;
}

int boot_config_load(const struct kb_platform *pf, struct boot_config *bc,
		     const char *requested_id)
{
	char oneshot[KB_ID_MAX], def[KB_ID_MAX], saved[KB_ID_MAX];
	int rc;

	memset(bc, 0, sizeof(*bc));
	loader_conf_init(&bc->conf);
	rc = load_loader_conf(pf, bc);
	if (rc)
		return rc;
	rc = load_entries(pf, bc);
	if (rc)
		return rc;
	apply_timeout_vars(pf, bc);
	/* The one-shot is used once, whatever it names: deleted as it is read. */
	bli_get_string(pf, "LoaderEntryOneShot", oneshot, sizeof(oneshot), true);
	bli_get_string(pf, "LoaderEntryDefault", def, sizeof(def), false);
	saved[0] = 0;
	if (!strcmp(bc->conf.default_pattern, "@saved"))
		bli_get_string(pf, "LoaderEntryLastBooted", saved, sizeof(saved), false);
	struct kb_select_request req = {
		.requested_id = requested_id, .oneshot_id = oneshot, .default_var_id = def,
		.saved_id = saved,
	};
	int n = config_select(bc->entries, bc->count, bc->have_loader_conf ? &bc->conf : NULL,
			      &req, bc->order);
	if (n < 0)
		return log_error_ret(
			n, "no bootable entry (every entry is for another architecture or hidden)");
	publish_entries(pf, bc, (unsigned)n);
	if (requested_id && requested_id[0]) {
		/* An entry asked for by name (a Boot#### option, the shell) is booted alone: if it
		 * fails, the firmware's next boot option runs, not some other entry. */
		if (!config_entry_named(&bc->entries[bc->order[0]], requested_id))
			return log_error_ret(KB_ENOENT, "no entry '%s' (from the load options)",
					     requested_id);
		n = 1;
	}
	bc->n_order = (unsigned)n;
	return 0;
}

void boot_config_free(const struct kb_platform *pf, struct boot_config *bc)
{
	if (bc->entries)
		pf->pool_free(pf->ctx, bc->entries);
	if (bc->order)
		pf->pool_free(pf->ctx, bc->order);
	while (bc->string_chunks) {
		void **chunk = bc->string_chunks;
		bc->string_chunks = chunk[0];
		pf->pool_free(pf->ctx, chunk);
	}
	bc->entries = NULL;
	bc->order = NULL;
	str_arena_init(&bc->strings, NULL, 0);
}
