/* Whole-file reads through the platform, for the files the flow holds in memory while it
 * parses them (configuration, compressed kernels, ELF payloads, devicetree files). */
#ifndef KASLBOOT_LOADER_FILE_LOAD_H
#define KASLBOOT_LOADER_FILE_LOAD_H

#include <stdint.h>

#include "loader/platform.h"

/* Reads the whole file into pool memory (*buf, freed with kb_file_free). A missing file
 * is logged as "PATH: no such file"; a file bigger than max is refused (KB_ERANGE) before
 * anything is read. */
int kb_file_load(const struct kb_platform *pf, const char *path, uint64_t max, void **buf,
		 uint64_t *size);
void kb_file_free(const struct kb_platform *pf, void *buf);

/* The file's size, logging "PATH: no such file" when it is missing. */
int kb_file_size(const struct kb_platform *pf, const char *path, uint64_t *size);

#endif
