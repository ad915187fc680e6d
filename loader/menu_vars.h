/* SPDX-License-Identifier: BSD-2-Clause */
/* The two persistent settings the boot menu's keys change, stored the way systemd-boot
 * stores them (systemd's docs/BOOT_LOADER_INTERFACE.md; systemd-boot 252's `d`, `t`, `T`
 * keys), so that either loader, and `bootctl`, reads what the other wrote:
 *
 *   LoaderEntryDefault   the id of the entry to boot by default, NUL-terminated UTF-16.
 *                        Absent: loader.conf's `default` decides.
 *   LoaderConfigTimeout  the menu timeout, NUL-terminated UTF-16: seconds in decimal
 *                        ("5"), "menu-force" or "menu-hidden". Absent: loader.conf's
 *                        `timeout` decides.
 *
 * Both under the loader vendor GUID (bli_vendor_guid), non-volatile, boot service and
 * runtime access (what `bootctl set-default` / `set-timeout` write too). Reading them to
 * decide a boot is boot_config's business; the menu reads them only to know what a key
 * changes. */
#ifndef KASLBOOT_LOADER_MENU_VARS_H
#define KASLBOOT_LOADER_MENU_VARS_H

#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

/* The attributes both variables are written with. */
#define MENU_VARS_ATTRS (KB_VAR_NON_VOLATILE | KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME)

/* LoaderConfigTimeout as systemd-boot 252 models it. */
enum menu_timeout_kind {
	MENU_TIMEOUT_UNSET = 0,   /* no variable: loader.conf decides */
	MENU_TIMEOUT_FORCE,       /* "menu-force": the menu always shows and waits */
	MENU_TIMEOUT_HIDDEN,      /* "menu-hidden" (0 s): a key held at boot shows the menu */
	MENU_TIMEOUT_SECONDS,     /* sec seconds, 1..MENU_TIMEOUT_MAX */
};
struct menu_timeout {
	enum menu_timeout_kind kind;
	uint32_t sec;
};
/* The most seconds the variable holds (systemd-boot keeps the last two 32-bit values for
 * its "unset" and "menu-force" markers). */
#define MENU_TIMEOUT_MAX 0xfffffffdu

/* The current values: id[0] = 0 when LoaderEntryDefault is absent or unreadable; *t
 * UNSET when LoaderConfigTimeout is absent or holds something else. Never logs. */
void menu_vars_read(const struct kb_platform *pf, char *id, size_t id_size,
		    struct menu_timeout *t);

/* Stores id as LoaderEntryDefault, or removes the variable when id is NULL. 0 or the
 * firmware's error (not logged: the menu tells the person). */
int menu_vars_set_default(const struct kb_platform *pf, const char *id);

/* systemd-boot 252's `t`/`+` (up) and `T`/`-` (down), a cycle through
 *   unset <-> menu-force <-> menu-hidden (0 s) <-> 1 s <-> 2 s <-> ... <-> MENU_TIMEOUT_MAX
 * where down from unset stays unset and up from MENU_TIMEOUT_MAX stays there. */
void menu_timeout_step(struct menu_timeout *t, int up);

/* Stores *t (UNSET removes the variable). 0 or the firmware's error, not logged. */
int menu_vars_set_timeout(const struct kb_platform *pf, const struct menu_timeout *t);

/* "5 s", "menu-force", "menu-hidden" or "unset", for the menu's status line. */
const char *menu_timeout_text(const struct menu_timeout *t, char *buf, size_t size);

#endif
