/* SPDX-License-Identifier: BSD-2-Clause */
/* Whole-file reads through the platform, for the files the flow holds in memory while it
 * parses them (configuration, compressed kernels, ELF payloads, devicetree files), and
 * the open that the kernel and initrd loaders share. Every file is opened once. */
#ifndef KASLBOOT_LOADER_FILE_LOAD_H
#define KASLBOOT_LOADER_FILE_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/platform.h"

/* kb_platform.file_open, logging "PATH: no such file" when it is missing. */
int kb_file_open(const struct kb_platform *pf, const char *path, void **fh, uint64_t *size);

/* Reads the whole file into pool memory (*buf, freed with kb_file_free). A missing file
 * is logged as "PATH: no such file"; a file bigger than max is refused (KB_ERANGE) before
 * anything is read. */
int kb_file_load(const struct kb_platform *pf, const char *path, uint64_t max, void **buf,
		 uint64_t *size);
/* The same from a file already open (its handle and size from file_open), which the
 * caller still closes. */
int kb_file_load_open(const struct kb_platform *pf, const char *path, void *fh, uint64_t max,
		      void **buf, uint64_t size);
/* The same for a file that may be absent: one that cannot be opened is KB_ENOENT with no
 * line of its own (the platform has logged any failure other than a missing file). */
int kb_file_load_optional(const struct kb_platform *pf, const char *path, uint64_t max,
			  void **buf, uint64_t *size);
void kb_file_free(const struct kb_platform *pf, void *buf);

/* A regular file is there (and can be opened). */
bool kb_file_exists(const struct kb_platform *pf, const char *path);

#endif
