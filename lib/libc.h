/* SPDX-License-Identifier: BSD-2-Clause */
/* Prototypes for lib/libc_freestanding.c (the PE's freestanding C library) that no system
 * header declares here. Host builds use the real C library. */
#ifndef KASLBOOT_LIB_LIBC_H
#define KASLBOOT_LIB_LIBC_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *s, char **end, int base);
void *malloc(size_t n);
void free(void *p);
extern uintptr_t __stack_chk_guard;
void __stack_chk_fail(void) __attribute__((noreturn));

#endif
