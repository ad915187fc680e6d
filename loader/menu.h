/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_LOADER_MENU_H
#define KASLBOOT_LOADER_MENU_H

#include "loader/boot_config.h"
#include "loader/platform.h"

/* The boot menu of loader.conf's `timeout` (systemd-boot's semantics). When it shows:
 * a timeout of N > 0 seconds (a countdown to the default), `menu-force` (no countdown),
 * `menu-hidden` only if a key is already waiting (that key then counts as pressed in the
 * menu); `menu-disabled` and timeout 0 never show it.
 *
 * It is drawn on the firmware's console (pf->console_*: the serial terminal and the
 * graphics screen): one line per entry, "> " and reverse colours on the highlighted one,
 * the highlighted entry's id, title and version, what the entropy will be, a status line
 * (the countdown, or what the last key did) and a help line. Keys:
 *   Up/Down, Home/End   move the highlight (any key stops the countdown)
 *   Enter               boots the highlighted entry
 *   1-9                 boots that entry at once
 *   e                   line editor on the highlighted entry's options: Left/Right,
 *                       Home/End, Backspace, Delete, printable characters inserted at the
 *                       cursor (at most KB_CMDLINE_MAX - 1 bytes), Enter boots the entry
 *                       with the edited line for this boot only, Esc goes back to the
 *                       menu. Refused with one line saying why when ctx->editor is false.
 *   d                   makes the highlighted entry the persistent default
 *                       (LoaderEntryDefault); on the entry that already is, removes it
 *   t / +, T / -        LoaderConfigTimeout one step up / down (loader/menu_vars.h)
 *   anything else       ignored
 * Variables are written at the key press; a write the firmware refuses is one warning
 * line and the menu goes on.
 *
 * The firmware's watchdog (armed for 5 minutes when the boot manager started kaslboot):
 * while the countdown runs it is re-armed to the countdown plus 5 minutes (an unattended
 * countdown longer than 5 minutes must not reset the machine), once the menu waits for a
 * person (menu-force, a key pressed, the editor) it is disabled, and when the menu hands
 * back it is armed again for MENU_WATCHDOG_SEC, edk2's 5 minutes, for the unattended
 * rest of the boot. A menu that does not show leaves it alone.
 *
 * The chosen entry is moved to the front of bc->order, the others stay behind it as
 * fallbacks. */
struct menu_context {
	const char *entropy;   /* what the entropy will be, e.g. "strong (dt-kaslr-seed,...)" */
	bool editor;           /* the line editor may be used (loader.conf `editor`, and off
				* by default under Secure Boot) */
};

/* What the person chose besides the entry. */
struct menu_choice {
	bool edited;                      /* options replaced for this boot only */
	char options[KB_CMDLINE_MAX];     /* the edited command line when edited */
};

/* The firmware sets the watchdog to 5 minutes before it starts a boot option (UEFI 2.10
 * 7.5, SetWatchdogTimer; edk2's BDS does so in EfiBootManagerBoot). */
#define MENU_WATCHDOG_SEC 300

void menu_run(const struct kb_platform *pf, struct boot_config *bc,
	      const struct menu_context *ctx, struct menu_choice *out);

#endif
