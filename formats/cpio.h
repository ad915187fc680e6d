/* SPDX-License-Identifier: BSD-2-Clause */
/* A writer of "newc" cpio archives (magic 070701) as the kernel unpacks an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst), byte for byte as
 * systemd-stub 257 writes them (src/boot/cpio.c), since the archives are measured into
 * the TPM and must hash as the stub's do: inodes counted from 1, uid, gid and mtime 0,
 * nlink 1, lower-case hex, each header+name and each file's data padded with NULs to 4
 * bytes from the archive's start, and the stub's trailer.
 *
 * A writer with no buffer counts bytes only: run the same calls twice, first to size the
 * buffer, then to fill it. */
#ifndef KASLBOOT_FORMATS_CPIO_H
#define KASLBOOT_FORMATS_CPIO_H

#include <stdint.h>

/* Modes (Linux include/uapi/linux/stat.h; cpio's c_mode holds type and permissions). */
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFREG 0100000u

struct cpio_writer {
	uint8_t *buf;   /* NULL: count only */
	uint64_t size;  /* buf's size */
	uint64_t used;  /* bytes written (or counted) */
	uint32_t inode; /* the next inode number */
};

void cpio_init(struct cpio_writer *w, void *buf, uint64_t size);
/* A directory inode for path ("a/b", no leading or trailing '/'). */
int cpio_dir(struct cpio_writer *w, const char *path, uint32_t mode);
/* Every leading directory of path with mode 0555, then path itself with dir_mode, as
 * `mkdir -p` would (the stub's pack_cpio_prefix). */
int cpio_prefix(struct cpio_writer *w, const char *path, uint32_t dir_mode);
/* A regular file dir/name of len bytes: the header and name are written, the data's room
 * (and its padding, zeroed) reserved; *data is where the caller puts the bytes (NULL when
 * counting). */
int cpio_file(struct cpio_writer *w, const char *dir, const char *name, uint64_t len, uint32_t mode,
	      uint8_t **data);
/* The "TRAILER!!!" record that ends the archive. */
int cpio_trailer(struct cpio_writer *w);

#endif
