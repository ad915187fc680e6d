/* SPDX-License-Identifier: BSD-2-Clause */
/* Output for the probe: a PL011 UART at a virtual address, and a line builder. */
#ifndef PROBE_CONSOLE_H
#define PROBE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

void console_set_uart(uint64_t va); /* 0: no output */
void console_write(const char *s, size_t n);

/* A line assembled in a fixed buffer (longer text is cut) and written with its "\r\n". */
struct line {
	char buf[512];
	size_t n;
};
void line_str(struct line *l, const char *s);
void line_hex(struct line *l, uint64_t v);   /* 0x... */
void line_dec(struct line *l, uint64_t v);
void line_emit(struct line *l);               /* writes it, then empties l */

#endif
