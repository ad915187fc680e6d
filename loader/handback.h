/* SPDX-License-Identifier: BSD-2-Clause */
/* What kaslboot leaves the firmware. The sources it drew entropy from (the firmware DT's
 * /chosen seeds, an earlier LINUX_EFI_RANDOM_SEED_TABLE) are destroyed only once it has
 * committed to an entry (ExitBootServices succeeded); when it returns to the firmware
 * instead ("nothing booted"), the next boot option finds them where they were, with fresh
 * bytes, and no LoaderBootCountPath naming an entry that never ran (issue 19). */
#ifndef KASLBOOT_LOADER_HANDBACK_H
#define KASLBOOT_LOADER_HANDBACK_H

#include <stdbool.h>

#include "loader/boot_state.h"

/* After ExitBootServices, before the payload is entered: wipes the firmware DT's seeds
 * (dt_wipe_seeds) and, when own_seed_table says kaslboot's table replaced an earlier one,
 * zeroes that one. Logs nothing (the console is gone). */
void handback_commit(const struct kb_boot *b, bool own_seed_table);

/* When kaslboot returns to the firmware: deletes LoaderBootCountPath, then refills the
 * firmware DT's seeds and the earlier seed table in place from the boot's generator, so
 * that they are fresh (kaslboot mixed the old bytes) and non-zero. Only from a pool that
 * may hand over credited entropy (entropy_can_hand_over): from a weaker or fixed one they
 * are left as they were (never wiped: nothing committed). */
void handback_return(struct kb_boot *b);

#endif
