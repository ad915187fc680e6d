/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/esp_list.h"

#include <string.h>

#include "lib/ascii.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/path.h"

/* The stub skips longer names: Linux's NAME_MAX. */
#define ESP_NAME_MAX 255u
#define ASCII_MAX    0x7f

struct walk {
	const char *suffix, *exclude;
	size_t n, bytes; /* first pass: what to allocate */
	char **names;    /* second pass: where they go */
	char *chars;
	size_t cap_n, cap_bytes;
};

bool esp_name_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	if (lx > ls)
		return false;
	for (size_t i = 0; i < lx; i++)
		if (ascii_lower(s[ls - lx + i]) != ascii_lower(suffix[i]))
			return false;
	return true;
}

static bool wanted(const struct walk *w, const char *name)
{
	size_t len = strnlen(name, ESP_NAME_MAX + 1);
	if (name[0] == '.' || len > ESP_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] > ASCII_MAX)
			return false;
	return esp_name_ends_with(name, w->suffix) &&
	       !(w->exclude && esp_name_ends_with(name, w->exclude));
}

static void visit(const char *name, void *arg)
{
	struct walk *w = arg;
	if (!wanted(w, name))
		return;
	size_t len = strlen(name) + 1;
	if (w->names) {
		/* A directory that grew between the passes: what fits is taken. */
		if (w->n == w->cap_n || w->bytes + len > w->cap_bytes)
			return;
		w->names[w->n] = memcpy(w->chars + w->bytes, name, len);
	}
	w->n++;
	w->bytes += len;
}

static void sort(char **v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		char *x = v[i];
		size_t j = i;
		for (; j && strcmp(v[j - 1], x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int esp_list(const struct kb_platform *pf, const char *dir, const char *suffix, const char *exclude,
	     struct esp_list *out)
{
	struct walk w = { .suffix = suffix, .exclude = exclude };
	out->names = NULL;
	out->n = 0;
	int rc = pf->dir_list(pf->ctx, dir, visit, &w);
	if (rc == KB_ENOENT || (!rc && !w.n))
		return 0;
	if (rc)
		return log_warn_ret(0, "%s: cannot be listed (%s): nothing taken from it", dir,
				    kb_strerror(rc));
	w.cap_n = w.n;
	w.cap_bytes = w.bytes;
	w.names = pf->pool_alloc(pf->ctx, w.n * sizeof(char *) + w.bytes);
	if (!w.names)
		return log_error_ret(KB_ENOMEM, "%s: out of memory listing %lu files", dir,
				     (unsigned long)w.n);
	w.chars = (char *)(w.names + w.n);
	w.n = w.bytes = 0;
	rc = pf->dir_list(pf->ctx, dir, visit, &w);
	if (rc || !w.n) {
		pf->pool_free(pf->ctx, w.names);
		return rc ? log_warn_ret(0, "%s: cannot be listed (%s): nothing taken from it", dir,
					 kb_strerror(rc)) :
			    0;
	}
	sort(w.names, w.n);
	out->names = w.names;
	out->n = w.n;
	return 0;
}

void esp_list_free(const struct kb_platform *pf, struct esp_list *l)
{
	if (l->names)
		pf->pool_free(pf->ctx, l->names);
	l->names = NULL;
	l->n = 0;
}
