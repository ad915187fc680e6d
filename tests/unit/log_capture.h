/* SPDX-License-Identifier: BSD-2-Clause */
/* Log capture for every unit test: a sink for log_set_sink() that keeps the text of each
 * line logged since the last reset, the last line on its own, and how many lines, errors
 * and warnings there were, so a test can check the exact message the code under test
 * gave. One copy for all tests; a header of static functions (not a .c helper, which the
 * Makefile would link into every test binary). */
#ifndef KASLBOOT_TEST_LOG_CAPTURE_H
#define KASLBOOT_TEST_LOG_CAPTURE_H

#include <stddef.h>
#include <string.h>

#include "lib/log.h"

/* log_msg() tags lines with these (lib/log.c); counted wherever they stand in a line. */
#define LOG_CAPTURE_ERROR_TAG   "error: "
#define LOG_CAPTURE_WARNING_TAG "warning: "

#define LOG_CAPTURE_MAX  16384 /* room for every line any one test logs */
#define LOG_CAPTURE_LINE 512   /* log_msg() never sinks more than this, NUL included */

static char captured_log[LOG_CAPTURE_MAX];   /* every line since the reset, NUL-terminated */
static size_t captured_len;
static char captured_last[LOG_CAPTURE_LINE]; /* the most recent line alone */
static int captured_lines, captured_errors, captured_warnings;

/* Each call is one line (log_msg). Text past LOG_CAPTURE_MAX is cut, never overrun. */
static inline void log_capture_sink(const char *text, size_t len)
{
	size_t last = len < LOG_CAPTURE_LINE ? len : LOG_CAPTURE_LINE - 1;
	size_t keep = len;

	memcpy(captured_last, text, last);
	captured_last[last] = '\0';
	captured_lines++;
	if (strstr(captured_last, LOG_CAPTURE_ERROR_TAG))
		captured_errors++;
	if (strstr(captured_last, LOG_CAPTURE_WARNING_TAG))
		captured_warnings++;

	if (captured_len + keep >= LOG_CAPTURE_MAX)
		keep = LOG_CAPTURE_MAX - 1 - captured_len;
	memcpy(captured_log + captured_len, text, keep);
	captured_len += keep;
	captured_log[captured_len] = '\0';
}

/* Forgets what was logged; the sink and level stay as they are. */
static inline void log_capture_clear(void)
{
	captured_len = 0;
	captured_log[0] = '\0';
	captured_last[0] = '\0';
	captured_lines = captured_errors = captured_warnings = 0;
}

/* Starts capturing from empty, showing messages up to `level`. */
static inline void log_capture_start(enum log_level level)
{
	log_capture_clear();
	log_set_sink(log_capture_sink);
	log_set_level(level);
}

/* A cmocka setup function: capture everything, debug included. */
static inline int log_capture_setup(void **state)
{
	(void)state;
	log_capture_start(LOG_DEBUG);
	return 0;
}

static inline void log_capture_stop(void)
{
	log_set_sink(NULL);
}

/* Asserts that the captured text holds `text` (use the exact message), printing the whole
 * log when it does not. */
#define assert_logged(text)                                                                    \
	do {                                                                                   \
		if (!strstr(captured_log, (text)))                                             \
			fail_msg("expected log text \"%s\", got:\n%s", (text), captured_log);  \
	} while (0)

/* The same for the most recent line alone. */
#define assert_last_logged(text)                                                               \
	do {                                                                                   \
		if (!strstr(captured_last, (text)))                                            \
			fail_msg("expected last log line to hold \"%s\", got: %s", (text),     \
				 captured_last);                                               \
	} while (0)

#endif
