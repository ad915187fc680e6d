/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/phase_time.h"

#include <stdbool.h>

#include "lib/counter.h"
#include "lib/fmt.h"
#include "lib/log.h"

static const char *const phase_names[PHASE_COUNT] = {
	[PHASE_START] = "start",
	[PHASE_CONFIG] = "config",
	[PHASE_ENTROPY] = "entropy",
	[PHASE_MENU] = "menu",
	[PHASE_PLACE] = "place",
	[PHASE_KERNEL_READ] = "kernel",
	[PHASE_INITRD_READ] = "initrd",
	[PHASE_VERIFY] = "verify",
	[PHASE_MEASURE] = "measure",
	[PHASE_INFLATE] = "inflate",
	[PHASE_DT] = "dt",
	[PHASE_CACHE] = "cache",
	[PHASE_EXIT] = "exit",
};

static struct {
	uint64_t ticks[PHASE_COUNT];
	uint64_t t_start, last;
	enum kb_phase current;
	bool started;
} pt;

void phase_init(uint64_t t_start)
{
	for (unsigned i = 0; i < PHASE_COUNT; i++)
		pt.ticks[i] = 0;
	pt.t_start = pt.last = t_start;
	pt.current = PHASE_START;
	pt.started = true;
}

void phase_enter(enum kb_phase p)
{
	uint64_t now = cpu_counter();
	if (!pt.started) {   /* a flow started without phase_init (host tests) */
		pt.t_start = now;
		pt.started = true;
	} else if (now > pt.last) {
		pt.ticks[pt.current] += now - pt.last;
	}
	pt.last = now;
	pt.current = p;
}

enum kb_phase phase_current(void)
{
	return pt.current;
}

uint64_t phase_us(enum kb_phase p)
{
	phase_enter(pt.current);   /* the running phase up to now */
	return counter_us(0, pt.ticks[p]);
}

/* "12.3": milliseconds with one decimal from microseconds. */
void phase_ms_text(char *buf, size_t size, uint64_t us)
{
	kfmt_snprintf(buf, size, "%lu.%lu", (unsigned long)(us / 1000),
		      (unsigned long)(us % 1000 / 100));
}

void phase_report(void)
{
	char line[400], ms[24], ms2[24], ms3[24];
	size_t n = 0;
	uint64_t other = 0;

	for (unsigned i = 0; i < PHASE_COUNT; i++) {
		uint64_t us = phase_us(i);
		log_debug("phase %s: %lu.%03lu ms", phase_names[i], (unsigned long)(us / 1000),
			  (unsigned long)(us % 1000));
		if (i != PHASE_KERNEL_READ && i != PHASE_INITRD_READ && i != PHASE_MENU &&
		    i != PHASE_EXIT)
			other += us;
	}
	/* The exit phase has only begun when this prints: it is left out of the line. */
	for (unsigned i = 0; i < PHASE_EXIT; i++) {
		phase_ms_text(ms, sizeof(ms), phase_us(i));
		kfmt_append(line, sizeof(line), &n, "%s%s %s", i ? ", " : "", phase_names[i], ms);
	}
	uint64_t kernel = phase_us(PHASE_KERNEL_READ), initrd = phase_us(PHASE_INITRD_READ);
	uint64_t reads = kernel + initrd;
	uint64_t permille = reads ? other * 1000 / reads : 0;
	phase_ms_text(ms, sizeof(ms), reads);
	phase_ms_text(ms2, sizeof(ms2), other);
	phase_ms_text(ms3, sizeof(ms3), counter_us(0, pt.t_start));
	log_info("phases (ms): %s; reads %s, other %s (%lu.%lu%% of reads); firmware before "
		 "kaslboot %s", line, ms, ms2, (unsigned long)(permille / 10),
		 (unsigned long)(permille % 10), ms3);
}
