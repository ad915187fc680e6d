/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/log.h"

#include "lib/fmt.h"

#define LOG_DEL 0x7f /* ASCII DEL, a control character */

static enum log_level log_level = LOG_INFO;
static enum log_level log_floor = LOG_ERROR;

void log_set_level(enum log_level level) { log_level = level; }
enum log_level log_get_level(void) { return log_level; }

enum log_level log_set_floor(enum log_level floor)
{
	enum log_level was = log_floor;
	log_floor = floor;
	return was;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	/* One line of the firmware console; longer lines are cut, never split. */
	char line[LOG_LINE_MAX];
	static const char *const tag[] = { "error: ", "warning: ", "", "" };
	int n;

	if (level < log_floor)
		level = log_floor;
	if (level > log_level || !log_sink_installed())
		return;
	n = kfmt_snprintf(line, sizeof(line), "kaslboot: %s", tag[level]);
	va_list ap;
	va_start(ap, fmt);
	n += kfmt_vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	/* One line per call whatever the data: text from a file or the firmware (load
	 * options) may hold a CR, LF or escape, which would start a forged line or drive the
	 * console. Control characters print as '?'. */
	for (int i = 0; i < n; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == LOG_DEL)
			line[i] = '?';
	line[n++] = '\r';
	line[n++] = '\n';
	line[n] = '\0';
	log_sink_write(line, (size_t)n);
}
