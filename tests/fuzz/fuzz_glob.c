/* SPDX-License-Identifier: BSD-2-Clause */
/* config_glob_match() (loader.conf's `default`): the input is "pattern\0string".
 * - Any bytes: no crash, no read past either string.
 * - Where POSIX fnmatch() with flags 0 and glibc agree on the meaning, the result must be
 *   fnmatch()'s. That is: printable ASCII only (the portable character set, no locale
 *   question), no character class/equivalence class/collating symbol ("[:", "[=", "[." in a
 *   bracket), no backslash inside a bracket expression (POSIX leaves it literal there,
 *   glibc takes it as an escape), no trailing lone backslash (unspecified), no range
 *   whose end sorts before its start (unspecified), and no unclosed '[' with a '-' after
 *   it: POSIX makes an unclosed '[' an ordinary character, but glibc 2.36 gives up on
 *   the whole pattern when it meets what looks like a range there (fnmatch("[ac-",
 *   "[ac-", 0) does not match; kaslboot follows POSIX).
 * - Escaping every character of a string gives a pattern that matches exactly it. */
#include <fnmatch.h>

#include "fuzz.h"
#include "loader/config.h"

#define TEXT_MAX 128

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			return false;
	return true;
}

/* Walks the pattern as fnmatch would and refuses the constructs listed above. */
static bool posix_agrees(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return false; /* trailing backslash */
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		/* A bracket expression, if it is closed; else '[' is an ordinary character. */
		const char *q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		for (; *q && *q != ']'; q++) {
			if (*q == '\\')
				return false;
			if (*q == '[' && (q[1] == ':' || q[1] == '=' || q[1] == '.'))
				return false;
			if (q[1] == '-' && q[2] && q[2] != ']' && (unsigned char)q[2] < (unsigned char)*q)
				return false;
		}
		if (!*q) {
			if (strchr(p, '-'))
				return false; /* glibc's unclosed "range" */
			continue; /* unclosed: ordinary '[' */
		}
		p = q;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char *pattern, *string, escaped[2 * TEXT_MAX + 1];
	size_t n, i;
	bool got;

	fuzz_log_reset();
	if (size > TEXT_MAX)
		return 0; /* the backtracking is quadratic; long inputs add nothing */
	pattern = fuzz_string(&in, 0);
	string = fuzz_string(&in, 0);

	got = config_glob_match(pattern, string);
	if (printable_ascii(pattern) && printable_ascii(string) && posix_agrees(pattern)) {
		bool want = fnmatch(pattern, string, 0) == 0;
		FUZZ_CHECKF(got == want, "pattern \"%s\" string \"%s\": glob %d, fnmatch %d",
			    pattern, string, got, want);
	}

	/* Every character escaped: a literal pattern, which matches the string alone. */
	n = strlen(string);
	for (i = 0; i < n; i++) {
		escaped[2 * i] = '\\';
		escaped[2 * i + 1] = string[i];
	}
	escaped[2 * n] = '\0';
	FUZZ_CHECK(config_glob_match(escaped, string));
	FUZZ_CHECK(config_glob_match("*", string));
	FUZZ_CHECK(config_glob_match(string, "") == (strspn(string, "*") == n));
	if (n && strcmp(string, pattern) != 0)
		FUZZ_CHECK(!config_glob_match(escaped, pattern));
	FUZZ_CHECK(fuzz_errors == 0);

	free(pattern);
	free(string);
	return 0;
}
