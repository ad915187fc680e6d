/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot menu (loader/menu.c) and its variables (loader/menu_vars.c) over the fake
 * firmware: every key, the countdown on the fake clock, the modes that never show the
 * menu, the line editor and its limit, LoaderEntryDefault and LoaderConfigTimeout as
 * systemd-boot writes them, the watchdog around a person's wait, and every platform call
 * the menu makes failed in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fake_platform.h"
#include "lib/err.h"
#include "lib/utf16.h"
#include "loader/bli.h"
#include "loader/menu.h"
#include "loader/menu_vars.h"
#include "log_capture.h"

#define RAM_BYTES (4ULL << 20)
#define ENTROPY "strong (dt-kaslr-seed,rndr)"

/* More than the menu shows at once (it scrolls). */
#define MENU_TEST_ENTRIES 40
static struct kb_entry entries[MENU_TEST_ENTRIES];
/* The entries' options (an entry points at its string; the boot config keeps them). */
static char options[MENU_TEST_ENTRIES][KB_CMDLINE_MAX];
static unsigned order[MENU_TEST_ENTRIES];
static struct boot_config bc;
static struct menu_choice choice;
static const char *const names[] = { "alpha", "beta", "gamma", "delta" };

/* n entries alpha, beta, ... (then e4, e5, ...) in that order, the first the default. */
static void setup_menu(unsigned n, enum kb_menu_mode mode, unsigned timeout)
{
	fake_fw_init(RAM_BYTES);
	log_capture_start(LOG_DEBUG);
	memset(entries, 0, sizeof(entries));
	memset(&bc, 0, sizeof(bc));
	memset(&choice, 0, sizeof(choice));
	bc.entries = entries;
	bc.order = order;
	for (unsigned i = 0; i < n; i++) {
		struct kb_entry *e = &entries[i];
		if (i < 4)
			snprintf(e->id, sizeof(e->id), "%s", names[i]);
		else
			snprintf(e->id, sizeof(e->id), "e%u", i);
		snprintf(e->bli_id, sizeof(e->bli_id), "%s.conf", e->id);
		snprintf(e->title, sizeof(e->title), "Entry %c", 'A' + i);
		snprintf(e->version, sizeof(e->version), "6.1.%u", i);
		snprintf(options[i], sizeof(options[i]), "console=ttyAMA0 root=/dev/vda%u", i + 1);
		e->options = options[i];
		bc.order[i] = i;
	}
	bc.count = bc.n_order = n;
	bc.conf.menu = mode;
	bc.conf.timeout_sec = timeout;
}

static void run_editor(bool editor)
{
	struct menu_context ctx = { .entropy = ENTROPY, .editor = editor };
	menu_run(&fake_platform, &bc, &ctx, &choice);
}

static void run(void)
{
	run_editor(true);
}

static const char *booted(void)
{
	return entries[bc.order[0]].bli_id;
}

/* The variable's value as UTF-8, "" when absent; its attributes must be systemd's. */
static const char *var_text(const char *name)
{
	static char out[512];
	const struct fake_var *v = fake_fw_var(name);
	out[0] = 0;
	if (!v)
		return out;
	assert_int_equal(v->attrs, KB_VAR_NON_VOLATILE | KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME);
	assert_memory_equal(&v->guid, &bli_vendor_guid, sizeof(v->guid));
	assert_int_equal(v->len % 2, 0);
	assert_true(v->len >= 2);
	uint16_t w[256];
	memcpy(w, v->data, v->len);
	assert_int_equal(w[v->len / 2 - 1], 0);   /* NUL-terminated, as systemd writes */
	assert_true(utf16_to_utf8(w, v->len / 2, out, sizeof(out)));
	return out;
}

static void set_var(const char *name, const char *value)
{
	uint16_t w[256];
	long n = utf16_from_utf8(value, w, 256);
	assert_true(n >= 0);
	assert_int_equal(fake_platform.var_set(NULL, &bli_vendor_guid, name,
					       MENU_VARS_ATTRS, w, ((size_t)n + 1) * 2), 0);
}

#define assert_screen(text)                                                                    \
	do {                                                                                   \
		if (!strstr(fake.screen, (text)))                                              \
			fail_msg("expected \"%s\" on the screen:\n%s", (text), fake.screen);   \
	} while (0)
#define assert_console(text)                                                                   \
	do {                                                                                   \
		if (!strstr(fake.console, (text)))                                             \
			fail_msg("expected \"%s\" on the console:\n%s", (text), fake.console); \
	} while (0)

/* ---- when the menu shows ------------------------------------------------------------ */

static void test_countdown_expires(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_TIMEOUT, 3);
	run();
	assert_string_equal(booted(), "alpha.conf");
	assert_int_equal(fake.clock_ms, 3000);
	assert_console("booting the default in 3 s");
	assert_console("booting the default in 1 s");
	assert_console("> 1) Entry A (default)\r\n  2) Entry B\r\n");
	assert_console("  entry:   alpha.conf\r\n  title:   Entry A\r\n  version: 6.1.0\r\n"
		       "  entropy: " ENTROPY "\r\n");
	assert_logged("kaslboot: menu: booting 'alpha.conf'");
	/* Unattended: the watchdog stays armed, with room for the countdown, then 5 min. */
	assert_int_equal(fake.watchdog_calls, 2);
	assert_int_equal(fake.watchdog_log[0], 3 + 300);
	assert_int_equal(fake.watchdog_log[1], 300);
	assert_int_equal(fake.watchdog_at_wait, 303);
	assert_false(choice.edited);
	assert_false(fake.highlighted);
	assert_int_equal(fake.screen_len, 0);   /* cleared for the boot's log lines */
}

static void test_huge_countdown_keeps_a_watchdog(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_TIMEOUT, 0xffffffffu);
	fake_fw_push_key(KB_KEY_CHAR, '\r');
	run();
	assert_int_equal(fake.watchdog_log[0], 0xffffffffu);   /* no wrap to a few seconds */
}

static void test_never_shown(void **state)
{
	(void)state;
	static const struct { enum kb_menu_mode mode; unsigned timeout; } cases[] = {
		{ KB_MENU_TIMEOUT, 0 }, { KB_MENU_DISABLED, 5 }, { KB_MENU_HIDDEN, 0 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_menu(2, cases[i].mode, cases[i].timeout);
		bc.order[0] = 1;
		bc.order[1] = 0;
		run();
		assert_string_equal(booted(), "beta.conf");
		assert_int_equal(fake.console_len, 0);
		assert_int_equal(fake.console_clears, 0);
		assert_int_equal(fake.watchdog_calls, 0);   /* the firmware's own stays */
		assert_int_equal(fake.clock_ms, 0);
		assert_int_equal(captured_lines, 0);
	}
	/* menu-disabled ignores a waiting key; timeout 0 too. */
	setup_menu(2, KB_MENU_DISABLED, 0);
	fake_fw_push_key(KB_KEY_CHAR, '2');
	run();
	assert_string_equal(booted(), "alpha.conf");
	assert_int_equal(fake.console_len, 0);
}

static void test_hidden_opens_on_a_waiting_key(void **state)
{
	(void)state;
	setup_menu(3, KB_MENU_HIDDEN, 0);
	fake_fw_push_key(KB_KEY_DOWN, 0);   /* held at boot: counts as pressed in the menu */
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_CHAR, '\r');
	run();
	assert_string_equal(booted(), "beta.conf");
	assert_console("kaslboot boot menu");
	assert_console("> 2) Entry B");
	assert_int_equal(fake.watchdog_log[0], 0);   /* a person is there */
	assert_int_equal(fake.watchdog_at_wait, 0);
	assert_int_equal(fake.watchdog_log[1], 300);
	assert_int_equal(fake.watchdog_calls, 2);
	assert_int_equal(fake.clock_ms, 2000);       /* no countdown: it waited */
}

static void test_force_waits_with_the_watchdog_off(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_FORCE, 0);
	for (int i = 0; i < 10; i++)
		fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_CHAR, '\r');
	run();
	assert_string_equal(booted(), "alpha.conf");
	assert_int_equal(fake.clock_ms, 10000);
	assert_true(fake.watchdog_set_at_wait);
	assert_int_equal(fake.watchdog_at_wait, 0);
	assert_int_equal(fake.watchdog_calls, 2);
	assert_int_equal(fake.watchdog_log[0], 0);
	assert_int_equal(fake.watchdog_log[1], 300);
	assert_int_equal(fake.watchdog_seconds, 300);
	/* No countdown: drawn once, not once a second. */
	assert_int_equal(fake.console_clears, 2);
}

/* ---- keys --------------------------------------------------------------------------- */

static void test_arrows_and_enter(void **state)
{
	(void)state;
	setup_menu(3, KB_MENU_TIMEOUT, 5);
	fake_fw_push_key(KB_KEY_UP, 0);     /* at the top: stays */
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_key(KB_KEY_DOWN, 0);   /* at the bottom: stays */
	fake_fw_push_key(KB_KEY_UP, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_CHAR, '\r');
	run();
	assert_string_equal(booted(), "beta.conf");
	/* The others stay behind as fallbacks, in their order. */
	assert_int_equal(bc.order[1], 0);
	assert_int_equal(bc.order[2], 2);
	assert_console("> 3) Entry C");
	assert_console("  entry:   gamma.conf");
	/* The first key stopped the countdown; the waits after it did not count down. */
	assert_console("booting the default in 5 s");
	assert_null(strstr(fake.console, "booting the default in 4 s"));
	assert_int_equal(fake.watchdog_log[0], 305);
	assert_int_equal(fake.watchdog_log[1], 0);
	assert_int_equal(fake.watchdog_log[2], 300);
	assert_int_equal(fake.watchdog_calls, 3);
	assert_int_equal(fake.watchdog_at_wait, 0);
	assert_logged("kaslboot: menu: booting 'beta.conf'");
}

static void test_home_end_and_scrolling(void **state)
{
	(void)state;
	setup_menu(20, KB_MENU_FORCE, 0);
	fake_fw_push_key(KB_KEY_END, 0);
	fake_fw_push_key(KB_KEY_HOME, 0);
	fake_fw_push_key(KB_KEY_END, 0);
	fake_fw_push_key(KB_KEY_CHAR, '\n');
	run();
	assert_string_equal(booted(), "e19.conf");
	assert_console("> 20) Entry T");
	assert_console("  ... 8 more above");
	assert_console("  ... 8 more below");   /* the first screen */
}

static void test_digits(void **state)
{
	(void)state;
	setup_menu(3, KB_MENU_TIMEOUT, 5);
	fake_fw_push_key(KB_KEY_CHAR, '3');
	run();
	assert_string_equal(booted(), "gamma.conf");
	assert_int_equal(bc.order[1], 0);
	assert_int_equal(bc.order[2], 1);
	/* A digit past the last entry is ignored (it only stops the countdown). */
	setup_menu(2, KB_MENU_TIMEOUT, 5);
	fake_fw_push_key(KB_KEY_CHAR, '9');
	fake_fw_push_key(KB_KEY_CHAR, '0');
	fake_fw_push_key(KB_KEY_CHAR, '2');
	run();
	assert_string_equal(booted(), "beta.conf");
	/* With more than nine entries the digits still reach the first nine. */
	setup_menu(12, KB_MENU_FORCE, 0);
	fake_fw_push_key(KB_KEY_CHAR, '9');
	run();
	assert_string_equal(booted(), "e8.conf");
}

static void test_unknown_keys_are_ignored(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_TIMEOUT, 4);
	fake_fw_push_key(KB_KEY_OTHER, 0);
	fake_fw_push_key(KB_KEY_CHAR, 'x');
	fake_fw_push_key(KB_KEY_CHAR, 0x1b);
	fake_fw_push_key(KB_KEY_ESC, 0);
	fake_fw_push_key(KB_KEY_LEFT, 0);
	fake_fw_push_key(KB_KEY_DELETE, 0);
	fake_fw_push_key(KB_KEY_CHAR, 0x263a);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_TIMEOUT, 0);
	fake_fw_push_key(KB_KEY_CHAR, '\r');
	run();
	/* The first key stopped the countdown: five seconds passed without a boot. */
	assert_string_equal(booted(), "alpha.conf");
	assert_int_equal(fake.clock_ms, 5000);
	assert_int_equal(captured_warnings, 0);
	assert_int_equal(fake.nvars, 0);
	assert_false(choice.edited);
}

/* ---- the editor --------------------------------------------------------------------- */

static void test_editor_appends_and_boots_once(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_TIMEOUT, 5);
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_chars("e quiet\r");
	run();
	assert_string_equal(booted(), "beta.conf");
	assert_true(choice.edited);
	assert_string_equal(choice.options, "console=ttyAMA0 root=/dev/vda2 quiet");
	/* For this boot only: the entry itself is run_menu's to change, not the menu's. */
	assert_string_equal(entries[1].options, "console=ttyAMA0 root=/dev/vda2");
	assert_console("editing the command line of 'beta.conf'");
	assert_console(" console=ttyAMA0 root=/dev/vda2 quiet\r\n");
	assert_logged("kaslboot: menu: booting 'beta.conf' with an edited command line");
	assert_int_equal(fake.watchdog_log[1], 0);
	assert_int_equal(fake.watchdog_log[2], 300);
}

static void test_editor_cursor_keys(void **state)
{
	(void)state;
	setup_menu(1, KB_MENU_FORCE, 0);
	snprintf(options[0], sizeof(options[0]), "abc def");
	fake_fw_push_chars("e");
	fake_fw_push_key(KB_KEY_HOME, 0);
	fake_fw_push_chars("X");              /* Xabc def, cursor after X */
	fake_fw_push_key(KB_KEY_RIGHT, 0);
	fake_fw_push_key(KB_KEY_DELETE, 0);   /* Xac def */
	fake_fw_push_key(KB_KEY_END, 0);
	fake_fw_push_key(KB_KEY_CHAR, 0x08);  /* Xac de */
	fake_fw_push_key(KB_KEY_LEFT, 0);
	fake_fw_push_key(KB_KEY_LEFT, 0);
	fake_fw_push_key(KB_KEY_CHAR, 0x7f);  /* DEL from a terminal: Xacde */
	fake_fw_push_key(KB_KEY_CHAR, 0xe9);  /* é, UTF-8 c3 a9: Xac\xc3\xa9de */
	fake_fw_push_key(KB_KEY_LEFT, 0);     /* one character back, not one byte */
	fake_fw_push_key(KB_KEY_RIGHT, 0);
	fake_fw_push_key(KB_KEY_CHAR, 0x08);  /* erases the whole é */
	fake_fw_push_key(KB_KEY_CHAR, 0x01);  /* a control character: not inserted */
	fake_fw_push_chars("\r");
	run();
	assert_true(choice.edited);
	assert_string_equal(choice.options, "Xacde");
}

static void test_editor_escape_boots_unedited(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_FORCE, 0);
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_chars("e nokaslr");
	fake_fw_push_key(KB_KEY_ESC, 0);
	fake_fw_push_chars("\r");
	run();
	assert_string_equal(booted(), "beta.conf");
	assert_false(choice.edited);
	assert_string_equal(choice.options, "");
	assert_logged("kaslboot: menu: edit of 'beta.conf' cancelled: its command line is unchanged");
	/* Back in the menu, the status line says so. */
	assert_console("  edit of 'beta.conf' cancelled: its command line is unchanged\r\n");
}

static void test_editor_off(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_FORCE, 0);
	bc.conf.editor_set = true;
	bc.conf.editor = false;
	fake_fw_push_chars("e \r");
	run_editor(false);
	/* 'e' did nothing but say why; Enter booted. */
	assert_false(choice.edited);
	assert_string_equal(booted(), "alpha.conf");
	assert_logged("kaslboot: menu: the editor is off: loader.conf says 'editor no'\r\n");
	assert_int_equal(captured_lines, 3);   /* shown, that line, booting */
	assert_null(strstr(fake.console, "editing the command line"));

	setup_menu(2, KB_MENU_FORCE, 0);       /* off because of Secure Boot */
	fake_fw_push_chars("e\r");
	run_editor(false);
	assert_false(choice.edited);
	assert_logged("kaslboot: menu: the editor is off under Secure Boot (an edited command "
		      "line gets around lockdown); loader.conf 'editor yes' turns it on");
}

static void test_editor_limit(void **state)
{
	(void)state;
	setup_menu(1, KB_MENU_FORCE, 0);
	memset(options[0], 'o', KB_CMDLINE_MAX - 3);
	options[0][KB_CMDLINE_MAX - 3] = 0;
	fake_fw_push_chars("e");
	fake_fw_push_key(KB_KEY_CHAR, 0xe9);  /* 2 bytes: fits exactly */
	fake_fw_push_chars("abc");            /* refused, one line for all three */
	fake_fw_push_key(KB_KEY_HOME, 0);
	fake_fw_push_chars("z");              /* still full */
	fake_fw_push_chars("\r");
	run();
	assert_true(choice.edited);
	assert_int_equal(strlen(choice.options), KB_CMDLINE_MAX - 1);
	assert_memory_equal(choice.options + KB_CMDLINE_MAX - 3, "\xc3\xa9", 3);
	assert_int_equal(captured_warnings, 1);
	assert_logged("kaslboot: warning: menu: the command line is full: 4095 bytes at most, "
		      "what is typed past it is dropped");
	assert_console("the command line is full: 4095 bytes at most");
	/* The long line is shown in a window that follows the cursor. */
	assert_console("<ooooo");
	/* A character that would not fit whole is refused whole. */
	setup_menu(1, KB_MENU_FORCE, 0);
	memset(options[0], 'o', KB_CMDLINE_MAX - 2);
	options[0][KB_CMDLINE_MAX - 2] = 0;
	fake_fw_push_chars("e");
	fake_fw_push_key(KB_KEY_CHAR, 0xe9);
	fake_fw_push_chars("\r");
	run();
	assert_int_equal(strlen(choice.options), KB_CMDLINE_MAX - 2);
}

/* ---- LoaderEntryDefault ------------------------------------------------------------- */

static void test_d_sets_and_clears_the_default(void **state)
{
	(void)state;
	setup_menu(3, KB_MENU_TIMEOUT, 5);
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_chars("d");
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_chars("\r");
	run();
	/* The default is for the next boots; this one boots what Enter chose. */
	assert_string_equal(booted(), "gamma.conf");
	assert_string_equal(var_text("LoaderEntryDefault"), "beta.conf");
	assert_logged("kaslboot: menu: 'beta.conf' is the default entry now (LoaderEntryDefault)");
	assert_console("> 2) Entry B (saved default)");

	/* d on the entry that is the saved default removes the variable. */
	setup_menu(3, KB_MENU_FORCE, 0);
	set_var("LoaderEntryDefault", "gamma.conf");
	fake_fw_push_key(KB_KEY_END, 0);
	fake_fw_push_chars("d\r");
	run();
	assert_null(fake_fw_var("LoaderEntryDefault"));
	assert_logged("kaslboot: menu: LoaderEntryDefault removed: loader.conf's default applies again");

	/* d twice: set, then removed again. */
	setup_menu(3, KB_MENU_FORCE, 0);
	fake_fw_push_chars("dd\r");
	run();
	assert_null(fake_fw_var("LoaderEntryDefault"));
}

static void test_d_refused_by_the_firmware(void **state)
{
	(void)state;
	setup_menu(2, KB_MENU_FORCE, 0);
	fake.vars_refuse = true;
	fake_fw_push_key(KB_KEY_DOWN, 0);
	fake_fw_push_chars("d\r");
	run();
	assert_string_equal(booted(), "beta.conf");   /* the menu went on */
	assert_null(fake_fw_var("LoaderEntryDefault"));
	assert_int_equal(captured_warnings, 1);
	assert_logged("kaslboot: warning: menu: could not store LoaderEntryDefault (");
	assert_logged("): the default is unchanged");
	assert_console("  could not store LoaderEntryDefault (");
}

/* ---- LoaderConfigTimeout ------------------------------------------------------------ */

static void test_t_and_T(void **state)
{
	(void)state;
	/* From unset: t goes menu-force, menu-hidden, 1 s, 2 s; T back one step. */
	setup_menu(2, KB_MENU_TIMEOUT, 5);
	fake_fw_push_chars("t");
	fake_fw_push_chars("t");
	fake_fw_push_chars("+");
	fake_fw_push_chars("t");
	fake_fw_push_chars("T\r");
	run();
	assert_string_equal(var_text("LoaderConfigTimeout"), "1");
	assert_logged("menu: menu timeout menu-force from the next boot on (LoaderConfigTimeout)");
	assert_logged("menu: menu timeout menu-hidden from the next boot on (LoaderConfigTimeout)");
	assert_logged("menu: menu timeout 1 s from the next boot on (LoaderConfigTimeout)");
	assert_logged("menu: menu timeout 2 s from the next boot on (LoaderConfigTimeout)");
	assert_string_equal(booted(), "alpha.conf");

	/* From a stored value: 7 s, T twice gives 5. */
	setup_menu(2, KB_MENU_FORCE, 0);
	set_var("LoaderConfigTimeout", "7");
	fake_fw_push_chars("T-\r");
	run();
	assert_string_equal(var_text("LoaderConfigTimeout"), "5");

	/* Down to the bottom: 1 s, menu-hidden, menu-force, removed, and it stays so. */
	setup_menu(2, KB_MENU_FORCE, 0);
	set_var("LoaderConfigTimeout", "1");
	fake_fw_push_chars("T");
	fake_fw_push_chars("T");
	fake_fw_push_chars("T");
	fake_fw_push_chars("T\r");
	run();
	assert_null(fake_fw_var("LoaderConfigTimeout"));
	assert_logged("menu: LoaderConfigTimeout removed: loader.conf's timeout applies again");
	assert_int_equal(captured_warnings, 0);

	/* Written at once, so that a refused write is seen in the menu. */
	setup_menu(2, KB_MENU_FORCE, 0);
	fake.vars_refuse = true;
	fake_fw_push_chars("t\r");
	run();
	assert_int_equal(captured_warnings, 1);
	assert_logged("kaslboot: warning: menu: could not store LoaderConfigTimeout (");
}

static void test_timeout_cycle(void **state)
{
	(void)state;
	struct menu_timeout t = { MENU_TIMEOUT_UNSET, 0 };
	char buf[24];
	menu_timeout_step(&t, 0);
	assert_int_equal(t.kind, MENU_TIMEOUT_UNSET);
	static const char *const up[] = { "menu-force", "menu-hidden", "1 s", "2 s" };
	for (unsigned i = 0; i < 4; i++) {
		menu_timeout_step(&t, 1);
		assert_string_equal(menu_timeout_text(&t, buf, sizeof(buf)), up[i]);
	}
	for (int i = 2; i >= 0; i--) {
		menu_timeout_step(&t, 0);
		if (i)
			assert_string_equal(menu_timeout_text(&t, buf, sizeof(buf)), up[i]);
	}
	assert_int_equal(t.kind, MENU_TIMEOUT_FORCE);
	menu_timeout_step(&t, 0);
	assert_string_equal(menu_timeout_text(&t, buf, sizeof(buf)), "unset");
	t = (struct menu_timeout){ MENU_TIMEOUT_SECONDS, MENU_TIMEOUT_MAX };
	menu_timeout_step(&t, 1);
	assert_int_equal(t.sec, MENU_TIMEOUT_MAX);
}

static void test_vars_read(void **state)
{
	(void)state;
	static const struct { const char *text; enum menu_timeout_kind kind; uint32_t sec; } cases[] = {
		{ "5", MENU_TIMEOUT_SECONDS, 5 },
		{ "0", MENU_TIMEOUT_HIDDEN, 0 },
		{ "menu-force", MENU_TIMEOUT_FORCE, 0 },
		{ "menu-hidden", MENU_TIMEOUT_HIDDEN, 0 },
		{ "99999999999999999999", MENU_TIMEOUT_SECONDS, MENU_TIMEOUT_MAX },
		{ "5s", MENU_TIMEOUT_UNSET, 0 },
		{ "-1", MENU_TIMEOUT_UNSET, 0 },
		{ "", MENU_TIMEOUT_UNSET, 0 },
		{ "menu-disabled", MENU_TIMEOUT_UNSET, 0 },
	};
	char id[KB_ID_MAX];
	struct menu_timeout t;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup_menu(1, KB_MENU_FORCE, 0);
		set_var("LoaderConfigTimeout", cases[i].text);
		menu_vars_read(&fake_platform, id, sizeof(id), &t);
		assert_int_equal(t.kind, cases[i].kind);
		assert_int_equal(t.sec, cases[i].sec);
		assert_string_equal(id, "");
	}
	/* A value without its NUL (another writer) still reads. */
	setup_menu(1, KB_MENU_FORCE, 0);
	uint16_t w[4] = { 'a', '.', 'c', 'f' };
	assert_int_equal(fake_platform.var_set(NULL, &bli_vendor_guid, "LoaderEntryDefault",
					       MENU_VARS_ATTRS, w, sizeof(w)), 0);
	menu_vars_read(&fake_platform, id, sizeof(id), &t);
	assert_string_equal(id, "a.cf");
	assert_int_equal(t.kind, MENU_TIMEOUT_UNSET);
	/* An odd length is not UTF-16: ignored. */
	assert_int_equal(fake_platform.var_set(NULL, &bli_vendor_guid, "LoaderEntryDefault",
					       MENU_VARS_ATTRS, w, 3), 0);
	menu_vars_read(&fake_platform, id, sizeof(id), &t);
	assert_string_equal(id, "");
}

/* ---- failures ----------------------------------------------------------------------- */

/* Every platform call the menu makes, failed in turn: the menu always hands back an
 * entry, with the watchdog armed again when the call that failed was not that one. */
static void test_every_call_fails(void **state)
{
	(void)state;
	unsigned total = 0;
	for (unsigned at = 1;; at++) {
		setup_menu(3, KB_MENU_TIMEOUT, 2);
		set_var("LoaderEntryDefault", "alpha.conf");
		fake.calls = 0;
		fake.fail_at = at;
		fake_fw_push_key(KB_KEY_DOWN, 0);
		fake_fw_push_chars("dtT");
		fake_fw_push_chars("e x");
		fake_fw_push_key(KB_KEY_ESC, 0);
		fake_fw_push_chars("e y\r");
		run();
		assert_true(bc.order[0] < 3);
		if (!fake.failed_op) {
			total = at - 1;
			assert_true(choice.edited);
			assert_string_equal(choice.options, "console=ttyAMA0 root=/dev/vda2 y");
			break;
		}
		assert_true(captured_errors == 0);
		if (strcmp(fake.failed_op, "read_key"))
			assert_string_equal(booted(), "beta.conf");
		else
			assert_logged("the console's keys cannot be read");
		if (!strcmp(fake.failed_op, "set_watchdog"))
			assert_true(captured_warnings >= 1);
	}
	assert_true(total > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_countdown_expires),
		cmocka_unit_test(test_huge_countdown_keeps_a_watchdog),
		cmocka_unit_test(test_never_shown),
		cmocka_unit_test(test_hidden_opens_on_a_waiting_key),
		cmocka_unit_test(test_force_waits_with_the_watchdog_off),
		cmocka_unit_test(test_arrows_and_enter),
		cmocka_unit_test(test_home_end_and_scrolling),
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_unknown_keys_are_ignored),
		cmocka_unit_test(test_editor_appends_and_boots_once),
		cmocka_unit_test(test_editor_cursor_keys),
		cmocka_unit_test(test_editor_escape_boots_unedited),
		cmocka_unit_test(test_editor_off),
		cmocka_unit_test(test_editor_limit),
		cmocka_unit_test(test_d_sets_and_clears_the_default),
		cmocka_unit_test(test_d_refused_by_the_firmware),
		cmocka_unit_test(test_t_and_T),
		cmocka_unit_test(test_timeout_cycle),
		cmocka_unit_test(test_vars_read),
		cmocka_unit_test(test_every_call_fails),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fake_fw_free();
	return rc;
}
