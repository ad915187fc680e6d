/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by every libFuzzer target in tests/fuzz/ (fuzz_<target>.c). Each target defines
 * LLVMFuzzerTestOneInput() and checks invariants with FUZZ_CHECK: a failed check prints
 * why and aborts, which libFuzzer reports as a crash (saving the input) and which fails the
 * replay of the corpus and regressions in `make unit` (tests/fuzz/replay_main.c). The same
 * file builds with clang -fsanitize=fuzzer (make fuzz) and with gcc (the replay). Static
 * functions in a header: each target is one translation unit. */
#ifndef KASLBOOT_FUZZ_H
#define KASLBOOT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                       \
	do {                                                                                   \
		if (!(cond))                                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond);                                  \
	} while (0)

/* The same with a printf-style explanation. */
#define FUZZ_CHECKF(cond, ...)                                                                 \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, __VA_ARGS__);                                          \
			fputc('\n', stderr);                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond);                                  \
		}                                                                              \
	} while (0)

/* FUZZ_REFERENCE: a reference model or a brute force in the target itself (not the code under
 * test), run many times per input. Left out of libFuzzer's coverage instrumentation: its
 * loops would otherwise cost a trace call per comparison (most of the time of some targets)
 * and add edges that say nothing about the code under test. It is still compiled with
 * ASan and UBSan, and every FUZZ_CHECK on its results stays. noinline: the attribute must
 * not be lost by inlining into an instrumented caller. gcc (the replay) has no such
 * instrumentation. */
#if defined(__clang__)
#define FUZZ_REFERENCE __attribute__((no_sanitize("coverage"), noinline))
#else
#define FUZZ_REFERENCE
#endif

/* ---- the log ---------------------------------------------------------------------------
 * Every target logs at LOG_DEBUG (so every message is formatted too) into this sink, which
 * counts lines and keeps the last error, so a target can check "a refusal logs exactly one
 * error line" and "success logs none". */
#define FUZZ_ERROR_PREFIX "kaslboot: error: "
#define FUZZ_LINE_MAX     512 /* lib/log.c's line buffer */

static char fuzz_last_error[FUZZ_LINE_MAX];
static unsigned fuzz_errors, fuzz_warnings, fuzz_lines;
static bool fuzz_verbose; /* FUZZ_VERBOSE set in the environment: echo the log to stderr */

__attribute__((noreturn)) static inline void fuzz_fail(const char *file, int line,
						       const char *what)
{
	fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", file, line, what);
	if (fuzz_last_error[0])
		fprintf(stderr, "last error logged: %s", fuzz_last_error);
	abort();
}

static inline void fuzz_log_sink(const char *text, size_t len)
{
	/* log_msg() ends every line with CRLF and never exceeds its buffer. */
	FUZZ_CHECK(len >= 2 && len < FUZZ_LINE_MAX);
	FUZZ_CHECK(text[len - 2] == '\r' && text[len - 1] == '\n' && text[len] == '\0');
	FUZZ_CHECK(memchr(text, '\n', len - 1) == NULL); /* one line per call */
	fuzz_lines++;
	if (fuzz_verbose)
		fputs(text, stderr);
	if (strncmp(text, FUZZ_ERROR_PREFIX, strlen(FUZZ_ERROR_PREFIX)) == 0) {
		fuzz_errors++;
		memcpy(fuzz_last_error, text, len + 1);
	} else if (strncmp(text, "kaslboot: warning: ", 19) == 0) {
		fuzz_warnings++;
	}
}

/* Starts a fresh count; call at the top of LLVMFuzzerTestOneInput. */
static inline void fuzz_log_reset(void)
{
	log_set_sink(fuzz_log_sink);
	log_set_level(LOG_DEBUG);
	fuzz_verbose = getenv("FUZZ_VERBOSE") != NULL;
	fuzz_errors = fuzz_warnings = fuzz_lines = 0;
	fuzz_last_error[0] = '\0';
}

/* Errors logged since the last mark. */
static inline unsigned fuzz_errors_since(unsigned mark) { return fuzz_errors - mark; }

/* ---- reading the input -----------------------------------------------------------------
 * Targets that need numbers and bytes take them from the front of the input; past its end
 * every read gives zeros, so any input is usable. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t v = fuzz_u8(in);

	return (uint16_t)(v | fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = fuzz_u16(in);

	return v | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = fuzz_u32(in);

	return v | (uint64_t)fuzz_u32(in) << 32;
}

/* Up to n bytes from the input, not copied. */
static inline const uint8_t *fuzz_take(struct fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;

	*got = n < in->n ? n : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

/* The bytes up to the next `sep` (or the end) as a malloc'd NUL-terminated string,
 * consuming the separator. Embedded NULs end the string early, as C would see it. */
static inline char *fuzz_string(struct fuzz_in *in, uint8_t sep)
{
	const uint8_t *end = memchr(in->p, sep, in->n);
	size_t len = end ? (size_t)(end - in->p) : in->n;
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, in->p, len);
	s[len] = '\0';
	in->p += len;
	in->n -= len;
	if (end) {
		in->p++;
		in->n--;
	}
	return s;
}

/* A copy of exactly n bytes on the heap (never a 0-byte block), so that ASan catches any
 * read past the end of what the code under test was given. */
static inline uint8_t *fuzz_dup(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (!d)
		abort();
	if (n)
		memcpy(d, p, n);
	return d;
}

static inline bool fuzz_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

#endif
