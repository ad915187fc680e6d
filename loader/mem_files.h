/* SPDX-License-Identifier: BSD-2-Clause */
/* Files served from memory: a view of the platform in which a few names ("debian.efi:.linux")
 * open byte ranges of a buffer kaslboot holds (a UKI's sections, read and verified once),
 * and every other call goes to the firmware. The kernel, initrd and devicetree loaders then
 * take a UKI's sections exactly as they take files, and no byte is read from disk twice. */
#ifndef KASLBOOT_LOADER_MEM_FILES_H
#define KASLBOOT_LOADER_MEM_FILES_H

#include <stdint.h>

#include "loader/platform.h"

#define MEM_FILES_MAX 11u /* .linux, .dtb, an addon's DT, KB_MAX_INITRDS initrds */

/* The platform with no memory files yet (forgetting earlier ones): inner for everything
 * but file_open/file_read/file_close of the names added. One view at a time. */
const struct kb_platform *mem_files_wrap(const struct kb_platform *inner);

/* Adds name -> data[0..len) (name and data must outlive the view). KB_ENOMEM when full. */
int mem_files_add(const char *name, const void *data, uint64_t len);

#endif
