/* SPDX-License-Identifier: BSD-2-Clause */
/* The phase timings (loader/phase_time.h): every stamp charges the time since the last one
 * to the phase before it, reads are told apart from the rest, the menu's wait is not
 * kaslboot's cost, and the report has one debug line a phase and one info summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/counter.h"
#include "log_capture.h"
#include "loader/phase_time.h"

/* Spins for at least ms milliseconds of the counter. */
static void spin_ms(unsigned ms)
{
	uint64_t t0 = cpu_counter();
	while (counter_us(t0, cpu_counter()) < ms * 1000u)
		;
}

static void test_time_goes_to_the_running_phase(void **state)
{
	(void)state;
	phase_init(cpu_counter());
	spin_ms(2);
	phase_enter(PHASE_KERNEL_READ);
	spin_ms(6);
	phase_enter(PHASE_PLACE);
	spin_ms(1);
	phase_enter(PHASE_KERNEL_READ);   /* a phase can run more than once */
	spin_ms(4);
	phase_enter(PHASE_MENU);
	spin_ms(3);
	phase_enter(PHASE_DT);
	assert_int_equal(phase_current(), PHASE_DT);
	assert_true(phase_us(PHASE_START) >= 2000);
	assert_true(phase_us(PHASE_KERNEL_READ) >= 10000);
	assert_true(phase_us(PHASE_PLACE) >= 1000);
	assert_true(phase_us(PHASE_MENU) >= 3000);
	assert_int_equal(phase_us(PHASE_INITRD_READ), 0);
	/* A new boot starts from zero. */
	phase_init(cpu_counter());
	assert_int_equal(phase_us(PHASE_KERNEL_READ), 0);
}

static void test_report(void **state)
{
	(void)state;
	phase_init(cpu_counter());
	phase_enter(PHASE_CONFIG);
	spin_ms(1);
	phase_enter(PHASE_MENU);
	spin_ms(20);                      /* waiting for a person: not in "other" */
	phase_enter(PHASE_KERNEL_READ);
	spin_ms(10);
	phase_enter(PHASE_INITRD_READ);
	spin_ms(2);
	phase_enter(PHASE_EXIT);
	log_capture_clear();
	phase_report();
	assert_logged("kaslboot: phase config: ");
	assert_logged("kaslboot: phase kernel: ");
	assert_logged("kaslboot: phase exit: ");
	assert_last_logged("kaslboot: phases (ms): start ");
	assert_last_logged(", cache 0.0; reads ");
	assert_last_logged("% of reads); firmware before kaslboot ");
	assert_null(strstr(captured_last, "exit"));
	/* Lower bounds only: a busy host stretches any phase. The menu's 20 ms are not in
	 * "other", which is start + config (~1 ms). */
	const char *menu = strstr(captured_last, ", menu ");
	const char *reads = strstr(captured_last, "; reads ");
	const char *other = strstr(captured_last, ", other ");
	assert_non_null(menu);
	assert_non_null(reads);
	assert_non_null(other);
	assert_true(strtod(menu + strlen(", menu "), NULL) >= 20.0);
	assert_true(strtod(reads + strlen("; reads "), NULL) >= 12.0);
	assert_true(strtod(other + strlen(", other "), NULL) >= 1.0);
	assert_true(strtod(other + strlen(", other "), NULL) <
		    strtod(menu + strlen(", menu "), NULL));
	assert_int_equal(captured_lines, PHASE_COUNT + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_goes_to_the_running_phase),
		cmocka_unit_test(test_report),
	};
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
