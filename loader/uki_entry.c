/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/uki_entry.h"

#include <string.h>

#include "formats/pe_sections.h"
#include "formats/uki.h"
#include "lib/ascii.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/file_load.h"

#define EFI_SUFFIX      ".efi"
#define EFI_SUFFIX_LEN  4u
#define AUTO_PREFIX     "auto-"
#define AUTO_PREFIX_LEN 5u
/* The headers and section table of a UKI: ukify's fit in one page; 64 KiB leaves room
 * for hundreds of profiles and costs one read. */
#define UKI_HEADERS_MAX (64u * 1024u)
/* .osrel, .profile: a few hundred bytes in practice. */
#define UKI_TEXT_MAX (64u * 1024u)

static bool nocase_prefix(const char *s, size_t n, const char *p, size_t pn)
{
	if (n < pn)
		return false;
	for (size_t i = 0; i < pn; i++)
		if (ascii_lower(s[i]) != p[i])
			return false;
	return true;
}

bool uki_is_entry_file_name(const char *name)
{
	size_t n = strlen(name);
	return n > EFI_SUFFIX_LEN && name[0] != '.' &&
	       nocase_prefix(name + n - EFI_SUFFIX_LEN, EFI_SUFFIX_LEN, EFI_SUFFIX,
			     EFI_SUFFIX_LEN) &&
	       !nocase_prefix(name, n, AUTO_PREFIX, AUTO_PREFIX_LEN);
}

/* One open UKI while its entries are made. */
struct uki_scan {
	const struct kb_platform *pf;
	const char *path;
	void *fh;
	struct pe_table table;
	char *text; /* UKI_TEXT_MAX + 1 bytes of pool */
	struct str_arena *strings; /* the entries' options */
};

/* Section idx's bytes into s->text, NUL-terminated; KB_ERANGE (warned) past UKI_TEXT_MAX. */
static int read_text(struct uki_scan *s, unsigned idx, size_t *len)
{
	struct pe_section sec;
	pe_table_get(&s->table, idx, &sec);
	if (sec.size > UKI_TEXT_MAX)
		return log_warn_ret(KB_ERANGE, "%s: section %s is %u bytes, more than %u", s->path,
				    sec.name, sec.size, UKI_TEXT_MAX);
	int rc = s->pf->file_read(s->pf->ctx, s->fh, sec.offset, s->text, sec.size);
	if (rc)
		return rc;
	s->text[sec.size] = 0;
	*len = sec.size;
	return 0;
}

/* id, title, version, sort key of one profile; 0, or why it is not an entry (logged). */
static int fill_entry(struct uki_scan *s, const char *name, const struct uki_profile_view *v,
		      struct kb_entry *e)
{
	struct uki_osrel osrel;
	struct uki_profile_info info = { { 0 }, { 0 } };
	const char *title, *version, *sort_key;
	size_t len, n = strlen(name) - EFI_SUFFIX_LEN;
	int rc = read_text(s, v->index[UKI_OSREL], &len);
	if (!rc)
		rc = uki_osrel_parse(s->text, len, &osrel, s->path);
	if (rc)
		return rc;
	if (!uki_osrel_pick(&osrel, &title, &version, &sort_key))
		return log_warn_ret(KB_ENOENT, "%s: .osrel names no OS: not an entry", s->path);
	if (v->index[UKI_PROFILE] != UKI_NO_SECTION) {
		rc = read_text(s, v->index[UKI_PROFILE], &len);
		if (!rc)
			rc = uki_profile_info_parse(s->text, len, &info, s->path);
		if (rc)
			return rc;
	}
	e->kind = KB_ENTRY_TYPE2;
	e->payload = KB_PAYLOAD_UKI;
	e->profile = v->profile;
	e->tries_left = KB_TRIES_NONE;
	memcpy(e->file_name, name, strlen(name) + 1);
	n = config_strip_boot_counter(UKI_ENTRIES_DIR "/", name, n, name + n, e);
	for (size_t i = 0; i < n; i++)
		e->id[i] = ascii_lower(name[i]);
	memcpy(e->id + n, EFI_SUFFIX, sizeof(EFI_SUFFIX));
	if (v->profile > 0) {
		e->id_base_len = (unsigned)(n + EFI_SUFFIX_LEN);
		if (info.id[0])
			kfmt_snprintf(e->id + e->id_base_len, sizeof(e->id) - e->id_base_len, "@%s",
				      info.id);
		else
			kfmt_snprintf(e->id + e->id_base_len, sizeof(e->id) - e->id_base_len, "@%u",
				      v->profile);
	}
	memcpy(e->bli_id, e->id, sizeof(e->id));
	if (info.title[0] || (v->profile > 0 && info.id[0]))
		kfmt_snprintf(e->title, sizeof(e->title), "%s (%s)", title,
			      info.title[0] ? info.title : info.id);
	else if (v->profile > 0)
		kfmt_snprintf(e->title, sizeof(e->title), "%s (Profile #%u)", title,
			      v->profile + 1);
	else
		kfmt_snprintf(e->title, sizeof(e->title), "%s", title);
	if (version)
		kfmt_snprintf(e->version, sizeof(e->version), "%s", version);
	if (sort_key)
		kfmt_snprintf(e->sort_key, sizeof(e->sort_key), "%s", sort_key);
	kfmt_snprintf(e->linux_path, sizeof(e->linux_path), "%s", s->path);
	/* The command line, for the menu and its editor: a boot takes it from the verified
	 * file. One longer than an entry holds is left out here. */
	if (v->index[UKI_CMDLINE] != UKI_NO_SECTION && !read_text(s, v->index[UKI_CMDLINE], &len) &&
	    len < KB_CMDLINE_MAX) {
		char *options = str_arena_add(s->strings, s->text, len);
		if (options) {
			uki_cmdline_mangle(options);
			e->options = options;
			e->options_implied = true;
		}
	}
	return 0;
}

static int scan_profiles(struct uki_scan *s, const char *name, uki_entry_slot_fn slot, void *ctx,
			 unsigned *added)
{
	for (unsigned p = 0; p < UKI_PROFILES_MAX; p++) {
		struct uki_profile_view v;
		if (uki_profile_select(&s->table, p, &v))
			break; /* no profile p > 0 */
		if (v.index[UKI_OSREL] == UKI_NO_SECTION)
			continue;
		struct kb_entry *e = slot(ctx, *added);
		if (!e)
			return log_error_ret(KB_ENOMEM, "%s: no memory for its entries", s->path);
		memset(e, 0, sizeof(*e));
		e->options = "";
		int rc = fill_entry(s, name, &v, e);
		if (rc == KB_EIO)
			return rc;
		if (!rc)
			(*added)++; /* else the next profile reuses the slot */
	}
	return 0;
}

int uki_entries_from_file(const struct kb_platform *pf, const char *name, uki_entry_slot_fn slot,
			  void *ctx, struct str_arena *strings, unsigned *added)
{
	char path[KB_PATH_MAX];
	uint64_t size;
	void *head = NULL;
	struct uki_scan s = { .pf = pf, .path = path, .strings = strings };
	*added = 0;
	if (kfmt_snprintf(path, sizeof(path), UKI_ENTRIES_DIR "/%s", name) >= (int)sizeof(path))
		return log_error_ret(KB_ERANGE, UKI_ENTRIES_DIR "/%.64s...: path too long", name);
	int rc = kb_file_open(pf, path, &s.fh, &size);
	if (rc)
		return rc;
	size_t head_len = size < UKI_HEADERS_MAX ? (size_t)size : UKI_HEADERS_MAX;
	head = pf->pool_alloc(pf->ctx, head_len ? head_len : 1);
	s.text = pf->pool_alloc(pf->ctx, UKI_TEXT_MAX + 1);
	if (!head || !s.text) {
		rc = log_error_ret(KB_ENOMEM, "%s: no memory to read its headers", path);
		goto out;
	}
	rc = pf->file_read(pf->ctx, s.fh, 0, head, head_len);
	if (!rc)
		rc = pe_table_init(&s.table, head, head_len, size, path);
	if (!rc)
		rc = scan_profiles(&s, name, slot, ctx, added);
out:
	if (s.text)
		pf->pool_free(pf->ctx, s.text);
	if (head)
		pf->pool_free(pf->ctx, head);
	pf->file_close(pf->ctx, s.fh);
	return rc;
}
