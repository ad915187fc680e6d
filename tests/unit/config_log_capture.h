/* Log capture for the configuration tests: keeps the text of every line logged since
 * capture_reset(), so a test can check the exact "file:line: message" it produced. A header
 * with static functions (not a .c helper) so it is not linked into other people's tests. */
#ifndef KASLBOOT_TEST_CONFIG_LOG_CAPTURE_H
#define KASLBOOT_TEST_CONFIG_LOG_CAPTURE_H

#include <string.h>

#include "loader/log.h"

#define CAPTURE_MAX 16384

static char capture_buf[CAPTURE_MAX];
static size_t capture_len;

static inline void capture_sink(const char *text, size_t len)
{
	if (capture_len + len >= CAPTURE_MAX)
		len = CAPTURE_MAX - 1 - capture_len;
	memcpy(capture_buf + capture_len, text, len);
	capture_len += len;
	capture_buf[capture_len] = '\0';
}

static inline int capture_reset(void **state)
{
	(void)state;
	capture_len = 0;
	capture_buf[0] = '\0';
	log_set_sink(capture_sink);
	log_set_level(LOG_DEBUG);
	return 0;
}

static inline int capture_count(const char *needle)
{
	int n = 0;
	for (const char *p = capture_buf; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Asserts that the log holds this text (use the exact message). */
#define assert_logged(text)                                                                 \
	do {                                                                                \
		if (!strstr(capture_buf, (text)))                                           \
			fail_msg("expected log text \"%s\", got:\n%s", (text), capture_buf); \
	} while (0)

#endif
