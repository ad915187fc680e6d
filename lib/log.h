/* SPDX-License-Identifier: BSD-2-Clause */
/* Console logging for portable code. The firmware console (efi/) or the host test harness
 * installs a sink; everything above it formats with kfmt, so loader/, mm/ and dtb/ never
 * see UEFI types or stdio. */
#ifndef KASLBOOT_LIB_LOG_H
#define KASLBOOT_LIB_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sink.h"

enum log_level {
	LOG_ERROR = 0, /* always shown: the one line that says why a boot failed */
	LOG_WARN  = 1,
	LOG_INFO  = 2, /* default */
	LOG_DEBUG = 3,
};

/* The longest line log_msg prints, its prefix and CR LF included; longer ones are cut. */
#define LOG_LINE_MAX 512

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Lines more severe than `floor` are printed at `floor` (LOG_ERROR, the default, changes
 * none); returns the floor before. For a call whose failure its caller reports in one line
 * of its own: LOG_DEBUG around it keeps the callee's lines for debugging only. */
enum log_level log_set_floor(enum log_level floor);
/* Each call prints one line, "kaslboot: " + a level tag for errors/warnings + text. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* "Say why, then fail" in one statement: logs the line and evaluates to code, so that
 *
 *	if (size > BOOT_DT_MAX_SIZE)
 *		return log_error_ret(KB_ERANGE, "%s: %zu bytes, over %u", what, size, max);
 *
 * reads as one step (systemd's `return log_error_errno(r, ...)`). code is evaluated after
 * the line is printed, as it was when the two were written apart. */
#define log_error_ret(code, ...) (log_msg(LOG_ERROR, __VA_ARGS__), (code))
#define log_warn_ret(code, ...)  (log_msg(LOG_WARN, __VA_ARGS__), (code))

#endif
