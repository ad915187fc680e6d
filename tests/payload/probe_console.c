/* SPDX-License-Identifier: BSD-2-Clause */
#include "probe_console.h"

/* PL011 TRM (Arm DDI 0183): UARTDR at 0x000, UARTFR at 0x018, FR.TXFF bit 5 = TX FIFO full. */
#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_FR_TXFF (1u << 5)

static volatile uint8_t *uart;

void console_set_uart(uint64_t va) { uart = (volatile uint8_t *)va; }

static void putc_raw(char c)
{
	while (*(volatile uint32_t *)(uart + PL011_FR) & PL011_FR_TXFF)
		;
	*(volatile uint32_t *)(uart + PL011_DR) = (uint8_t)c;
}

void console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++)
		putc_raw(s[i]);
}

static void line_putc(struct line *l, char c)
{
	if (l->n < sizeof(l->buf) - 2) /* room for "\r\n" */
		l->buf[l->n++] = c;
}

void line_str(struct line *l, const char *s)
{
	while (*s)
		line_putc(l, *s++);
}

void line_hex(struct line *l, uint64_t v)
{
	int shift = 60;

	line_str(l, "0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		line_putc(l, "0123456789abcdef"[(v >> shift) & 0xf]);
}

void line_dec(struct line *l, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		line_putc(l, tmp[--n]);
}

void line_emit(struct line *l)
{
	l->buf[l->n++] = '\r';
	l->buf[l->n++] = '\n';
	console_write(l->buf, l->n);
	l->n = 0;
}
