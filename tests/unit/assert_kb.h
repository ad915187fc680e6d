/* SPDX-License-Identifier: BSD-2-Clause */
/* Assertions whose failure says what broke in kaslboot's own terms: an error code by its
 * kb_strerror name, a mapping by its decoded type and permissions. Header-only (static
 * functions), included by the tests that need them. */
#ifndef KASLBOOT_TEST_ASSERT_KB_H
#define KASLBOOT_TEST_ASSERT_KB_H

#include <stdio.h>

#include "lib/err.h"

/* expr must return KB_OK; otherwise the failure names the error. */
#define assert_kb_ok(expr)                                                                     \
	do {                                                                                   \
		int rc_ = (expr);                                                              \
		if (rc_ != KB_OK)                                                              \
			fail_msg("%s returned %d (%s), expected success", #expr, rc_,          \
				 kb_strerror(rc_));                                            \
	} while (0)

/* expr must return the error `want`; the failure names both. */
#define assert_kb_err(expr, want)                                                              \
	do {                                                                                   \
		int rc_ = (expr), want_ = (want);                                              \
		if (rc_ != want_)                                                              \
			fail_msg("%s returned %d (%s), expected %d (%s)", #expr, rc_,          \
				 kb_strerror(rc_), want_, kb_strerror(want_));                 \
	} while (0)

#ifdef KASLBOOT_MM_WALK_H
/* "Normal-WB RO X", "Device-nGnRE RW XN". */
static inline const char *mapping_text(enum mm_memtype type, unsigned attrs)
{
	static char buf[4][48];
	static unsigned n;
	static const char *const types[] = { "Normal-WB", "Normal-NC", "Device-nGnRE",
					     "Device-nGnRnE", "unknown-type" };
	char *b = buf[n++ % 4];
	snprintf(b, 48, "%s %s%s %s%s", types[type <= MM_MEMTYPE_UNKNOWN ? type : 4],
		 attrs & MM_RO ? "RO" : "", attrs & MM_RW ? "RW" : "",
		 attrs & MM_EXEC ? "X" : "", attrs & MM_XN ? "XN" : "");
	return b;
}

/* va must translate to pa with this type and these permissions; a failure says which
 * mapping (`name`), what was found and what was wanted. */
static inline void assert_mapping(const struct mm_tables *t, uint64_t va, uint64_t pa,
				  enum mm_memtype type, unsigned attrs, const char *name)
{
	struct mm_walk_result w;
	int rc = mm_walk(t, va, &w);
	if (rc)
		fail_msg("%s: va 0x%llx is not mapped (%s); want pa 0x%llx %s", name,
			 (unsigned long long)va, kb_strerror(rc), (unsigned long long)pa,
			 mapping_text(type, attrs));
	if (w.pa != pa || w.type != type || w.attrs != attrs)
		fail_msg("%s: va 0x%llx maps pa 0x%llx %s; want pa 0x%llx %s", name,
			 (unsigned long long)va, (unsigned long long)w.pa,
			 mapping_text(w.type, w.attrs), (unsigned long long)pa,
			 mapping_text(type, attrs));
}

/* va must not translate at all. */
static inline void assert_unmapped(const struct mm_tables *t, uint64_t va, const char *name)
{
	struct mm_walk_result w;
	if (mm_walk(t, va, &w) == 0)
		fail_msg("%s: va 0x%llx should be unmapped but maps pa 0x%llx %s", name,
			 (unsigned long long)va, (unsigned long long)w.pa,
			 mapping_text(w.type, w.attrs));
}
#endif

#endif
