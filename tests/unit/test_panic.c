/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/panic.c: one fixed line straight to the sink, never through the formatter (which
 * uses the C library whose failures panic), then the platform's way out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/panic.h"
#include "lib/sink.h"

static char seen[256];
static size_t seen_len;
static jmp_buf out;

static void sink(const char *text, size_t len)
{
	if (seen_len + len < sizeof(seen)) {
		memcpy(seen + seen_len, text, len);
		seen_len += len;
	}
}

static void leave(void) { longjmp(out, 1); }

static void test_panic_writes_one_line_then_exits(void **state)
{
	(void)state;
	log_set_sink(sink);
	panic_set_exit(leave);
	if (!setjmp(out))
		kaslboot_panic("stack smashed in libfdt");
	log_set_sink(NULL);
	assert_int_equal(seen_len, strlen("kaslboot: error: panic: stack smashed in libfdt\r\n"));
	assert_memory_equal(seen, "kaslboot: error: panic: stack smashed in libfdt\r\n", seen_len);
	/* Three writes: prefix, message, end of line; none formatted. */
	unsigned writes;
	log_sink_ticks(&writes);
	assert_int_equal(writes, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panic_writes_one_line_then_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
