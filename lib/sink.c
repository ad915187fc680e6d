/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/sink.h"

#include "lib/counter.h"

static log_sink_fn sink;
static uint64_t sink_ticks;
static unsigned sink_lines;

void log_set_sink(log_sink_fn fn) { sink = fn; }
bool log_sink_installed(void) { return sink != NULL; }

bool log_sink_write(const char *text, size_t len)
{
	if (!sink)
		return false;
	uint64_t t0 = cpu_counter();
	sink(text, len);
	sink_ticks += cpu_counter() - t0;
	sink_lines++;
	return true;
}

uint64_t log_sink_ticks(unsigned *lines)
{
	if (lines)
		*lines = sink_lines;
	return sink_ticks;
}
