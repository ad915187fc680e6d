/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/err.h"

const char *kb_strerror(int err)
{
	switch (err) {
	case KB_OK: return "success";
	case KB_EINVAL: return "invalid input";
	case KB_ENOMEM: return "out of memory";
	case KB_ENOENT: return "not found";
	case KB_ERANGE: return "out of range";
	case KB_ENOSPC: return "no space";
	case KB_EPERM: return "not permitted";
	case KB_ECORRUPT: return "corrupt data";
	case KB_EUNSUPP: return "not supported";
	case KB_EIO: return "I/O error";
	default: return "unknown error";
	}
}
