/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/menu.h"

#include <stdarg.h>
#include <string.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/menu_vars.h"

/* The countdown ticks once a second; without one, keys are waited for in steps as long. */
#define MENU_TICK_MS 1000
/* Digits boot entries 1..9. */
#define MENU_DIGITS 9
/* Entries listed at once (the list scrolls with the highlight): with the lines around
 * them the menu fits the 80x25 text mode every UEFI console has (UEFI 2.10 12.4). */
#define MENU_ROWS 12
/* Columns of the command line the editor shows at once, and how close to the window's
 * right edge the cursor may come before it scrolls. */
#define EDIT_COLS 70
#define EDIT_MARGIN 8
/* One line of menu text; longer ones are cut. */
#define MENU_LINE 512

/* Characters (UEFI SIMPLE_TEXT_INPUT: Enter is CR; terminals send BS or DEL for
 * Backspace). */
#define CH_BACKSPACE 0x08
#define CH_LF        0x0a
#define CH_CR        0x0d
#define CH_DEL       0x7f

struct menu {
	const struct kb_platform *pf;
	struct boot_config *bc;
	const struct menu_context *ctx;
	unsigned hl;                    /* the highlighted position in bc->order */
	unsigned first;                 /* bc->order[0] when the menu opened: the default */
	bool counting;                  /* the countdown runs */
	unsigned left;                  /* its seconds left */
	bool watchdog_warned;
	char saved_default[KB_ID_MAX];  /* LoaderEntryDefault, "" when absent */
	struct menu_timeout timeout;    /* LoaderConfigTimeout */
	char status[MENU_LINE];         /* what the last key did, "" for nothing */
};

static const struct kb_entry *entry_at(const struct menu *m, unsigned pos)
{
	return &m->bc->entries[m->bc->order[pos]];
}

static const char *entry_name(const struct kb_entry *e)
{
	return e->title[0] ? e->title : e->bli_id;
}

/* ---- the console -------------------------------------------------------------------- */

static void put(const struct menu *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(const struct menu *m, const char *fmt, ...)
{
	char line[MENU_LINE];
	va_list ap;
	va_start(ap, fmt);
	kfmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->pf->console_write(m->pf->ctx, line);
}

/* The status line, also logged as one line (so that it stays in the serial log after the
 * screen is redrawn). */
static void say(struct menu *m, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct menu *m, enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kfmt_vsnprintf(m->status, sizeof(m->status), fmt, ap);
	va_end(ap);
	log_msg(level, "menu: %s", m->status);
}

static void draw_menu(const struct menu *m)
{
	const struct kb_platform *pf = m->pf;
	unsigned n = m->bc->n_order;
	unsigned top = m->hl >= MENU_ROWS ? m->hl - MENU_ROWS + 1 : 0;

	pf->console_clear(pf->ctx);
	put(m, "kaslboot boot menu\r\n\r\n");
	if (top)
		put(m, "  ... %u more above\r\n", top);
	for (unsigned i = top; i < n && i < top + MENU_ROWS; i++) {
		const struct kb_entry *e = entry_at(m, i);
		bool hl = i == m->hl;
		if (hl)
			pf->console_highlight(pf->ctx, true);
		put(m, "%s%u) %s%s%s", hl ? "> " : "  ", i + 1, entry_name(e),
		    m->bc->order[i] == m->first ? " (default)" : "",
		    !strcmp(e->bli_id, m->saved_default) ? " (saved default)" : "");
		if (hl)
			pf->console_highlight(pf->ctx, false);
		put(m, "\r\n");
	}
	if (top + MENU_ROWS < n)
		put(m, "  ... %u more below\r\n", n - top - MENU_ROWS);
	const struct kb_entry *e = entry_at(m, m->hl);
	put(m, "\r\n  entry:   %s\r\n  title:   %s\r\n  version: %s\r\n  entropy: %s\r\n\r\n",
	    e->bli_id, e->title[0] ? e->title : "-", e->version[0] ? e->version : "-",
	    m->ctx->entropy ? m->ctx->entropy : "-");
	if (m->counting)
		put(m, "  booting the default in %u s\r\n", m->left);
	else
		put(m, "  %s\r\n", m->status);
	put(m, "  Up/Down select, Enter boots, 1-%u boot that entry, e edits its command line,\r\n"
	       "  d makes it the default, t/T lengthen/shorten the timeout\r\n",
	    n < MENU_DIGITS ? n : MENU_DIGITS);
}

/* ---- the watchdog ------------------------------------------------------------------- */

static void watchdog(struct menu *m, unsigned seconds)
{
	int rc = m->pf->set_watchdog(m->pf->ctx, seconds);
	if (rc && !m->watchdog_warned) {
		m->watchdog_warned = true;
		if (seconds)
			log_warn("menu: the firmware's watchdog could not be set to %u s (%s)",
				 seconds, kb_strerror(rc));
		else
			log_warn("menu: the firmware's watchdog could not be stopped (%s): it may "
				 "reset the machine while the menu waits", kb_strerror(rc));
	}
}

/* A person is there: the menu may wait as long as they take. */
static void stop_countdown(struct menu *m)
{
	if (m->counting) {
		m->counting = false;
		watchdog(m, 0);
	}
}

/* ---- keys --------------------------------------------------------------------------- */

/* Waits for a key: ticks (for the countdown) when asked to, else as long as it takes.
 * Returns false when the console cannot be read (the menu cannot wait then). */
static bool next_key(struct menu *m, bool tick, struct kb_key *key)
{
	for (;;) {
		int rc = m->pf->read_key(m->pf->ctx, MENU_TICK_MS, key);
		if (rc)
			return log_warn_ret(
				false, "menu: the console's keys cannot be read (%s): booting '%s'",
				kb_strerror(rc), entry_at(m, m->hl)->bli_id);
		if (key->kind != KB_KEY_TIMEOUT || tick)
			return true;
	}
}

static bool is_char(const struct kb_key *k, uint32_t c)
{
	return k->kind == KB_KEY_CHAR && k->ch == c;
}

static bool is_enter(const struct kb_key *k)
{
	return is_char(k, CH_CR) || is_char(k, CH_LF);
}

/* ---- the line editor ---------------------------------------------------------------- */

static bool utf8_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t char_prev(const char *s, size_t at)
{
	while (at && utf8_cont(s[--at]))
		;
	return at;
}

static size_t char_next(const char *s, size_t len, size_t at)
{
	while (at < len && utf8_cont(s[++at]))
		;
	return at;
}

/* A key's character as UTF-8 (1..3 bytes); 0 for what the editor does not insert:
 * control characters and what UCS-2 cannot carry. */
static size_t char_encode(uint32_t c, char *out)
{
	if (c < 0x20 || c == CH_DEL || (c >= 0x80 && c < 0xa0) || (c >= 0xd800 && c < 0xe000) ||
	    c > 0xffff)
		return 0;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (c >> 12));
	out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

static void draw_editor(const struct menu *m, const char *buf, size_t len, size_t cur)
{
	char win[EDIT_COLS * 3 + 1];
	size_t from = 0, to = len, col = 0;

	if (len > EDIT_COLS) {
		/* Scroll so that the cursor stays EDIT_MARGIN columns off the right edge. */
		if (cur > EDIT_COLS - EDIT_MARGIN)
			from = cur - (EDIT_COLS - EDIT_MARGIN);
		while (from < len && utf8_cont(buf[from]))
			from++;
		to = from + EDIT_COLS < len ? from + EDIT_COLS : len;
		while (to < len && to > from && utf8_cont(buf[to]))
			to--;
	}
	memcpy(win, buf + from, to - from);
	win[to - from] = 0;
	for (size_t i = from; i < cur; i = char_next(buf, len, i))
		col++;

	m->pf->console_clear(m->pf->ctx);
	put(m, "kaslboot boot menu: editing the command line of '%s' (this boot only)\r\n\r\n",
	    entry_at(m, m->hl)->bli_id);
	put(m, "%s", from ? "<" : " ");
	m->pf->console_write(m->pf->ctx, win);
	put(m, "%s\r\n", to < len ? ">" : "");
	put(m, " %*s^\r\n\r\n", (int)col, "");
	put(m, "  %s\r\n", m->status);
	put(m, "  Left/Right/Home/End move, Backspace/Delete erase, Enter boots this line,\r\n"
	       "  Esc goes back to the menu\r\n");
}

/* The editor on the highlighted entry's options, in out->options. True when Enter took
 * the line; false after Esc (out untouched) or when the console cannot be read (*dead). */
static bool edit(struct menu *m, struct menu_choice *out, bool *dead)
{
	static char buf[KB_CMDLINE_MAX];
	const struct kb_entry *e = entry_at(m, m->hl);
	size_t len = strnlen(e->options, sizeof(buf) - 1), cur = len;
	bool warned = false;

	memcpy(buf, e->options, len);
	buf[len] = 0;
	m->status[0] = 0;
	for (;;) {
		struct kb_key k;
		char enc[3];
		size_t n;
		draw_editor(m, buf, len, cur);
		if (!next_key(m, false, &k)) {
			*dead = true;
			return false;
		}
		m->status[0] = 0;
		if (is_enter(&k)) {
			memcpy(out->options, buf, len + 1);
			out->edited = true;
			return true;
		}
		switch (k.kind) {
		case KB_KEY_ESC:
			say(m, LOG_INFO, "edit of '%s' cancelled: its command line is unchanged", e->bli_id);
			return false;
		case KB_KEY_LEFT:
			cur = char_prev(buf, cur);
			break;
		case KB_KEY_RIGHT:
			cur = char_next(buf, len, cur);
			break;
		case KB_KEY_HOME:
			cur = 0;
			break;
		case KB_KEY_END:
			cur = len;
			break;
		case KB_KEY_DELETE:
			if (cur < len) {
				n = char_next(buf, len, cur) - cur;
				memmove(buf + cur, buf + cur + n, len - cur - n + 1);
				len -= n;
			}
			break;
		case KB_KEY_CHAR:
			if (k.ch == CH_BACKSPACE || k.ch == CH_DEL) {
				if (cur) {
					size_t p = char_prev(buf, cur);
					memmove(buf + p, buf + cur, len - cur + 1);
					len -= cur - p;
					cur = p;
				}
				break;
			}
			n = char_encode(k.ch, enc);
			if (!n)
				break;
			if (len + n > KB_CMDLINE_MAX - 1) {
				kfmt_snprintf(m->status, sizeof(m->status),
					      "the command line is full: %u bytes at most",
					      KB_CMDLINE_MAX - 1);
				if (!warned)   /* one line, however long a key is held */
					log_warn("menu: the command line is full: %u bytes at most, "
						 "what is typed past it is dropped", KB_CMDLINE_MAX - 1);
				warned = true;
				break;
			}
			memmove(buf + cur + n, buf + cur, len - cur + 1);
			memcpy(buf + cur, enc, n);
			len += n;
			cur += n;
			break;
		default:
			break;
		}
	}
}

/* ---- what the keys change ----------------------------------------------------------- */

static void toggle_default(struct menu *m)
{
	/* systemd-boot's id: what bootctl set-default writes and LoaderEntries lists. */
	const char *id = entry_at(m, m->hl)->bli_id;
	bool clear = !strcmp(m->saved_default, id);
	int rc = menu_vars_set_default(m->pf, clear ? NULL : id);
	if (rc) {
		say(m, LOG_WARN, "could not %s LoaderEntryDefault (%s): the default is unchanged",
		    clear ? "remove" : "store", kb_strerror(rc));
	} else if (clear) {
		m->saved_default[0] = 0;
		say(m, LOG_INFO, "LoaderEntryDefault removed: loader.conf's default applies again");
	} else {
		memcpy(m->saved_default, id, strlen(id) + 1);
		say(m, LOG_INFO, "'%s' is the default entry now (LoaderEntryDefault)", id);
	}
}

static void step_timeout(struct menu *m, int up)
{
	struct menu_timeout t = m->timeout;
	char text[24];
	menu_timeout_step(&t, up);
	int rc = menu_vars_set_timeout(m->pf, &t);
	if (rc) {
		say(m, LOG_WARN, "could not store LoaderConfigTimeout (%s): the timeout is unchanged",
		    kb_strerror(rc));
		return;
	}
	m->timeout = t;
	if (t.kind == MENU_TIMEOUT_UNSET)
		say(m, LOG_INFO, "LoaderConfigTimeout removed: loader.conf's timeout applies again");
	else
		say(m, LOG_INFO, "menu timeout %s from the next boot on (LoaderConfigTimeout)",
		    menu_timeout_text(&t, text, sizeof(text)));
}

static void choose(struct boot_config *bc, unsigned pos)
{
	unsigned chosen = bc->order[pos];
	memmove(&bc->order[1], &bc->order[0], pos * sizeof(bc->order[0]));
	bc->order[0] = chosen;
}

/* ---- the menu ----------------------------------------------------------------------- */

/* Runs the menu until an entry is chosen; m->hl is it. */
static void menu_loop(struct menu *m, struct kb_key pending, struct menu_choice *out)
{
	unsigned n = m->bc->n_order;
	bool redraw = true;
	for (;;) {
		struct kb_key k = pending;
		if (redraw)
			draw_menu(m);
		redraw = true;
		if (pending.kind != KB_KEY_TIMEOUT)
			pending.kind = KB_KEY_TIMEOUT;
		else if (!next_key(m, m->counting, &k))
			return;
		if (k.kind == KB_KEY_TIMEOUT) {
			if (--m->left == 0)
				return;   /* the countdown ran out: the default is highlighted */
			continue;
		}
		stop_countdown(m);
		m->status[0] = 0;
		if (is_enter(&k))
			return;
		if (k.kind == KB_KEY_CHAR && k.ch >= '1' && k.ch < '1' + MENU_DIGITS) {
			if (k.ch - '1' < n) {
				m->hl = k.ch - '1';
				return;
			}
			continue;
		}
		switch (k.kind) {
		case KB_KEY_UP:
			if (m->hl > 0)
				m->hl--;
			continue;
		case KB_KEY_DOWN:
			if (m->hl + 1 < n)
				m->hl++;
			continue;
		case KB_KEY_HOME:
			m->hl = 0;
			continue;
		case KB_KEY_END:
			m->hl = n - 1;
			continue;
		case KB_KEY_CHAR:
			break;
		default:
			continue;   /* a key with no meaning here */
		}
		switch (k.ch) {
		case 'e': {
			if (!m->ctx->editor) {
				if (m->bc->conf.editor_set)
					say(m, LOG_INFO, "the editor is off: loader.conf says 'editor no'");
				else
					say(m, LOG_INFO, "the editor is off under Secure Boot (an edited "
					    "command line gets around lockdown); loader.conf 'editor yes' "
					    "turns it on");
				break;
			}
			bool dead = false;
			if (edit(m, out, &dead) || dead)
				return;
			break;
		}
		case 'd':
		case 'D':
			toggle_default(m);
			break;
		case 't':
		case '+':
			step_timeout(m, 1);
			break;
		case 'T':
		case '-':
			step_timeout(m, 0);
			break;
		default:
			break;   /* ignored */
		}
	}
}

void menu_run(const struct kb_platform *pf, struct boot_config *bc,
	      const struct menu_context *ctx, struct menu_choice *out)
{
	static struct menu m;
	const struct kb_loader_conf *c = &bc->conf;
	struct kb_key pending = { .kind = KB_KEY_TIMEOUT };

	out->edited = false;
	out->options[0] = 0;
	if (c->menu == KB_MENU_DISABLED || (c->menu == KB_MENU_TIMEOUT && c->timeout_sec == 0) ||
	    bc->n_order < 1)
		return;
	/* menu-hidden: only a key already pressed opens the menu; that key then counts as
	 * the first one pressed in it. */
	if (c->menu == KB_MENU_HIDDEN &&
	    (pf->read_key(pf->ctx, 0, &pending) || pending.kind == KB_KEY_TIMEOUT))
		return;

	memset(&m, 0, sizeof(m));
	m.pf = pf;
	m.bc = bc;
	m.ctx = ctx;
	m.first = bc->order[0];
	m.counting = c->menu == KB_MENU_TIMEOUT;
	m.left = c->timeout_sec;
	menu_vars_read(pf, m.saved_default, sizeof(m.saved_default), &m.timeout);
	if (m.counting) {
		/* Unattended: the watchdog stays on, with room for the whole countdown. */
		unsigned room = (unsigned)-1 - MENU_WATCHDOG_SEC;
		watchdog(&m, m.left < room ? m.left + MENU_WATCHDOG_SEC : (unsigned)-1);
	} else {
		watchdog(&m, 0);
	}
	log_info("boot menu: %u entries, %s", bc->n_order,
		 m.counting ? "counting down" : "waiting for a key");

	menu_loop(&m, pending, out);

	/* What follows is unattended again. */
	watchdog(&m, MENU_WATCHDOG_SEC);
	choose(bc, m.hl);
	pf->console_clear(pf->ctx);
	log_info("menu: booting '%s'%s", bc->entries[bc->order[0]].bli_id,
		 out->edited ? " with an edited command line" : "");
}
