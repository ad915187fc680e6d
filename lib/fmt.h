/* SPDX-License-Identifier: BSD-2-Clause */
/* A small vsnprintf for freestanding code: the PE has no libc. Supports the subset the
 * project uses: %d %i %u %x %X %o %c %s %p %%, the h/hh/l/ll/z/j/t length modifiers, the
 * '-' '0' '+' ' ' '#' flags, field width and precision (also as '*'). It is checked against
 * the host's vsnprintf in tests/unit/test_fmt.c. */
#ifndef KASLBOOT_LIB_FMT_H
#define KASLBOOT_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Same contract as C99 vsnprintf: returns the length the full output would have, writes
 * at most size-1 characters and a NUL when size > 0. */
int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends to the text of *len characters in buf[size], which stays NUL-terminated: *len
 * grows by what was written and never passes size - 1 (what does not fit is cut). */
void kfmt_append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
