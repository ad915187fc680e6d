#ifndef KASLBOOT_EFI_MENU_H
#define KASLBOOT_EFI_MENU_H

#include "efi/config_load.h"

/* The boot menu of loader.conf's `timeout` (systemd-boot's semantics): with a timeout of
 * N > 0 seconds, or `menu-force`, the entries are listed with numbers and a countdown;
 * a digit boots that entry, Enter boots the default at once, any other key stops the
 * countdown. `menu-hidden` shows it only if a key is already waiting; `menu-disabled`
 * and timeout 0 never show it. The chosen entry is moved to the front of bc->order, the
 * others stay behind it as fallbacks. */
void menu_run(struct boot_config *bc);

#endif
