#ifndef KASLBOOT_LOADER_MENU_H
#define KASLBOOT_LOADER_MENU_H

#include "loader/boot_config.h"
#include "loader/platform.h"

/* The boot menu of loader.conf's `timeout` (systemd-boot's semantics): with a timeout of
 * N > 0 seconds, or `menu-force`, the entries are listed with numbers and a countdown;
 * a digit boots that entry, Enter boots the default at once, any other key stops the
 * countdown. `menu-hidden` shows it only if a key is already waiting; `menu-disabled`
 * and timeout 0 never show it. The chosen entry is moved to the front of bc->order, the
 * others stay behind it as fallbacks. */
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

void menu_run(const struct kb_platform *pf, struct boot_config *bc,
	      const struct menu_context *ctx, struct menu_choice *out);

#endif
