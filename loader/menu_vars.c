/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/menu_vars.h"

#include <string.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/utf16.h"
#include "loader/bli.h"

/* The words LoaderConfigTimeout holds besides a number (systemd's loader.conf words). */
#define WORD_FORCE  "menu-force"
#define WORD_HIDDEN "menu-hidden"
/* UTF-16 characters of the longest value read back: an entry id (255) and its NUL. */
#define VAR_CHARS 256

/* A variable's UTF-16 string as UTF-8 in out; false when absent, too long, or not text. */
static bool read_string(const struct kb_platform *pf, const char *name, char *out, size_t size)
{
	uint16_t w[VAR_CHARS + 1];
	size_t bytes = sizeof(w) - sizeof(w[0]);
	out[0] = 0;
	if (pf->var_get(pf->ctx, &bli_vendor_guid, name, w, &bytes, NULL) || bytes % 2)
		return false;
	w[bytes / 2] = 0;   /* the NUL may be missing: a value from another writer */
	if (!utf16_to_utf8(w, bytes / 2, out, size)) {
		out[0] = 0;
		return false;
	}
	return true;
}

static int write_string(const struct kb_platform *pf, const char *name, const char *value)
{
	uint16_t w[VAR_CHARS];
	if (!value) {
		/* Removing what is not there is done already (SetVariable says NOT_FOUND). */
		int rc = pf->var_set(pf->ctx, &bli_vendor_guid, name, MENU_VARS_ATTRS, NULL, 0);
		return rc == KB_ENOENT ? 0 : rc;
	}
	long n = utf16_from_utf8(value, w, VAR_CHARS);
	if (n < 0)
		return KB_EINVAL;
	return pf->var_set(pf->ctx, &bli_vendor_guid, name, MENU_VARS_ATTRS, w,
			   ((size_t)n + 1) * sizeof(w[0]));
}

/* Decimal digits only, as systemd parses the value; false on anything else. */
static bool parse_seconds(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 0xffffffffull)
			v = 0xffffffffull;   /* saturate: clamped below anyway */
	}
	*out = v;
	return true;
}

void menu_vars_read(const struct kb_platform *pf, char *id, size_t id_size,
		    struct menu_timeout *t)
{
	char text[32];
	uint64_t sec;
	read_string(pf, "LoaderEntryDefault", id, id_size);
	t->kind = MENU_TIMEOUT_UNSET;
	t->sec = 0;
	if (!read_string(pf, "LoaderConfigTimeout", text, sizeof(text)))
		return;
	if (!strcmp(text, WORD_FORCE)) {
		t->kind = MENU_TIMEOUT_FORCE;
	} else if (!strcmp(text, WORD_HIDDEN)) {
		t->kind = MENU_TIMEOUT_HIDDEN;
	} else if (parse_seconds(text, &sec)) {
		t->kind = sec ? MENU_TIMEOUT_SECONDS : MENU_TIMEOUT_HIDDEN;
		t->sec = sec > MENU_TIMEOUT_MAX ? MENU_TIMEOUT_MAX : (uint32_t)sec;
	}
}

int menu_vars_set_default(const struct kb_platform *pf, const char *id)
{
	return write_string(pf, "LoaderEntryDefault", id);
}

void menu_timeout_step(struct menu_timeout *t, int up)
{
	switch (t->kind) {
	case MENU_TIMEOUT_UNSET:
		if (up)
			t->kind = MENU_TIMEOUT_FORCE;
		break;
	case MENU_TIMEOUT_FORCE:
		t->kind = up ? MENU_TIMEOUT_HIDDEN : MENU_TIMEOUT_UNSET;
		break;
	case MENU_TIMEOUT_HIDDEN:
		if (up) {
			t->kind = MENU_TIMEOUT_SECONDS;
			t->sec = 1;
		} else {
			t->kind = MENU_TIMEOUT_FORCE;
		}
		break;
	case MENU_TIMEOUT_SECONDS:
		if (up && t->sec < MENU_TIMEOUT_MAX)
			t->sec++;
		else if (!up && --t->sec == 0)
			t->kind = MENU_TIMEOUT_HIDDEN;
		break;
	}
	if (t->kind != MENU_TIMEOUT_SECONDS)
		t->sec = 0;
}

const char *menu_timeout_text(const struct menu_timeout *t, char *buf, size_t size)
{
	switch (t->kind) {
	case MENU_TIMEOUT_FORCE:
		return WORD_FORCE;
	case MENU_TIMEOUT_HIDDEN:
		return WORD_HIDDEN;
	case MENU_TIMEOUT_SECONDS:
		kfmt_snprintf(buf, size, "%u s", (unsigned)t->sec);
		return buf;
	case MENU_TIMEOUT_UNSET:
		break;
	}
	return "unset";
}

int menu_vars_set_timeout(const struct kb_platform *pf, const struct menu_timeout *t)
{
	char num[16];
	switch (t->kind) {
	case MENU_TIMEOUT_FORCE:
		return write_string(pf, "LoaderConfigTimeout", WORD_FORCE);
	case MENU_TIMEOUT_HIDDEN:
		return write_string(pf, "LoaderConfigTimeout", WORD_HIDDEN);
	case MENU_TIMEOUT_SECONDS:
		kfmt_snprintf(num, sizeof(num), "%u", (unsigned)t->sec);
		return write_string(pf, "LoaderConfigTimeout", num);
	case MENU_TIMEOUT_UNSET:
		break;
	}
	return write_string(pf, "LoaderConfigTimeout", NULL);
}
