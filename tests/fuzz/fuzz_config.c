/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot configuration: loader.conf, BLS entry files, the firmware's load options and the
 * choice of what to boot. The input is sections separated by the byte 0x1e:
 *   loader.conf text 0x1e load options 0x1e name\ntext 0x1e name\ntext ...
 * (each entry section: its file name, a newline, its contents; up to MAX_FILES of them).
 * Texts are handed over in exact-size heap blocks without a NUL, as efi/ reads them.
 * Invariants:
 * - a parser returns 0 or a documented error, and an error logs exactly one error line
 *   naming the file ("loader/entries/<name>", "loader/loader.conf"); success logs none;
 * - every string of a parsed entry or loader.conf is NUL-terminated inside its array, the
 *   id is a non-empty BLS file name without ".conf", initrd_count <= KB_MAX_INITRDS, a
 *   visible entry names a kernel, enums are in range;
 * - config_select() returns every visible entry once and no hidden one: first the entry
 *   the load options name (if visible), else the first match of loader.conf's `default`
 *   in BLS order, else the first in BLS order; then the others in BLS order. */
#include "fuzz.h"
#include "lib/err.h"
#include "loader/config.h"

#define SEP       0x1e
#define MAX_FILES 8
#define NAME_MAX_LEN 300

static struct kb_entry entries[MAX_FILES];
/* The entries' strings, one arena for all as in boot_config.c. */
static char string_buf[MAX_FILES * KB_ENTRY_STRINGS_MAX];
static struct str_arena strings;

/* A string the parse put in the arena (or the empty literal), shorter than max. */
static bool arena_string(const char *s, size_t max)
{
	if (!s)
		return false;
	if (!s[0])
		return true;
	return s >= string_buf && s < string_buf + strings.used && strnlen(s, max) < max &&
	       s + strlen(s) < string_buf + strings.used;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '_' || c == '.';
}

/* A ".." component, with '/' or '\\' as separators (what the UEFI conversion splits on). */
static bool has_dotdot(const char *p)
{
	for (;;) {
		size_t n = strcspn(p, "/\\");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!p[n])
			return false;
		p += n + 1;
	}
}

static bool documented(int r) { return r == KB_EINVAL || r == KB_ERANGE || r == KB_ENOMEM; }

static void check_entry(const struct kb_entry *e)
{
	size_t n;

	FUZZ_CHECK(fuzz_terminated(e->id, sizeof(e->id)));
	FUZZ_CHECK(fuzz_terminated(e->title, sizeof(e->title)));
	FUZZ_CHECK(fuzz_terminated(e->version, sizeof(e->version)));
	FUZZ_CHECK(fuzz_terminated(e->machine_id, sizeof(e->machine_id)));
	FUZZ_CHECK(fuzz_terminated(e->sort_key, sizeof(e->sort_key)));
	FUZZ_CHECK(fuzz_terminated(e->linux_path, sizeof(e->linux_path)));
	FUZZ_CHECK(fuzz_terminated(e->devicetree, sizeof(e->devicetree)));
	FUZZ_CHECK(arena_string(e->options, KB_CMDLINE_MAX));
	FUZZ_CHECK(e->initrd_count <= KB_MAX_INITRDS);
	for (unsigned int i = 0; i < e->initrd_count; i++)
		FUZZ_CHECK(arena_string(e->initrd[i], KB_PATH_MAX) && e->initrd[i][0]);
	FUZZ_CHECK(e->overlay_count <= KB_MAX_OVERLAYS);
	for (unsigned int i = 0; i < e->overlay_count; i++)
		FUZZ_CHECK(arena_string(e->overlay[i], KB_PATH_MAX) && e->overlay[i][0] &&
			   !has_dotdot(e->overlay[i]));
	n = strlen(e->id);
	FUZZ_CHECK(n > 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(id_char(e->id[i]));
	FUZZ_CHECK(e->payload == KB_PAYLOAD_LINUX || e->payload == KB_PAYLOAD_MMU_ON ||
		   e->payload == KB_PAYLOAD_UKI || e->payload == KB_PAYLOAD_EFI);
	FUZZ_CHECK(e->tries_left == KB_TRIES_NONE || e->tries_left < 1000000000u);
	FUZZ_CHECK(e->hidden || e->linux_path[0]);
	/* Paths never climb out of the ESP. */
	FUZZ_CHECK(!has_dotdot(e->linux_path) && !has_dotdot(e->devicetree));
	for (unsigned int i = 0; i < e->initrd_count; i++)
		FUZZ_CHECK(!has_dotdot(e->initrd[i]));
}

static void check_conf(const struct kb_loader_conf *c)
{
	FUZZ_CHECK(fuzz_terminated(c->default_pattern, sizeof(c->default_pattern)));
	FUZZ_CHECK(fuzz_terminated(c->selftest, sizeof(c->selftest)));
	FUZZ_CHECK(c->menu <= KB_MENU_DISABLED);
	FUZZ_CHECK(c->kaslr <= KB_KASLR_REQUIRE);
	FUZZ_CHECK(!c->kaslr_seed_fixed || c->kaslr_seed != 0);
	FUZZ_CHECK(!c->log_level_set || c->log_level <= LOG_DEBUG);
}

/* Case-insensitive ASCII equality, written again here for the oracle. */
static bool same_nocase(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	for (size_t i = 0; i < n; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

static bool named(const struct kb_entry *e, const char *name)
{
	return name[0] && (same_nocase(e->bli_id, name) || same_nocase(e->id, name) ||
			   same_nocase(e->file_name, name));
}

/* The entry that should come first, found the slow way from the documented rule
 * (loader/config.h, config_select): a name from the load options, else the first visible
 * entry with tries left that the glob matches (by either id; none if only bad ones match
 * while a good entry exists), else the first visible one with tries left, else the first
 * visible one. */
static unsigned int expected_first(const unsigned int *sorted, unsigned int count,
				   const struct kb_loader_conf *conf, const char *requested)
{
	unsigned int i, first_any = count, first_good = count;

	for (i = 0; i < count; i++) {
		const struct kb_entry *e = &entries[sorted[i]];
		if (e->hidden)
			continue;
		if (first_any == count)
			first_any = sorted[i];
		if (first_good == count && e->tries_left != 0)
			first_good = sorted[i];
	}
	if (requested && requested[0])
		for (i = 0; i < count; i++)
			if (!entries[sorted[i]].hidden && named(&entries[sorted[i]], requested))
				return sorted[i];
	if (conf && conf->default_pattern[0] && strcmp(conf->default_pattern, "@saved")) {
		unsigned int bad = count;
		for (i = 0; i < count; i++) {
			const struct kb_entry *e = &entries[sorted[i]];
			if (e->hidden || (!config_glob_match(conf->default_pattern, e->bli_id) &&
					  !config_glob_match(conf->default_pattern, e->id)))
				continue;
			if (e->tries_left != 0)
				return sorted[i];
			if (bad == count)
				bad = sorted[i];
		}
		if (bad != count && first_good == count)
			return bad;
	}
	return first_good != count ? first_good : first_any;
}

static void check_select(unsigned int count, const struct kb_loader_conf *conf,
			 const char *requested)
{
	unsigned int order[MAX_FILES], sorted[MAX_FILES], visible = 0, k = 0;
	unsigned mark = fuzz_errors;
	int n;

	for (unsigned int i = 0; i < count; i++)
		visible += !entries[i].hidden;
	struct kb_select_request req = { .requested_id = requested };
	n = config_select(entries, count, conf, &req, order);
	if (visible == 0) {
		FUZZ_CHECK(n == KB_ENOENT && fuzz_errors_since(mark) == 1);
		return;
	}
	FUZZ_CHECK(n == (int)visible && fuzz_errors_since(mark) == 0);
	config_sort(entries, count, sorted);
	FUZZ_CHECK(order[0] == expected_first(sorted, count, conf, requested));
	/* The rest: the visible entries in BLS order, each once. */
	for (unsigned int i = 0; i < count; i++) {
		if (entries[sorted[i]].hidden || sorted[i] == order[0])
			continue;
		FUZZ_CHECK(1 + k < visible && order[1 + k] == sorted[i]);
		k++;
	}
	FUZZ_CHECK(1 + k == visible);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct kb_loader_conf conf;
	char *conf_text, *options, *name, id[KB_ID_MAX];
	unsigned int count = 0, files = 0;
	bool have_conf;
	int r, has_id;
	unsigned mark;

	if (size > 3 * KB_CONFIG_FILE_MAX)
		return 0;
	fuzz_log_reset();
	str_arena_init(&strings, string_buf, sizeof(string_buf));

	/* loader.conf: exact-size copy of the raw section (NULs included). */
	const uint8_t *end = memchr(in.p, SEP, in.n);
	size_t len = end ? (size_t)(end - in.p) : in.n;
	uint8_t *text = fuzz_dup(in.p, len);
	mark = fuzz_errors;
	r = loader_conf_parse((const char *)text, len, &conf);
	have_conf = r == 0;
	if (have_conf) {
		check_conf(&conf);
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	} else {
		FUZZ_CHECK(documented(r) && fuzz_errors_since(mark) == 1);
		FUZZ_CHECK(strstr(fuzz_last_error, "loader/loader.conf"));
	}
	free(text);
	conf_text = fuzz_string(&in, SEP); /* skip the section */
	free(conf_text);

	/* The firmware's load options: a C string. */
	options = fuzz_string(&in, SEP);
	mark = fuzz_errors;
	has_id = config_load_options_entry_id(options, id, sizeof(id));
	FUZZ_CHECK(has_id == 0 || has_id == 1 || documented(has_id));
	FUZZ_CHECK(fuzz_errors_since(mark) == (has_id < 0 ? 1u : 0u));

	while (in.n && files < MAX_FILES) {
		name = fuzz_string(&in, '\n');
		end = memchr(in.p, SEP, in.n);
		len = end ? (size_t)(end - in.p) : in.n;
		text = fuzz_dup(in.p, len);
		files++;
		if (strlen(name) <= NAME_MAX_LEN && config_is_entry_file_name(name)) {
			size_t used = strings.used;
			mark = fuzz_errors;
			r = bls_entry_parse(name, (const char *)text, len, &entries[count],
					    &strings);
			/* An entry takes at most its share; a refused one gives it back. */
			FUZZ_CHECK(strings.used - used <= (r ? 0 : KB_ENTRY_STRINGS_MAX));
			if (r == 0) {
				check_entry(&entries[count]);
				FUZZ_CHECK(fuzz_errors_since(mark) == 0);
				count++;
			} else {
				FUZZ_CHECK(documented(r) && fuzz_errors_since(mark) == 1);
				FUZZ_CHECK(strncmp(fuzz_last_error + strlen(FUZZ_ERROR_PREFIX),
						   "loader/entries/", 15) == 0);
			}
		}
		free(text);
		free(name);
		free(fuzz_string(&in, SEP));
	}

	check_select(count, have_conf ? &conf : NULL, has_id == 1 ? id : NULL);
	if (have_conf)
		check_select(count, NULL, NULL);
	free(options);
	return 0;
}
