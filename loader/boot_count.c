/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/boot_count.h"

#include <string.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/bli.h"

/* Each kind's directory, and its UEFI form systemd-bless-boot expects in
 * LoaderBootCountPath. */
static const char *const entry_dir[] = { "/loader/entries/", "/EFI/Linux/" };
static const char *const entry_dir_uefi[] = { "\\loader\\entries\\", "\\EFI\\Linux\\" };
/* Counters never grow past 9 digits (the parser's limit, loader/bls_entry.c). */
#define COUNTER_MAX 999999999u
#define BOOT_COUNT_PATH_VAR "LoaderBootCountPath"

void boot_count_next_name(const struct kb_entry *e, char *out, size_t size)
{
	out[0] = 0;
	if (e->tries_left == KB_TRIES_NONE || e->tries_left == 0 || !e->file_name[0])
		return;
	/* NAME+LEFT[-DONE].SUFFIX: the counter starts at the last '+' (loader/bls_entry.c),
	 * the suffix (".conf", ".efi", in the file's case) at the last '.'. */
	const char *plus = strrchr(e->file_name, '+'), *dot = strrchr(e->file_name, '.');
	if (!plus || !dot || dot < plus)
		return;
	unsigned done = e->tries_done < COUNTER_MAX ? e->tries_done + 1 : COUNTER_MAX;
	kfmt_snprintf(out, size, "%.*s+%u-%u%s", (int)(plus - e->file_name), e->file_name,
		      e->tries_left - 1, done, dot);
}

void boot_count_forget(const struct kb_platform *pf) { bli_delete(pf, BOOT_COUNT_PATH_VAR); }

void boot_count_bump(const struct kb_platform *pf, const struct kb_entry *e)
{
	char next[KB_ID_MAX + 24], path[KB_PATH_MAX], uefi[KB_PATH_MAX];
	/* Whatever an earlier attempt (or an earlier loader this boot) published names an
	 * entry that is not the one about to run. */
	boot_count_forget(pf);
	boot_count_next_name(e, next, sizeof(next));
	if (!next[0])
		return;
	unsigned kind = e->kind == KB_ENTRY_TYPE2;
	kfmt_snprintf(path, sizeof(path), "%s%s", entry_dir[kind], e->file_name);
	int rc = pf->file_rename(pf->ctx, path, next);
	if (rc) {
		log_warn("%s: cannot count this boot, the rename to %s failed (%s): booting on",
			 path, next, kb_strerror(rc));
		return;
	}
	log_info("boot counting: %s renamed to %s", e->file_name, next);
	kfmt_snprintf(uefi, sizeof(uefi), "%s%s", entry_dir_uefi[kind], next);
	bli_set_string(pf, BOOT_COUNT_PATH_VAR, BLI_VOLATILE, uefi);
}
