/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/panic.h"

#include "lib/halt.h"
#include "lib/sink.h"

/* The line is written as it is, never formatted: lib/fmt.c uses the C library, whose
 * failures come here. */
#define PANIC_PREFIX "kaslboot: error: panic: "
#define PANIC_EOL    "\r\n"

static size_t length(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static panic_exit_fn panic_exit;

void panic_set_exit(panic_exit_fn fn)
{
	panic_exit = fn;
}

void kaslboot_panic(const char *msg)
{
	log_sink_write(PANIC_PREFIX, sizeof(PANIC_PREFIX) - 1);
	log_sink_write(msg, length(msg));
	log_sink_write(PANIC_EOL, sizeof(PANIC_EOL) - 1);
	if (panic_exit)
		panic_exit();
	cpu_halt();
}
