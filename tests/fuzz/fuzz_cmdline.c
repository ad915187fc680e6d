/* SPDX-License-Identifier: BSD-2-Clause */
/* The command-line and load-option helpers. The input is "cmdline\0opt\0" followed by a
 * few bytes of sizes.
 * - cmdline_has_option() against a model of how Linux itself reads its parameters
 *   (lib/cmdline.c next_arg(), kernel/params.c parse_args(), lib/ctype.c isspace()),
 *   written here from the kernel's description, for options as the loader uses them: one
 *   word, no quote, no blank, not starting with '='.
 * - cmdline_append(): the result is old + " " + new (no space around an empty side), within
 *   the buffer; on KB_ENOMEM the buffer is unchanged.
 * - config_load_options_entry_id(): an id is one word of the options, made of BLS
 *   file-name characters, shorter than the buffer; an error logs one line.
 * - path_to_uefi(): the result is a '\'-separated absolute path without empty, "."
 *   or ".." components, converting it again changes nothing, and it fits the buffer. */
#include "fuzz.h"
#include "lib/err.h"
#include "loader/config.h"

#define TEXT_MAX 1024
#define ID_MAX   64

/* Linux's isspace(): lib/ctype.c marks 9-13, 32 and 160 (Latin-1 NBSP) as _S. */
static bool linux_isspace(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13) || c == 160; }

static char *skip_spaces(char *s)
{
	while (linux_isspace((unsigned char)*s))
		s++;
	return s;
}

/* next_arg(): cuts the next parameter out of args in place. */
static char *model_next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (linux_isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i; /* '=' at index 0 does not count: equals == 0 means none */
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

/* parse_args() up to a bare "--", looking for opt as cmdline_has_option() defines it. */
static bool model_has_option(const char *cmdline, const char *opt)
{
	char *copy = strdup(cmdline), *args, *param, *val;
	const char *eq = strchr(opt, '=');
	size_t name_len = eq ? (size_t)(eq - opt) : strlen(opt);
	bool found = false;

	if (!copy)
		abort();
	args = skip_spaces(copy);
	while (*args && !found) {
		args = model_next_arg(args, &param, &val);
		if (!val && strcmp(param, "--") == 0)
			break;
		if (strlen(param) != name_len || memcmp(param, opt, name_len) != 0)
			continue;
		found = !eq || (val && strcmp(val, eq + 1) == 0);
	}
	free(copy);
	return found;
}

static bool plain_option(const char *opt)
{
	if (!opt[0] || opt[0] == '=')
		return false;
	for (const char *p = opt; *p; p++)
		if (*p == '"' || linux_isspace((unsigned char)*p))
			return false;
	return true;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '_' || c == '.';
}

static void check_append(const char *old, const char *words, size_t size)
{
	char *buf = malloc(size), *before = malloc(size);
	size_t ol, wl;
	int r;

	if (!buf || !before)
		abort();
	ol = strnlen(old, size - 1);
	memcpy(buf, old, ol);
	buf[ol] = '\0';
	memcpy(before, buf, size);
	r = cmdline_append(buf, size, words);
	wl = strlen(words);
	if (r == 0) {
		size_t sep = ol && wl ? 1 : 0;
		FUZZ_CHECK(ol + sep + wl < size);
		FUZZ_CHECK(memcmp(buf, old, ol) == 0);
		FUZZ_CHECK(!sep || buf[ol] == ' ');
		FUZZ_CHECK(strcmp(buf + ol + sep, words) == 0);
	} else {
		FUZZ_CHECK(r == KB_ENOMEM);
		FUZZ_CHECK(ol + (ol && wl ? 1 : 0) + wl >= size);
		FUZZ_CHECK(memcmp(buf, before, size) == 0);
	}
	free(buf);
	free(before);
}

static void check_entry_id(const char *options, size_t id_size)
{
	char id[ID_MAX];
	unsigned mark = fuzz_errors;
	int r = config_load_options_entry_id(options, id, id_size);

	if (r == 1) {
		size_t n = strlen(id);
		FUZZ_CHECK(n > 0 && n < id_size);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(id_char(id[i]));
		FUZZ_CHECK(strstr(options, id) != NULL);
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	} else if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	} else {
		FUZZ_CHECK(r == KB_EINVAL || r == KB_ERANGE);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	}
}

static void check_path(const char *path, size_t size)
{
	char *buf = malloc(size), *again = malloc(size + 1);
	unsigned mark = fuzz_errors;
	int r = path_to_uefi(path, buf, size);

	if (!buf || !again)
		abort();
	if (r == 0) {
		size_t n = strlen(buf);
		FUZZ_CHECK(n < size && buf[0] == '\\' && buf[n - 1] != '\\');
		FUZZ_CHECK(!strchr(buf, '/') && !strstr(buf, "\\\\"));
		FUZZ_CHECK(!strstr(buf, "\\.\\") && strcmp(buf + n - 2, "\\.") != 0);
		FUZZ_CHECK(!strstr(buf, "\\..\\") && (n < 3 || strcmp(buf + n - 3, "\\..") != 0));
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		/* Idempotent: the UEFI form converts to itself. */
		FUZZ_CHECK(path_to_uefi(buf, again, size) == 0 && strcmp(again, buf) == 0);
	} else {
		FUZZ_CHECK(r == KB_EINVAL || r == KB_ENOMEM);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	}
	free(buf);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char *cmdline, *opt;

	if (size > TEXT_MAX)
		return 0;
	fuzz_log_reset();
	cmdline = fuzz_string(&in, 0);
	opt = fuzz_string(&in, 0);

	if (plain_option(opt)) {
		bool got = cmdline_has_option(cmdline, opt), want = model_has_option(cmdline, opt);
		FUZZ_CHECKF(got == want, "cmdline \"%s\" option \"%s\": kaslboot %d, Linux %d",
			    cmdline, opt, got, want);
	}
	/* The options the loader really asks about. */
	FUZZ_CHECK(cmdline_has_option(cmdline, "nokaslr") == model_has_option(cmdline, "nokaslr"));
	FUZZ_CHECK(!cmdline_has_option(cmdline, ""));

	check_append(cmdline, opt, 1 + fuzz_u8(&in) % 64);
	check_append(cmdline, opt, TEXT_MAX + 2);
	check_entry_id(cmdline, 1 + fuzz_u8(&in) % ID_MAX);
	check_path(cmdline, 1 + fuzz_u16(&in) % 300);
	check_path(opt, 1 + fuzz_u8(&in) % 64);
	free(cmdline);
	free(opt);
	return 0;
}
