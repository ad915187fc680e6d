/* SPDX-License-Identifier: BSD-2-Clause */
/* The BLS order: version_compare() (systemd's strverscmp_improved) and
 * config_entry_compare()/config_sort() built on it. Sorting is only meaningful over a
 * total preorder, so the input's three strings (NUL-separated) and three entries made of
 * them are checked for it: reflexive, antisymmetric, transitive (for <, <= and ==); and
 * config_sort() must return a stable sorted permutation. */
#include "fuzz.h"
#include "loader/config.h"

#define NSTR 3
#define NENT 6

static int sign(int v) { return (v > 0) - (v < 0); }

/* The order axioms for cmp over the three items x[0..2] (all permutations). Each ordered
 * pair is compared once (cmp is a pure function of its arguments; comparing a pair again
 * inside the k loop, as this once did, only repeated the same calls 6 times over) and the
 * axioms are checked on the table of results: reflexive, antisymmetric, and transitive
 * for <=, < and ==. */
#define CHECK_ORDER(cmp, x)                                                                     \
	do {                                                                                   \
		int c_[NSTR][NSTR];                                                            \
		for (int i = 0; i < NSTR; i++)                                                 \
			for (int j = 0; j < NSTR; j++)                                         \
				c_[i][j] = sign(cmp(x[i], x[j]));                              \
		for (int i = 0; i < NSTR; i++) {                                               \
			FUZZ_CHECK(c_[i][i] == 0);                                             \
			for (int j = 0; j < NSTR; j++) {                                       \
				int ij = c_[i][j], ji = c_[j][i];                              \
				FUZZ_CHECKF(ij == -ji, "antisymmetry %d %d", i, j);            \
				for (int k = 0; k < NSTR; k++) {                               \
					int jk = c_[j][k], ik = c_[i][k];                      \
					if (ij <= 0 && jk <= 0)                                \
						FUZZ_CHECKF(ik <= 0, "transitivity %d %d %d",  \
							    i, j, k);                          \
					if (ij < 0 && jk <= 0)                                 \
						FUZZ_CHECK(ik < 0);                            \
					if (ij == 0 && jk == 0)                                \
						FUZZ_CHECK(ik == 0);                           \
				}                                                              \
			}                                                                      \
		}                                                                              \
	} while (0)

static int cmp_str(const char *a, const char *b) { return version_compare(a, b); }

static int cmp_ent(const struct kb_entry *a, const struct kb_entry *b)
{
	return config_entry_compare(a, b);
}

static void copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct kb_entry e[NENT];
	const struct kb_entry *ep[NSTR];
	const char *sp[NSTR];
	char *s[NSTR];
	unsigned int order[NENT], seen = 0;

	fuzz_log_reset();
	for (int i = 0; i < NSTR; i++)
		sp[i] = s[i] = fuzz_string(&in, 0);
	CHECK_ORDER(cmp_str, sp);
	FUZZ_CHECK(version_compare(NULL, "") == 0);

	/* Entries whose fields are the strings in an order (and with counters) the input picks:
	 * the same strings then meet in different roles. */
	for (int i = 0; i < NENT; i++) {
		uint8_t pick = fuzz_u8(&in);
		memset(&e[i], 0, sizeof(e[i]));
		copy_field(e[i].id, sizeof(e[i].id), s[pick % NSTR]);
		copy_field(e[i].version, sizeof(e[i].version), s[(pick >> 2) % NSTR]);
		if (pick & 0x10)
			copy_field(e[i].sort_key, sizeof(e[i].sort_key), s[(pick >> 5) % NSTR]);
		if (pick & 0x80)
			copy_field(e[i].machine_id, sizeof(e[i].machine_id), s[(pick >> 1) % NSTR]);
		e[i].tries_left = fuzz_u8(&in) % 4 == 0 ? KB_TRIES_NONE : fuzz_u8(&in) % 3;
		e[i].tries_done = fuzz_u8(&in) % 3;
	}
	for (int i = 0; i < NSTR; i++)
		ep[i] = &e[i];
	CHECK_ORDER(cmp_ent, ep);
	for (int i = 0; i < NSTR; i++)
		ep[i] = &e[NSTR + i];
	CHECK_ORDER(cmp_ent, ep);

	/* config_sort: a permutation, sorted, equal entries in input order. */
	config_sort(e, NENT, order);
	for (int i = 0; i < NENT; i++) {
		FUZZ_CHECK(order[i] < NENT && !(seen & (1u << order[i])));
		seen |= 1u << order[i];
		if (i > 0) {
			int c = config_entry_compare(&e[order[i - 1]], &e[order[i]]);
			FUZZ_CHECK(c <= 0);
			if (c == 0)
				FUZZ_CHECK(order[i - 1] < order[i]);
		}
	}
	FUZZ_CHECK(fuzz_lines == 0);
	for (int i = 0; i < NSTR; i++)
		free(s[i]);
	return 0;
}
