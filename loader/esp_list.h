/* SPDX-License-Identifier: BSD-2-Clause */
/* The files of one ESP directory that systemd-stub 257 would pick up (stub.c
 * load_addons_from_dir, cpio.c pack_cpio): regular files whose name ends with a suffix
 * (ASCII case ignored) and not with an excluded one, not hidden ('.' first), ASCII, at
 * most 255 characters; sorted by strcmp, as the stub sorts them "to ensure the TPM
 * measurements are not dependent on read order". Names in pool memory. */
#ifndef KASLBOOT_LOADER_ESP_LIST_H
#define KASLBOOT_LOADER_ESP_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "loader/platform.h"

struct esp_list {
	char **names; /* n names, sorted */
	size_t n;
};

/* A missing directory is an empty list. exclude: NULL for none. KB_ENOMEM (logged) when
 * the pool runs out; another dir_list failure is one warning and an empty list. */
int esp_list(const struct kb_platform *pf, const char *dir, const char *suffix, const char *exclude,
	     struct esp_list *out);
void esp_list_free(const struct kb_platform *pf, struct esp_list *l);

/* ASCII case-insensitive "s ends with suffix". */
bool esp_name_ends_with(const char *s, const char *suffix);

#endif
