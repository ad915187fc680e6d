#include "loader/menu.h"

#include <string.h>

#include "lib/log.h"

/* The countdown ticks once a second. */
#define MENU_TICK_MS 1000
/* Digits choose entries 1..9: the menu shows at most that many. */
#define MENU_MAX_SHOWN 9

enum key_result { KEY_NONE, KEY_TIMEOUT, KEY_ENTER, KEY_DIGIT, KEY_OTHER };

/* Waits up to ms for a key (0: only one already waiting). */
static enum key_result wait_key(const struct kb_platform *pf, unsigned ms, unsigned *digit)
{
	struct kb_key key;
	if (pf->read_key(pf->ctx, ms, &key) || key.kind == KB_KEY_TIMEOUT)
		return KEY_TIMEOUT;
	if (key.kind != KB_KEY_CHAR)
		return KEY_OTHER;
	if (key.ch == '\r' || key.ch == '\n')
		return KEY_ENTER;
	if (key.ch >= '1' && key.ch <= '9') {
		*digit = key.ch - '1';
		return KEY_DIGIT;
	}
	return KEY_OTHER;
}

void menu_run(const struct kb_platform *pf, struct boot_config *bc,
	      const struct menu_context *ctx, struct menu_choice *out)
{
	(void)ctx;
	out->edited = false;
	out->options[0] = 0;
	const struct kb_loader_conf *c = &bc->conf;
	unsigned shown = bc->n_order < MENU_MAX_SHOWN ? bc->n_order : MENU_MAX_SHOWN;
	unsigned left = c->timeout_sec, digit = 0;
	bool counting = c->menu == KB_MENU_TIMEOUT;

	if (c->menu == KB_MENU_DISABLED || (c->menu == KB_MENU_TIMEOUT && left == 0) ||
	    bc->n_order < 1)
		return;
	/* menu-hidden: only a key already pressed opens the menu; that key then counts as
	 * the first one pressed in it. */
	enum key_result pending = KEY_NONE;
	if (c->menu == KB_MENU_HIDDEN && (pending = wait_key(pf, 0, &digit)) == KEY_TIMEOUT)
		return;
	log_info("boot menu: press 1-%u to choose, Enter for the default", shown);
	for (unsigned i = 0; i < shown; i++) {
		const struct kb_entry *e = &bc->entries[bc->order[i]];
		log_info("  %u) %s%s", i + 1, e->title[0] ? e->title : e->id, i ? "" : " (default)");
	}
	for (;;) {
		if (counting)
			log_info("booting the default in %u s", left);
		enum key_result k = pending != KEY_NONE ? pending : wait_key(pf, MENU_TICK_MS, &digit);
		pending = KEY_NONE;
		if (k == KEY_ENTER)
			break;
		if (k == KEY_DIGIT && digit < shown) {
			unsigned chosen = bc->order[digit];
			memmove(&bc->order[1], &bc->order[0], digit * sizeof(bc->order[0]));
			bc->order[0] = chosen;
			break;
		}
		if (k == KEY_OTHER || k == KEY_DIGIT)
			counting = false;
		if (k == KEY_TIMEOUT && counting && --left == 0)
			break;
	}
	log_info("menu: booting '%s'", bc->entries[bc->order[0]].id);
}
