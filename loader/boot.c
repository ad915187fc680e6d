/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot flow, top to bottom, as the kernel's setup_arch reads: each phase a named
 * function, each failure before ExitBootServices backed out so that the next entry, or
 * the firmware's next boot option, finds the machine as it was. */
#include "loader/boot.h"

#include <string.h>

#include "lib/counter.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/bli.h"
#include "loader/boot_count.h"
#include "loader/boot_config.h"
#include "loader/boot_linux.h"
#include "loader/boot_mmu_on.h"
#include "loader/boot_uki.h"
#include "loader/boot_state.h"
#include "loader/boot_selftest.h"
#include "loader/handback.h"
#include "loader/measure.h"
#include "loader/menu.h"
#include "loader/firmware_dt.h"
#include "loader/firmware_report.h"
#include "loader/firmware_time.h"
#include "loader/phase_time.h"

/* The entry id the firmware's load options name, or "" (a Boot#### option's data, or the
 * UEFI shell's arguments). */
static void requested_entry(const char *load_options, char *id, size_t size)
{
	id[0] = 0;
	if (!load_options[0])
		return;
	log_info("load options: %s", load_options);
	if (config_load_options_entry_id(load_options, id, size) < 0)
		id[0] = 0;
}

/* The menu, told what the entropy will be and whether the editor may be used. An edited
 * command line replaces the chosen entry's options for this boot only. */
static void run_menu(struct kb_boot *b, struct boot_config *bc)
{
	static struct menu_choice choice;
	char entropy[ENTROPY_SUMMARY_MAX + 16];
	const struct entropy_pool *pool = &b->entropy.pool;
	phase_enter(PHASE_MENU);
	kfmt_snprintf(entropy, sizeof(entropy), "%s (%s)",
		      entropy_is_fixed(pool) ? "fixed" : entropy_is_strong(pool) ? "strong" : "weak",
		      b->entropy.sources);
	struct menu_context ctx = {
		.entropy = entropy,
		/* An edited command line is a way around lockdown: off under Secure Boot
		 * unless loader.conf says otherwise, as in systemd-boot. */
		.editor = bc->conf.editor_set ? bc->conf.editor : !b->fw->secure_boot,
	};
	menu_run(b->pf, bc, &ctx, &choice);
	if (choice.edited && bc->n_order) {
		struct kb_entry *e = &bc->entries[bc->order[0]];
		e->options = choice.options; /* static: lives as long as the boot */
		e->options_implied = false; /* a UKI's .cmdline replaced (loader/boot_uki.h) */
		log_info("entry '%s': booting with the edited command line: %s", e->id, e->options);
	}
}

/* One attempt at entry e; returns only when it failed before ExitBootServices. The
 * variables say which entry runs; a counted entry uses up one try. */
static int boot_entry(struct kb_boot *b, const struct kb_entry *e)
{
	phase_enter(PHASE_PLACE);
	bli_set_entry_selected(b->pf, e->bli_id);
	if (!strcmp(b->conf->default_pattern, "@saved"))
		bli_set_string(b->pf, "LoaderEntryLastBooted", BLI_PERSISTENT, e->bli_id);
	boot_count_bump(b->pf, e);
	switch (e->payload) {
	case KB_PAYLOAD_LINUX:
		return boot_linux(b, e);
	case KB_PAYLOAD_MMU_ON:
		return boot_mmu_on(b, e);
	case KB_PAYLOAD_UKI: return boot_uki(b, e);
	case KB_PAYLOAD_EFI: return boot_efi(b, e);
	}
	return log_error_ret(KB_EUNSUPP, "entry '%s': this payload kind is not supported yet",
			     e->id);
}

/* The entries in order: the chosen one, then the fallbacks. */
static int boot_entries(struct kb_boot *b, const struct boot_config *bc)
{
	int rc = KB_ENOENT;
	for (unsigned i = 0; i < bc->n_order; i++) {
		const struct kb_entry *e = &bc->entries[bc->order[i]];
		if (i)
			log_info("falling back to entry '%s'", e->id);
		rc = boot_entry(b, e);
		log_error("entry '%s' failed: %s", e->id, kb_strerror(rc));
	}
	return rc;
}

int kaslboot_boot(const struct kb_platform *pf, const struct kb_firmware *fw,
		  const char *load_options, const char *loader_info, uint64_t t_start)
{
	static struct kb_firmware screened;
	pf = firmware_time_wrap(pf);
	fw = firmware_dt_screen(fw, &screened);
	struct kb_boot b = { .pf = pf, .fw = fw, .t_start = t_start, .loader_info = loader_info };
	struct boot_config bc;
	char id[KB_ID_MAX];
	int rc;

	phase_init(t_start);
	phase_enter(PHASE_CONFIG);
	/* The counter runs from reset: its value when kaslboot started is the firmware's time. */
	bli_set_loader_info(pf, fw, loader_info, counter_us(0, t_start));
	measure_begin(pf);
	requested_entry(load_options, id, sizeof(id));

	rc = boot_config_load(pf, &bc, id);
	firmware_report(pf, fw); /* at `log debug`, which loader.conf may have set */
	b.conf = &bc.conf;
	if (rc)
		goto out;
	if (bc.conf.selftest[0] && boot_selftest_run(pf, fw, bc.conf.selftest))
		log_error("selftest %s failed; booting on", bc.conf.selftest);
	rc = entropy_gather(pf, fw, b.conf, &b.entropy);
	if (rc)
		goto out;
	/* An entry named by the load options was asked for: no menu in between. */
	if (!id[0])
		run_menu(&b, &bc);
	rc = boot_entries(&b, &bc);
out:
	handback_return(&b);
	entropy_gather_wipe(&b.entropy);
	boot_config_free(pf, &bc);
	return log_error_ret(rc ? rc : KB_ENOENT, "nothing booted: returning to the firmware (%s)",
			     kb_strerror(rc));
}
