/* SPDX-License-Identifier: BSD-2-Clause */
/* Choosing what to boot: default glob, firmware load options, the bare-ESP default, and
 * the conversion of BLS paths to UEFI file paths. */
#include <string.h>

#include "lib/ascii.h"
#include "lib/err.h"
#include "lib/log.h"
#include "loader/config.h"

#define LOAD_OPTION_ENTRY_KEY     "entry="
#define LOAD_OPTION_ENTRY_KEY_LEN 6
#define EFI_SUFFIX                ".efi"
#define EFI_SUFFIX_LEN            4
#define DEFAULT_ENTRY_ID          "default"

/* The bare-ESP default: the names distributions and `make esp` give a kernel/initrd. */
static const char *const default_kernels[] = { "/Image", "/vmlinuz" };
#define DEFAULT_INITRD "/initrd.img"

/* ---- glob ------------------------------------------------------------------------------ */

/* A bracket expression; p is just past '['. Returns the pattern just past the closing ']'
 * and sets *matched, or NULL if there is no closing ']' (then '[' is an ordinary char). */
static const char *match_bracket(const char *p, unsigned char c, bool *matched)
{
	bool negate = false, hit = false, first = true;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (;;) {
		unsigned char lo = (unsigned char)*p, hi;

		if (lo == '\0')
			return NULL;
		if (lo == ']' && !first)
			break;
		first = false;
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	*matched = hit != negate;
	return p + 1;
}

bool config_glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	/* Greedy match with backtracking to the last '*': a later '*' can absorb anything an
	 * earlier one could, so only the last needs retrying (linear in practice). */
	while (*s) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s++;
			continue;
		}
		if (*p == '[') {
			bool matched;
			const char *after = match_bracket(p + 1, (unsigned char)*s, &matched);
			if (after && matched) {
				p = after;
				s++;
				continue;
			}
			if (!after && *s == '[') {
				p++;
				s++;
				continue;
			}
		} else if (*p == '\\') {
			/* A trailing '\' escapes nothing and matches nothing, as in glibc. */
			if (p[1] && p[1] == *s) {
				p += 2;
				s++;
				continue;
			}
		} else if (*p && *p == *s) {
			p++;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* ---- load options ---------------------------------------------------------------------- */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '_' || c == '.';
}

/* The firmware or shell may pass the image's own path first ("\EFI\BOOT\BOOTAA64.EFI",
 * "fs0:BOOTAA64.EFI", "BOOTAA64.EFI"): a separator or an ".efi" ending gives it away. */
static bool looks_like_image_path(const char *w, size_t n)
{
	if (memchr(w, '\\', n) || memchr(w, '/', n))
		return true;
	if (n < EFI_SUFFIX_LEN)
		return false;
	for (size_t i = 0; i < EFI_SUFFIX_LEN; i++)
		if (ascii_lower(w[n - EFI_SUFFIX_LEN + i]) != EFI_SUFFIX[i])
			return false;
	return true;
}

int config_load_options_entry_id(const char *options, char *id, size_t id_size)
{
	const char *p = options ? options : "";

	while (*p) {
		while (is_blank(*p))
			p++;
		const char *w = p;
		while (*p && !is_blank(*p))
			p++;
		size_t n = (size_t)(p - w);
		if (n == 0 || looks_like_image_path(w, n))
			continue;
		if (n >= LOAD_OPTION_ENTRY_KEY_LEN &&
		    memcmp(w, LOAD_OPTION_ENTRY_KEY, LOAD_OPTION_ENTRY_KEY_LEN) == 0) {
			w += LOAD_OPTION_ENTRY_KEY_LEN;
			n -= LOAD_OPTION_ENTRY_KEY_LEN;
		}
		if (n == 0)
			return log_error_ret(KB_EINVAL, "load options: 'entry=' names no entry");
		if (n >= id_size)
			return log_error_ret(
				KB_ERANGE,
				"load options: entry id '%.32s...' is longer than %zu characters",
				w, id_size - 1);
		for (size_t i = 0; i < n; i++) {
			if (!is_id_char(w[i]))
				return log_error_ret(
					KB_EINVAL,
					"load options: entry id '%.*s' has '%c', outside "
					"[A-Za-z0-9+-_.]",
					(int)n, w, w[i]);
		}
		memcpy(id, w, n);
		id[n] = '\0';
		while (is_blank(*p))
			p++;
		if (*p)
			log_warn("load options: ignoring '%s' after entry id '%s'", p, id);
		return 1;
	}
	return 0;
}

/* ---- selection ------------------------------------------------------------------------- */

static bool nocase_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

bool config_entry_named(const struct kb_entry *e, const char *name)
{
	return name && name[0] &&
	       (nocase_equal(e->bli_id, name) || nocase_equal(e->id, name) ||
		(e->file_name[0] && nocase_equal(e->file_name, name)));
}

/* The first visible entry in sorted order that `name` names, or count. */
static unsigned int find_named(const struct kb_entry *entries, const unsigned int *sorted,
			       unsigned int count, const char *name)
{
	for (unsigned int i = 0; i < count; i++)
		if (!entries[sorted[i]].hidden && config_entry_named(&entries[sorted[i]], name))
			return sorted[i];
	return count;
}

/* A default chosen by a rule rather than by name: the first visible, good (tries left)
 * entry in sorted order that `pattern` matches (NULL: any). A bad one only when no good
 * entry exists at all. */
static unsigned int find_default(const struct kb_entry *entries, const unsigned int *sorted,
				 unsigned int count, const char *pattern)
{
	unsigned int bad = count;
	bool any_good = false;
	for (unsigned int i = 0; i < count; i++) {
		const struct kb_entry *e = &entries[sorted[i]];
		if (e->hidden)
			continue;
		any_good |= e->tries_left != 0;
		if (pattern && !config_glob_match(pattern, e->bli_id) &&
		    !config_glob_match(pattern, e->id))
			continue;
		if (e->tries_left != 0)
			return sorted[i];
		if (bad == count)
			bad = sorted[i];
	}
	return any_good ? count : bad;
}

/* LoaderEntryDefault: a good entry of that name, else the rule-based default decides. */
static unsigned int find_named_good(const struct kb_entry *entries, const unsigned int *sorted,
				    unsigned int count, const char *name)
{
	unsigned int i = find_named(entries, sorted, count, name);
	if (i < count && entries[i].tries_left == 0 &&
	    find_default(entries, sorted, count, NULL) != i)
		return count;
	return i;
}

int config_select(const struct kb_entry *entries, unsigned int count,
		  const struct kb_loader_conf *conf, const struct kb_select_request *req,
		  unsigned int *order)
{
	static const struct kb_select_request none;
	unsigned int visible = 0, first = count, n = 0;
	const char *why = "the first entry";

	if (!req)
		req = &none;
	for (unsigned int i = 0; i < count; i++)
		visible += !entries[i].hidden;
	if (visible == 0)
		return log_error_ret(KB_ENOENT, "no bootable entry in loader/entries");
	/* order doubles as the sorted list; the chosen entry is rotated to its front. */
	config_sort(entries, count, order);

	if (req->requested_id && req->requested_id[0]) {
		first = find_named(entries, order, count, req->requested_id);
		if (first == count)
			log_warn("load options name entry '%s', which is not a bootable entry",
				 req->requested_id);
		else
			why = "the load options";
	}
	if (first == count && req->oneshot_id && req->oneshot_id[0]) {
		first = find_named(entries, order, count, req->oneshot_id);
		if (first == count)
			log_warn("LoaderEntryOneShot names entry '%s', which is not a bootable entry",
				 req->oneshot_id);
		else
			why = "LoaderEntryOneShot";
	}
	if (first == count && req->default_var_id && req->default_var_id[0]) {
		first = find_named_good(entries, order, count, req->default_var_id);
		if (first == count)
			log_warn("LoaderEntryDefault names entry '%s', which is not a bootable "
				 "entry with tries left", req->default_var_id);
		else
			why = "LoaderEntryDefault";
	}
	if (first == count && conf && conf->default_pattern[0]) {
		if (!strcmp(conf->default_pattern, "@saved")) {
			if (req->saved_id && req->saved_id[0])
				first = find_named_good(entries, order, count, req->saved_id);
			if (first < count)
				why = "loader.conf default @saved";
		} else {
			first = find_default(entries, order, count, conf->default_pattern);
			if (first == count)
				log_warn("loader/loader.conf: default '%s' matches no bootable entry "
					 "with tries left", conf->default_pattern);
			else
				why = "loader.conf default";
		}
	}
	if (first == count)
		first = find_default(entries, order, count, NULL);

	log_info("entry '%s' chosen by %s; %u fallback(s)", entries[first].id, why,
		 visible - 1);
	/* The visible entries in sorted order, then the chosen one moved to the front. */
	for (unsigned int i = 0; i < count; i++)
		if (!entries[order[i]].hidden)
			order[n++] = order[i];
	unsigned int pos = 0;
	while (order[pos] != first)
		pos++;
	memmove(&order[1], &order[0], pos * sizeof(order[0]));
	order[0] = first;
	return (int)n;
}

/* ---- bare ESP -------------------------------------------------------------------------- */

int config_default_entry(struct kb_entry *out,
			 bool (*exists)(const char *path, void *ctx), void *ctx)
{
	memset(out, 0, sizeof(*out));
	out->payload = KB_PAYLOAD_LINUX;
	out->tries_left = KB_TRIES_NONE;
	out->options = "";
	memcpy(out->id, DEFAULT_ENTRY_ID, sizeof(DEFAULT_ENTRY_ID));
	/* No file, so no ".conf": systemd-boot's ids for entries it found itself look alike. */
	memcpy(out->bli_id, DEFAULT_ENTRY_ID, sizeof(DEFAULT_ENTRY_ID));
	for (size_t i = 0; i < sizeof(default_kernels) / sizeof(default_kernels[0]); i++) {
		if (exists(default_kernels[i], ctx)) {
			memcpy(out->linux_path, default_kernels[i], strlen(default_kernels[i]) + 1);
			break;
		}
	}
	if (!out->linux_path[0])
		return log_error_ret(KB_ENOENT,
				     "no loader/entries and no /Image or /vmlinuz at the ESP root: "
				     "nothing to boot");
	if (exists(DEFAULT_INITRD, ctx)) {
		out->initrd[0] = DEFAULT_INITRD;
		out->initrd_count = 1;
	}
	log_info("no boot entries: booting %s%s%s from the ESP root", out->linux_path,
		 out->initrd_count ? " with " : "", out->initrd_count ? out->initrd[0] : "");
	return KB_OK;
}
