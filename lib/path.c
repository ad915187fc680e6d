/* SPDX-License-Identifier: BSD-2-Clause */
/* BLS paths to UEFI file paths (lib/path.h). */
#include "lib/path.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"

#define UEFI_PATH_SEPARATOR '\\' /* UEFI 2.10 section 13.3.1: '\' separates */

int path_to_uefi(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	const char *p = path;

	while (*p) {
		while (*p == '/' || *p == '\\')
			p++;
		const char *c = p;
		while (*p && *p != '/' && *p != '\\')
			p++;
		size_t len = (size_t)(p - c);
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return log_error_ret(KB_EINVAL, "path '%s' has a '..' component", path);
		if (n + 1 + len + 1 > size)
			return log_error_ret(KB_ENOMEM, "path '%s' does not fit in %zu bytes", path,
					     size);
		buf[n++] = UEFI_PATH_SEPARATOR;
		memcpy(buf + n, c, len);
		n += len;
	}
	if (n == 0)
		return log_error_ret(KB_EINVAL, "path '%s' names no file", path);
	buf[n] = '\0';
	return KB_OK;
}
