/* SPDX-License-Identifier: BSD-2-Clause */
#include "formats/uki.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"

const char *const uki_section_names[UKI_SECTION_COUNT] = {
	[UKI_LINUX] = ".linux",     [UKI_OSREL] = ".osrel",     [UKI_CMDLINE] = ".cmdline",
	[UKI_INITRD] = ".initrd",   [UKI_UCODE] = ".ucode",     [UKI_SPLASH] = ".splash",
	[UKI_DTB] = ".dtb",         [UKI_UNAME] = ".uname",     [UKI_SBAT] = ".sbat",
	[UKI_PCRSIG] = ".pcrsig",   [UKI_PCRPKEY] = ".pcrpkey", [UKI_PROFILE] = ".profile",
	[UKI_DTBAUTO] = ".dtbauto", [UKI_HWIDS] = ".hwids",
};

/* ---- profiles ------------------------------------------------------------------------- */

unsigned uki_profile_count(const struct pe_table *t)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->count; i++)
		n += pe_table_name_is(t, i, uki_section_names[UKI_PROFILE]);
	return n;
}

/* The table range [*from, *to) of `profile` (starting at its .profile section), or of the
 * base for UKI_NO_SECTION. False when there is no such profile. */
static bool profile_range(const struct pe_table *t, unsigned profile, unsigned *from, unsigned *to)
{
	const char *mark = uki_section_names[UKI_PROFILE];
	unsigned seen = 0, i = 0;
	if (profile != UKI_NO_SECTION) {
		for (;; i++) {
			if (i == t->count)
				return false;
			if (pe_table_name_is(t, i, mark) && seen++ == profile)
				break;
		}
	}
	*from = i;
	for (i = profile == UKI_NO_SECTION ? i : i + 1; i < t->count; i++)
		if (pe_table_name_is(t, i, mark))
			break;
	*to = i;
	return true;
}

/* The first section of each kind in [from, to), over what *v had; the range's .dtbauto
 * candidates go before those already listed. */
static void locate(const struct pe_table *t, unsigned from, unsigned to, struct uki_profile_view *v)
{
	unsigned dtbauto[UKI_DTBAUTO_MAX], n = 0;
	for (unsigned k = 0; k < UKI_SECTION_COUNT; k++) {
		int i = pe_table_find(t, from, to, uki_section_names[k]);
		if (i >= 0)
			v->index[k] = (unsigned)i;
	}
	for (unsigned i = from; i < to && n < UKI_DTBAUTO_MAX; i++)
		if (pe_table_name_is(t, i, uki_section_names[UKI_DTBAUTO]))
			dtbauto[n++] = i;
	for (unsigned i = 0; i < v->n_dtbauto && n < UKI_DTBAUTO_MAX; i++)
		dtbauto[n++] = v->dtbauto[i];
	memcpy(v->dtbauto, dtbauto, n * sizeof(dtbauto[0]));
	v->n_dtbauto = n;
}

int uki_profile_select(const struct pe_table *t, unsigned profile, struct uki_profile_view *v)
{
	unsigned from, to;
	memset(v, 0, sizeof(*v));
	memset(v->index, 0xff, sizeof(v->index)); /* UKI_NO_SECTION */
	v->profile = profile;
	profile_range(t, UKI_NO_SECTION, &from, &to);
	locate(t, from, to, v);
	if (profile_range(t, profile, &from, &to))
		locate(t, from, to, v);
	else if (profile > 0)
		return KB_ENOENT;
	return 0;
}

unsigned uki_profile_sections(const struct uki_profile_view *v, unsigned dtbauto_index,
			      struct uki_section_ref *out)
{
	unsigned n = 0;
	for (unsigned k = 0; k < UKI_SECTION_COUNT; k++) {
		unsigned idx = k == UKI_DTBAUTO ? dtbauto_index : v->index[k];
		if (idx == UKI_NO_SECTION)
			continue;
		/* Insertion into file order: at most UKI_SECTION_COUNT elements. */
		unsigned at = n++;
		while (at > 0 && out[at - 1].index > idx) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = (struct uki_section_ref){ (enum uki_section_kind)k, idx };
	}
	return n;
}

/* ---- os-release text ------------------------------------------------------------------ */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

void osrel_iter_init(struct osrel_iter *it, const void *text, size_t len)
{
	it->text = text;
	/* The text ends at its first NUL, as a C string does for systemd-boot. */
	const char *nul = memchr(text, 0, len);
	it->len = nul ? (size_t)(nul - it->text) : len;
	it->pos = 0;
}

bool osrel_next(struct osrel_iter *it, struct osrel_kv *kv)
{
	while (it->pos < it->len) {
		const char *line = it->text + it->pos;
		size_t n = 0;
		while (it->pos + n < it->len && line[n] != '\n' && line[n] != '\r')
			n++;
		it->pos += n + (it->pos + n < it->len);
		while (n && is_blank(*line)) {
			line++;
			n--;
		}
		while (n && is_blank(line[n - 1]))
			n--;
		if (!n || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', n);
		if (!eq)
			continue;
		const char *v = eq + 1, *end = line + n;
		while (v < end && *v == '=')
			v++;
		size_t vn = (size_t)(end - v);
		if (vn && v[0] == '"' && end[-1] == '"') {
			/* One lone quote is both the opening and the closing one: empty. */
			v += vn > 1;
			vn = vn > 1 ? vn - 2 : 0;
		}
		kv->key = line;
		kv->key_len = (size_t)(eq - line);
		kv->value = v;
		kv->value_len = vn;
		return true;
	}
	return false;
}

static bool key_is(const struct osrel_kv *kv, const char *key)
{
	return kv->key_len == strlen(key) && !memcmp(kv->key, key, kv->key_len);
}

static int copy_value(const struct osrel_kv *kv, char *dst, const char *name)
{
	if (kv->value_len >= UKI_VALUE_MAX)
		return log_error_ret(KB_ERANGE, "%s: %.*s= is longer than %u bytes", name,
				     (int)kv->key_len, kv->key, UKI_VALUE_MAX - 1);
	memcpy(dst, kv->value, kv->value_len);
	dst[kv->value_len] = 0;
	return 0;
}

static const char *const osrel_keys[OSREL_FIELD_COUNT] = {
	"PRETTY_NAME",   "IMAGE_ID", "NAME",       "ID",
	"IMAGE_VERSION", "VERSION",  "VERSION_ID", "BUILD_ID",
};

int uki_osrel_parse(const void *text, size_t len, struct uki_osrel *o, const char *name)
{
	struct osrel_iter it;
	struct osrel_kv kv;
	memset(o, 0, sizeof(*o));
	osrel_iter_init(&it, text, len);
	while (osrel_next(&it, &kv)) {
		for (unsigned f = 0; f < OSREL_FIELD_COUNT; f++) {
			if (!key_is(&kv, osrel_keys[f]))
				continue;
			int rc = copy_value(&kv, o->value[f], name);
			if (rc)
				return rc;
			o->has[f] = true;
		}
	}
	return 0;
}

static const char *first_of(const struct uki_osrel *o, enum uki_osrel_field a,
			    enum uki_osrel_field b, enum uki_osrel_field c, enum uki_osrel_field d)
{
	enum uki_osrel_field f[4] = { a, b, c, d };
	for (unsigned i = 0; i < 4; i++)
		if (o->has[f[i]])
			return o->value[f[i]];
	return NULL;
}

bool uki_osrel_pick(const struct uki_osrel *o, const char **title, const char **version,
		    const char **sort_key)
{
	*title = first_of(o, OSREL_PRETTY_NAME, OSREL_IMAGE_ID, OSREL_NAME, OSREL_ID);
	*version =
		first_of(o, OSREL_IMAGE_VERSION, OSREL_VERSION, OSREL_VERSION_ID, OSREL_BUILD_ID);
	*sort_key = first_of(o, OSREL_IMAGE_ID, OSREL_ID, OSREL_ID, OSREL_ID);
	return *title != NULL;
}

int uki_profile_info_parse(const void *text, size_t len, struct uki_profile_info *p,
			   const char *name)
{
	struct osrel_iter it;
	struct osrel_kv kv;
	int rc = 0;
	memset(p, 0, sizeof(*p));
	osrel_iter_init(&it, text, len);
	while (!rc && osrel_next(&it, &kv)) {
		if (key_is(&kv, "ID"))
			rc = copy_value(&kv, p->id, name);
		else if (key_is(&kv, "TITLE"))
			rc = copy_value(&kv, p->title, name);
	}
	return rc;
}
