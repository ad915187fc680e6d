/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/panic.h"

#include "lib/halt.h"
#include "lib/log.h"

static panic_exit_fn panic_exit;

void panic_set_exit(panic_exit_fn fn)
{
	panic_exit = fn;
}

void kaslboot_panic(const char *msg)
{
	log_error("%s", msg);
	if (panic_exit)
		panic_exit();
	cpu_halt();
}
