/* SPDX-License-Identifier: BSD-2-Clause */
/* Error codes shared by the portable code. 0 is success; failures are negative so a
 * caller can propagate them unchanged. efi/ maps them onto EFI_STATUS for the firmware. */
#ifndef KASLBOOT_LIB_ERR_H
#define KASLBOOT_LIB_ERR_H

enum kb_err {
	KB_OK = 0,
	KB_EINVAL = -1,    /* malformed input: bad magic, bad field, syntax error */
	KB_ENOMEM = -2,    /* a buffer or page pool is too small / allocation failed */
	KB_ENOENT = -3,    /* a file, entry, node or property is missing */
	KB_ERANGE = -4,    /* a value or region is out of range, wraps, or overlaps */
	KB_ENOSPC = -5,    /* no slot / no room large enough */
	KB_EPERM = -6,     /* refused by policy (W+X, Secure Boot, kaslr require) */
	KB_ECORRUPT = -7,  /* corrupt data: a bad gzip stream, a truncated file */
	KB_EUNSUPP = -8,   /* well-formed but not supported (big-endian Image, 16K pages) */
	KB_EIO = -9,       /* the firmware failed to read or write */
};

const char *kb_strerror(int err);

#endif
