/* SPDX-License-Identifier: BSD-2-Clause */
/* BLS Type #1 entry files (\loader\entries\*.conf). */
#include <string.h>

#include "lib/ascii.h"
#include "lib/err.h"
#include "lib/log.h"
#include "loader/config.h"
#include "loader/config_text.h"

/* `profile` values: systemd 257 src/fundamental/uki.h UNIFIED_PROFILES_MAX. */
#define UKI_PROFILE_LIMIT 256u

#define ENTRY_SUFFIX     ".conf"
#define ENTRY_SUFFIX_LEN 5
#define ENTRIES_DIR      "loader/entries/"
#define PAYLOAD_KEY      "kaslboot-payload"

static bool ascii_eq_nocase(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

bool config_is_entry_file_name(const char *file_name)
{
	size_t n = strlen(file_name);

	return n > ENTRY_SUFFIX_LEN &&
	       ascii_eq_nocase(file_name + n - ENTRY_SUFFIX_LEN, ENTRY_SUFFIX_LEN, ENTRY_SUFFIX);
}

/* BLS file names: "ASCII upper and lower case characters, digits, "+", "-", "_" and ".". */
static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '_' || c == '.';
}

/* A boot counter at most this big: 9 digits always fit below KB_TRIES_NONE, and no real
 * counter comes near it. */
#define COUNTER_MAX_DIGITS 9

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Parses decimal digits s[0..n) into *v; false if empty, not all digits, or too big. */
static bool parse_counter(const char *s, size_t n, unsigned int *v)
{
	unsigned long long x = 0;

	if (n > COUNTER_MAX_DIGITS || !all_digits(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (unsigned)(s[i] - '0');
	*v = (unsigned int)x;
	return true;
}

/* BLS "Boot counting": "name+LEFT.conf" or "name+LEFT-DONE.conf". The counter is not part
 * of the id, so `default` and load options keep naming the entry while it counts down. */
size_t config_strip_boot_counter(const char *dir, const char *name, size_t n, const char *suffix,
				 struct kb_entry *e)
{
	const char *plus = NULL;
	unsigned int left, done = 0;

	for (size_t i = n; i > 0; i--) {
		if (name[i - 1] == '+') {
			plus = name + i - 1;
			break;
		}
	}
	if (!plus || plus == name)
		return n;
	const char *nums = plus + 1;
	size_t rest = n - (size_t)(nums - name);
	const char *dash = memchr(nums, '-', rest);
	size_t left_len = dash ? (size_t)(dash - nums) : rest;
	size_t done_len = dash ? rest - left_len - 1 : 0;
	if (!parse_counter(nums, left_len, &left) ||
	    (dash && !parse_counter(dash + 1, done_len, &done))) {
		/* Digits that do not fit are a counter gone wrong, not part of a name: say so
		 * and boot the entry without counting, as systemd-boot does. */
		if (all_digits(nums, left_len) && (!dash || all_digits(dash + 1, done_len)))
			log_warn("%s%.*s%s: boot counter '%.*s' is too large (at most %d "
				 "digits): not counted",
				 dir, (int)n, name, suffix, (int)(n - (size_t)(plus - name)), plus,
				 COUNTER_MAX_DIGITS);
		return n;
	}
	e->tries_left = left;
	e->tries_done = done;
	return (size_t)(plus - name);
}

static int set_id(const char *file_name, struct kb_entry *e)
{
	size_t n = strlen(file_name);

	if (!config_is_entry_file_name(file_name))
		return log_error_ret(KB_EINVAL, ENTRIES_DIR "%s: not a .conf entry file",
				     file_name);
	if (n >= KB_ID_MAX)
		return log_error_ret(KB_ERANGE,
				     ENTRIES_DIR "%.64s...: file name is longer than %d characters",
				     file_name, KB_ID_MAX - 1);
	n -= ENTRY_SUFFIX_LEN;
	for (size_t i = 0; i < n; i++) {
		if (!is_id_char(file_name[i]))
			return log_error_ret(KB_EINVAL,
					     ENTRIES_DIR
					     "%s: file name has '%c', outside the Boot Loader "
					     "Specification's set [A-Za-z0-9+-_.]",
					     file_name, file_name[i]);
	}
	memcpy(e->file_name, file_name, strlen(file_name) + 1);
	n = config_strip_boot_counter(ENTRIES_DIR, file_name, n, ENTRY_SUFFIX, e);
	memcpy(e->id, file_name, n);
	e->id[n] = '\0';
	/* systemd-boot's id: the name as one would write it in loader.conf, lower case. */
	for (size_t i = 0; i < n; i++)
		e->bli_id[i] = ascii_lower(file_name[i]);
	memcpy(e->bli_id + n, ENTRY_SUFFIX, sizeof(ENTRY_SUFFIX));
	return KB_OK;
}

/* Single-valued keys: the last line wins, as in systemd-boot, but say so. */
static void warn_repeat(const struct config_reader *r, const struct config_line *l,
			const char *current)
{
	if (current[0])
		log_warn("%s:%u: '%.*s' given again; the last one is used", r->file, r->line_no,
			 (int)l->key_len, l->key);
}

/* What an entry names besides `linux`: `efi PATH` (257: any EFI program) or `uki PATH`
 * (258: a UKI anywhere on the ESP). `linux`, when the entry also has it, wins. */
struct program {
	char path[KB_PATH_MAX];
	enum kb_payload kind;
};

/* One parse: the entry, where its strings go, and what is gathered before they are known
 * (the joined `options`, which the arena takes once, at the end). */
struct entry_parse {
	struct kb_entry *e;
	struct str_arena *strings;
	bool has_efi;
	struct program program;
	char options[KB_CMDLINE_MAX];
};

/* A path value (`initrd`, `devicetree-overlay`) checked and copied into the arena. */
static int add_path(const struct config_reader *r, const struct config_line *l,
		    struct entry_parse *p, const char **out)
{
	char path[KB_PATH_MAX];
	int err = config_path_copy(r, l, path, sizeof(path));
	if (err)
		return err;
	*out = str_arena_add(p->strings, path, strlen(path));
	if (!*out)
		return log_error_ret(KB_ENOMEM, "%s:%u: no room for the entry's paths", r->file,
				     r->line_no);
	return KB_OK;
}

/* BLS `devicetree-overlay`: one or more paths separated by spaces, applied in order; a
 * second line adds to the list. */
static int parse_overlays(const struct config_reader *r, const struct config_line *l,
			  struct entry_parse *p)
{
	struct kb_entry *e = p->e;
	struct config_line word = *l;
	const char *v = l->value, *end = l->value + l->value_len;
	while (v < end) {
		if (*v == ' ' || *v == '\t') {
			v++;
			continue;
		}
		const char *w = v;
		while (v < end && *v != ' ' && *v != '\t')
			v++;
		if (e->overlay_count == KB_MAX_OVERLAYS)
			return log_error_ret(KB_ERANGE,
					     "%s:%u: more than %d 'devicetree-overlay' files",
					     r->file, r->line_no, KB_MAX_OVERLAYS);
		word.value = w;
		word.value_len = (size_t)(v - w);
		int err = add_path(r, &word, p, &e->overlay[e->overlay_count]);
		if (err)
			return err;
		e->overlay_count++;
	}
	return KB_OK;
}

static int parse_program(const struct config_reader *r, const struct config_line *l,
			 struct program *p)
{
	warn_repeat(r, l, p->path);
	p->kind = config_key_is(l, "efi") ? KB_PAYLOAD_EFI : KB_PAYLOAD_UKI;
	return config_path_copy(r, l, p->path, sizeof(p->path));
}

/* `profile N` (259): the profile of the `uki` to boot. */
static int parse_profile(const struct config_reader *r, const struct config_line *l,
			 struct kb_entry *e)
{
	unsigned v = 0;
	for (size_t i = 0; i < l->value_len; i++) {
		if (l->value[i] < '0' || l->value[i] > '9' || v >= UKI_PROFILE_LIMIT)
			return log_error_ret(KB_EINVAL, "%s:%u: profile '%.*s': expected 0 to %u",
					     r->file, r->line_no, (int)l->value_len, l->value,
					     UKI_PROFILE_LIMIT - 1);
		v = v * 10 + (unsigned)(l->value[i] - '0');
	}
	if (!l->value_len || v >= UKI_PROFILE_LIMIT)
		return log_error_ret(KB_EINVAL, "%s:%u: profile '%.*s': expected 0 to %u", r->file,
				     r->line_no, (int)l->value_len, l->value,
				     UKI_PROFILE_LIMIT - 1);
	e->profile = v;
	return KB_OK;
}

static int parse_line(const struct config_reader *r, const struct config_line *l,
		      struct entry_parse *p)
{
	struct kb_entry *e = p->e;
	if (config_key_is(l, "title")) {
		warn_repeat(r, l, e->title);
		return config_value_copy(r, l, e->title, sizeof(e->title));
	}
	if (config_key_is(l, "version")) {
		warn_repeat(r, l, e->version);
		return config_value_copy(r, l, e->version, sizeof(e->version));
	}
	if (config_key_is(l, "machine-id")) {
		warn_repeat(r, l, e->machine_id);
		return config_value_copy(r, l, e->machine_id, sizeof(e->machine_id));
	}
	if (config_key_is(l, "sort-key")) {
		warn_repeat(r, l, e->sort_key);
		return config_value_copy(r, l, e->sort_key, sizeof(e->sort_key));
	}
	if (config_key_is(l, "linux")) {
		warn_repeat(r, l, e->linux_path);
		return config_path_copy(r, l, e->linux_path, sizeof(e->linux_path));
	}
	if (config_key_is(l, "devicetree")) {
		warn_repeat(r, l, e->devicetree);
		return config_path_copy(r, l, e->devicetree, sizeof(e->devicetree));
	}
	if (config_key_is(l, "devicetree-overlay"))
		return parse_overlays(r, l, p);
	if (config_key_is(l, "initrd")) {
		if (e->initrd_count == KB_MAX_INITRDS)
			return log_error_ret(KB_ERANGE, "%s:%u: more than %d 'initrd' lines",
					     r->file, r->line_no, KB_MAX_INITRDS);
		int err = add_path(r, l, p, &e->initrd[e->initrd_count]);
		if (!err)
			e->initrd_count++;
		return err;
	}
	if (config_key_is(l, "options")) {
		char words[KB_CMDLINE_MAX];
		int err = config_value_copy(r, l, words, sizeof(words));
		if (err)
			return err;
		if (cmdline_append(p->options, sizeof(p->options), words))
			return log_error_ret(KB_ERANGE,
					     "%s:%u: 'options' lines add up to more than %d bytes",
					     r->file, r->line_no, KB_CMDLINE_MAX - 1);
		return KB_OK;
	}
	if (config_key_is(l, "architecture")) {
		/* BLS: hide entries for another architecture, compared case-insensitively. */
		if (!ascii_eq_nocase(l->value, l->value_len, KB_ARCH_NAME)) {
			log_info("%s:%u: architecture '%.*s' is not " KB_ARCH_NAME
				 ": entry hidden", r->file, r->line_no, (int)l->value_len,
				 l->value);
			e->hidden = true;
		}
		return KB_OK;
	}
	if (config_key_is(l, PAYLOAD_KEY)) {
		if (config_value_is(l, "linux")) {
			e->payload = KB_PAYLOAD_LINUX;
		} else if (config_value_is(l, "mmu-on")) {
			e->payload = KB_PAYLOAD_MMU_ON;
		} else {
			return log_error_ret(KB_EINVAL,
					     "%s:%u: " PAYLOAD_KEY
					     " '%.*s': expected 'linux' or 'mmu-on'",
					     r->file, r->line_no, (int)l->value_len, l->value);
		}
		return KB_OK;
	}
	if (config_key_is(l, "efi") || config_key_is(l, "uki")) {
		p->has_efi = true;
		return parse_program(r, l, &p->program);
	}
	if (config_key_is(l, "profile"))
		return parse_profile(r, l, e);
	/* A UKI over the network (258): not bootable here. */
	if (config_key_is(l, "uki-url")) {
		p->has_efi = true;
		return KB_OK;
	}
	/* BLS: unknown keys are ignored, so newer entries still boot. */
	return log_warn_ret(KB_OK, "%s:%u: unknown key '%.*s' ignored", r->file, r->line_no,
			    (int)l->key_len, l->key);
}

/* The parse proper; bls_entry_parse gives the arena back when it fails. */
static int parse(const char *file_name, const char *text, size_t len, struct entry_parse *p)
{
	struct kb_entry *e = p->e;
	struct config_reader r;
	struct config_line l;
	int ret = set_id(file_name, e);
	if (ret)
		return ret;

	config_reader_init(&r, ENTRIES_DIR, file_name, text, len);
	while ((ret = config_reader_next(&r, &l)) > 0) {
		ret = parse_line(&r, &l, p);
		if (ret)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (p->options[0]) {
		e->options = str_arena_add(p->strings, p->options, strlen(p->options));
		if (!e->options)
			return log_error_ret(KB_ENOMEM, "%s: no room for the entry's options",
					     r.file);
	}

	if (e->hidden)
		return KB_OK;
	if (!e->linux_path[0] && p->program.path[0]) {
		memcpy(e->linux_path, p->program.path, sizeof(p->program.path));
		e->payload = p->program.kind;
		return KB_OK;
	}
	if (!e->linux_path[0]) {
		if (p->has_efi) {
			log_info("%s: a 'uki-url' entry without 'linux': entry hidden", r.file);
			e->hidden = true;
			return KB_OK;
		}
		return log_error_ret(KB_EINVAL, "%s: no 'linux' line: the entry names no kernel",
				     r.file);
	}
	return KB_OK;
}

int bls_entry_parse(const char *file_name, const char *text, size_t len, struct kb_entry *e,
		    struct str_arena *strings)
{
	/* Static: 4 KiB of options, filled one entry at a time (the loader is single
	 * threaded). Only the words set are reset, not the whole buffer. */
	static struct entry_parse p;
	size_t used = strings->used;

	memset(e, 0, sizeof(*e));
	e->tries_left = KB_TRIES_NONE;
	e->payload = KB_PAYLOAD_LINUX;
	e->options = "";
	p.e = e;
	p.strings = strings;
	p.has_efi = false;
	p.program.path[0] = 0;
	p.program.kind = KB_PAYLOAD_LINUX;
	p.options[0] = 0;
	int ret = parse(file_name, text, len, &p);
	if (ret)
		strings->used = used; /* what the failed entry added is unused */
	return ret;
}
