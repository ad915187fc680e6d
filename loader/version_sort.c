/* SPDX-License-Identifier: BSD-2-Clause */
/* The UAPI version comparison and the BLS entry order built on it.
 *
 * version_compare follows systemd's strverscmp_improved, which the version format
 * specification names as its implementation (`systemd-analyze compare-versions`). Where the
 * specification's prose and examples disagree with it, the implementation wins:
 *  - '~' is looked at before the end-of-string check, so "1.0~rc1" < "1.0" and "~" < ""
 *    (the spec's example list says '' < '~' and 0 < '~', which its own rule 3 contradicts);
 *  - '^' compares lower than anything but the end, '-' and '~' ("123^1" < "123.a"; it only
 *    sorts higher against the end: "1.0^" > "1.0");
 *  - a number is newer than a non-number at the same place ("0" > "a"), where the prose
 *    says an empty numeric prefix "evaluates as 0".
 * tests/unit/test_version_sort.c checks both against systemd-analyze on the host. */
#include <string.h>

#include "loader/config.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Characters with a meaning in a version; everything else is skipped. */
static bool is_version_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '-' || c == '.' || c == '~' || c == '^';
}

static int sign(int v) { return (v > 0) - (v < 0); }

/* 2 if neither string is at separator c; if only one is, that one is older (-1 if it is
 * a); if both are, skip it in both and return 0. */
static int separator(const char **a, const char **b, char c)
{
	if (**a != c && **b != c)
		return 2;
	if (**a != c)
		return 1;
	if (**b != c)
		return -1;
	(*a)++;
	(*b)++;
	return 0;
}

int version_compare(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	for (;;) {
		int r;

		while (*a && !is_version_char(*a))
			a++;
		while (*b && !is_version_char(*b))
			b++;

		/* One pass handles at most one of each separator, in this order, and goes on
		 * to the component after it without skipping invalid characters again; that
		 * is what systemd does, and it decides cases like "a~~a" vs "a~". */
		/* '~' starts a pre-release: lower than anything, even the end. */
		r = separator(&a, &b, '~');
		if (r && r != 2)
			return r;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		/* '-' separates version and release: "123-9" < "123.1-1". */
		r = separator(&a, &b, '-');
		if (r && r != 2)
			return r;
		/* '^' marks a patch release: lower than any other continuation. */
		r = separator(&a, &b, '^');
		if (r && r != 2)
			return r;
		/* '.' separates parts of a component: "123a" > "123.a". */
		r = separator(&a, &b, '.');
		if (r && r != 2)
			return r;

		if (is_digit(*a) || is_digit(*b)) {
			/* A number is newer than no number ("0" > "a"; the spec's prose says an
			 * empty prefix counts as 0, systemd does this). Numbers compare by value:
			 * drop leading zeros, then the longer is bigger, then digit by digit, so
			 * any length works without overflow. */
			const char *ea, *eb;
			if (is_digit(*a) != is_digit(*b))
				return is_digit(*a) ? 1 : -1;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; is_digit(*ea); ea++)
				;
			for (eb = b; is_digit(*eb); eb++)
				;
			if (ea - a != eb - b)
				return ea - a > eb - b ? 1 : -1;
			r = sign(memcmp(a, b, (size_t)(ea - a)));
			if (r)
				return r;
			a = ea;
			b = eb;
		} else {
			/* Letters compare as bytes (so 'A' < 'a'); the longer run is newer. */
			const char *ea, *eb;
			for (ea = a; is_alpha(*ea); ea++)
				;
			for (eb = b; is_alpha(*eb); eb++)
				;
			size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
			r = sign(memcmp(a, b, la < lb ? la : lb));
			if (r)
				return r;
			if (la != lb)
				return la > lb ? 1 : -1;
			a = ea;
			b = eb;
		}
	}
}

/* BLS "Boot counting": tries left 0 is a "bad" entry. */
static bool is_bad(const struct kb_entry *e) { return e->tries_left == 0; }

/* The id without a UKI profile's "@<profile>" (in buf when it is cut). */
static const char *id_base(const struct kb_entry *e, char *buf)
{
	if (!e->id_base_len || e->id_base_len >= KB_ID_MAX)
		return e->id;
	memcpy(buf, e->id, e->id_base_len);
	buf[e->id_base_len] = 0;
	return buf;
}

int config_entry_compare(const struct kb_entry *a, const struct kb_entry *b)
{
	int r;

	/* BLS sorting rule 1: bad entries after all others. */
	if (is_bad(a) != is_bad(b))
		return is_bad(a) ? 1 : -1;
	/* Rules 2 and 3: with a sort-key before without; among those, sort-key and machine-id
	 * ascending (strcmp; an empty string is lower), version descending. */
	bool ka = a->sort_key[0] != '\0', kb = b->sort_key[0] != '\0';
	if (ka != kb)
		return ka ? -1 : 1;
	if (ka) {
		r = sign(strcmp(a->sort_key, b->sort_key));
		if (r)
			return r;
		r = sign(strcmp(a->machine_id, b->machine_id));
		if (r)
			return r;
		r = version_compare(b->version, a->version);
		if (r)
			return r;
	}
	/* Rule 4: the file name, newest (by version order) first; a UKI's profiles compare as
	 * their file, then by profile (systemd 257 boot.c boot_entry_compare). */
	char ida[KB_ID_MAX], idb[KB_ID_MAX];
	r = version_compare(id_base(b, idb), id_base(a, ida));
	if (r)
		return r;
	if (a->kind == KB_ENTRY_TYPE2 && b->kind == KB_ENTRY_TYPE2 && a->profile != b->profile)
		return a->profile < b->profile ? -1 : 1;
	/* Same name but for boot counters: more tries left first, then fewer failed tries. */
	if (a->tries_left != b->tries_left)
		return a->tries_left > b->tries_left ? -1 : 1;
	if (a->tries_done != b->tries_done)
		return a->tries_done < b->tries_done ? -1 : 1;
	return 0;
}

/* Heap sort of indices: O(n log n) for any number of entries, no recursion, no scratch
 * memory; stable because equal entries compare by their index. */
static bool before(const struct kb_entry *entries, unsigned int a, unsigned int b)
{
	int r = config_entry_compare(&entries[a], &entries[b]);
	return r < 0 || (r == 0 && a < b);
}

static void sift_down(const struct kb_entry *entries, unsigned int *order, unsigned int root,
		      unsigned int n)
{
	for (;;) {
		unsigned int child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && before(entries, order[child], order[child + 1]))
			child++;
		if (!before(entries, order[root], order[child]))
			return;
		unsigned int t = order[root];
		order[root] = order[child];
		order[child] = t;
		root = child;
	}
}

void config_sort(const struct kb_entry *entries, unsigned int count, unsigned int *order)
{
	for (unsigned int i = 0; i < count; i++)
		order[i] = i;
	for (unsigned int i = count / 2; i-- > 0;)
		sift_down(entries, order, i, count);
	for (unsigned int end = count; end > 1; end--) {
		unsigned int t = order[0];
		order[0] = order[end - 1];
		order[end - 1] = t;
		sift_down(entries, order, 0, end - 1);
	}
}
