/* SPDX-License-Identifier: BSD-2-Clause */
/* \loader\loader.conf: systemd-boot's `default` and `timeout`, plus kaslboot's keys. */
#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "loader/config.h"
#include "loader/config_text.h"

#define LOADER_CONF_LABEL "loader/loader.conf"

void loader_conf_init(struct kb_loader_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->menu = KB_MENU_TIMEOUT;
	c->timeout_sec = 0;
	c->kaslr = KB_KASLR_ON;
	c->log_level = LOG_INFO;
	c->editor = true;
}

/* systemd's parse_boolean() words (src/fundamental/string-util-fundamental.c). */
static bool parse_boolean(const struct config_line *l, bool *out)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (config_value_is(l, yes[i])) {
			*out = true;
			return true;
		}
		if (config_value_is(l, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static int digit_value(char c, unsigned int base)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned int)(c - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

/* Decimal, or hex with 0x/0X. The whole value must be the number; no wrap-around. */
static bool parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = digit_value(s[i], base);
		if (d < 0 || v > (max - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

static int bad_value(const struct config_reader *r, const struct config_line *l,
		     const char *expected)
{
	return log_error_ret(KB_EINVAL, "%s:%u: %.*s '%.*s': expected %s", r->file, r->line_no,
			     (int)l->key_len, l->key, (int)l->value_len, l->value, expected);
}

static int parse_timeout(const struct config_reader *r, const struct config_line *l,
			 struct kb_loader_conf *c)
{
	uint64_t v;

	if (config_value_is(l, "menu-force")) {
		c->menu = KB_MENU_FORCE;
	} else if (config_value_is(l, "menu-hidden")) {
		c->menu = KB_MENU_HIDDEN;
		c->timeout_sec = 0;
	} else if (config_value_is(l, "menu-disabled")) {
		c->menu = KB_MENU_DISABLED;
		c->timeout_sec = 0;
	} else if (parse_u64(l->value, l->value_len, UINT32_MAX, &v)) {
		c->menu = KB_MENU_TIMEOUT;
		c->timeout_sec = (uint32_t)v;
	} else {
		return bad_value(r, l, "seconds, menu-force, menu-hidden or menu-disabled");
	}
	return KB_OK;
}

static int parse_line(const struct config_reader *r, const struct config_line *l,
		      struct kb_loader_conf *c)
{
	uint64_t v;

	if (config_key_is(l, "default"))
		return config_value_copy(r, l, c->default_pattern, sizeof(c->default_pattern));
	if (config_key_is(l, "timeout"))
		return parse_timeout(r, l, c);
	if (config_key_is(l, "kaslr")) {
		if (config_value_is(l, "on"))
			c->kaslr = KB_KASLR_ON;
		else if (config_value_is(l, "off"))
			c->kaslr = KB_KASLR_OFF;
		else if (config_value_is(l, "require"))
			c->kaslr = KB_KASLR_REQUIRE;
		else
			return bad_value(r, l, "on, off or require");
		return KB_OK;
	}
	if (config_key_is(l, "kaslr-seed")) {
		/* Linux treats a zero /chosen/kaslr-seed as "no seed" (pi/kaslr_early.c). */
		if (!parse_u64(l->value, l->value_len, UINT64_MAX, &v) || v == 0)
			return bad_value(r, l, "a nonzero 64-bit number (decimal or 0x hex)");
		c->kaslr_seed_fixed = true;
		c->kaslr_seed = v;
		return KB_OK;
	}
	if (config_key_is(l, "log")) {
		if (config_value_is(l, "quiet"))
			c->log_level = LOG_WARN;
		else if (config_value_is(l, "info"))
			c->log_level = LOG_INFO;
		else if (config_value_is(l, "debug"))
			c->log_level = LOG_DEBUG;
		else
			return bad_value(r, l, "quiet, info or debug");
		c->log_level_set = true;
		return KB_OK;
	}
	if (config_key_is(l, "selftest")) {
		for (size_t i = 0; i < l->value_len; i++)
			if (l->value[i] == ' ' || l->value[i] == '\t')
				return bad_value(r, l, "one word");
		return config_value_copy(r, l, c->selftest, sizeof(c->selftest));
	}
	if (config_key_is(l, "editor")) {
		if (!parse_boolean(l, &c->editor))
			return bad_value(r, l, "yes or no");
		c->editor_set = true;
		return KB_OK;
	}
	if (config_key_is(l, "random-seed-mode")) {
		/* systemd-boot 252: off, with-system-token, always, or a boolean. kaslboot
		 * always has a system token (it creates one), so all but off mean "use it". */
		bool on;
		if (config_value_is(l, "off"))
			c->random_seed_off = true;
		else if (config_value_is(l, "with-system-token") || config_value_is(l, "always"))
			c->random_seed_off = false;
		else if (parse_boolean(l, &on))
			c->random_seed_off = !on;
		else
			return bad_value(r, l, "off, with-system-token or always");
		return KB_OK;
	}
	/* systemd-boot's other keys may share this file (README, "A drop-in for
	 * systemd-boot", says why each does not apply). */
	static const char *const systemd_only[] = { "console-mode", "auto-entries",
		"auto-firmware", "auto-reboot", "auto-poweroff", "beep", "secure-boot-enroll",
		"reboot-for-bitlocker", "reboot-on-error" };
	for (size_t i = 0; i < sizeof(systemd_only) / sizeof(systemd_only[0]); i++) {
		if (config_key_is(l, systemd_only[i]))
			return log_warn_ret(
				KB_OK,
				"%s:%u: systemd-boot's '%s' does not apply to kaslboot: ignored",
				r->file, r->line_no, systemd_only[i]);
	}
	return log_warn_ret(KB_OK, "%s:%u: unknown key '%.*s' ignored", r->file, r->line_no,
			    (int)l->key_len, l->key);
}

int loader_conf_parse(const char *text, size_t len, struct kb_loader_conf *c)
{
	struct config_reader r;
	struct config_line l;
	int ret;

	loader_conf_init(c);
	config_reader_init(&r, "", LOADER_CONF_LABEL, text, len);
	while ((ret = config_reader_next(&r, &l)) > 0) {
		ret = parse_line(&r, &l, c);
		if (ret)
			return ret;
	}
	return ret;
}
