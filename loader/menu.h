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
void menu_run(const struct kb_platform *pf, struct boot_config *bc);

#endif
