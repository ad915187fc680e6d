/* SPDX-License-Identifier: BSD-2-Clause */
/* os-release text as a UKI's .osrel and .profile sections carry it (formats/uki.c). The
 * input is the section's bytes, in an exact-size block. Invariants:
 * - osrel_next yields exactly the KEY=value pairs of a reference model of systemd-boot's
 *   line_get_key_value, which edits a NUL-terminated copy in place;
 * - uki_osrel_parse succeeds unless a value of one of its keys is UKI_VALUE_MAX bytes or
 *   more, then one error line and KB_ERANGE; the values kept are the last of each key;
 * - uki_osrel_pick returns a title exactly when one of its four keys was given. */
#include "fuzz.h"
#include "lib/err.h"
#include "formats/uki.h"

#define MAX_PAIRS 4096

struct pair {
	const char *key, *value;
};

/* systemd-boot 257 line_get_key_value with sep "=", written again: lines end at '\n' or
 * '\r', blanks trimmed, '#' comments, key before the first '=', more '=' skipped, a
 * double-quoted value that ends the line unquoted. */
static FUZZ_REFERENCE size_t reference(char *content, struct pair *out)
{
	size_t pos = 0, n = 0;
	for (;;) {
		char *line = content + pos, *value;
		size_t linelen = 0;
		if (*line == '\0')
			return n;
		while (line[linelen] && line[linelen] != '\n' && line[linelen] != '\r')
			linelen++;
		pos += linelen;
		if (content[pos])
			pos++;
		if (linelen == 0)
			continue;
		line[linelen] = '\0';
		while (*line == ' ' || *line == '\t') {
			line++;
			linelen--;
		}
		while (linelen > 0 && (line[linelen - 1] == ' ' || line[linelen - 1] == '\t'))
			linelen--;
		line[linelen] = '\0';
		if (*line == '#' || linelen == 0)
			continue;
		value = line;
		while (*value && *value != '=')
			value++;
		if (*value == '\0')
			continue;
		*value++ = '\0';
		while (*value == '=')
			value++;
		if (value[0] == '"' && line[linelen - 1] == '"') {
			value++;
			line[linelen - 1] = '\0';
		}
		if (n < MAX_PAIRS)
			out[n++] = (struct pair){ line, value };
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pair want[MAX_PAIRS];
	struct osrel_iter it;
	struct osrel_kv kv;
	struct uki_osrel o;
	struct uki_profile_info p;
	fuzz_log_reset();
	uint8_t *text = fuzz_dup(data, size);
	char *copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = 0;
	size_t n = reference(copy, want), i = 0;
	bool too_long = false, titled = false;
	osrel_iter_init(&it, text, size);
	while (osrel_next(&it, &kv)) {
		FUZZ_CHECK(i < n);
		FUZZ_CHECKF(kv.key_len == strlen(want[i].key) &&
				    !memcmp(kv.key, want[i].key, kv.key_len),
			    "pair %zu: key", i);
		FUZZ_CHECKF(kv.value_len == strlen(want[i].value) &&
				    !memcmp(kv.value, want[i].value, kv.value_len),
			    "pair %zu: value", i);
		if (kv.value_len >= UKI_VALUE_MAX &&
		    (!strcmp(want[i].key, "ID") || !strcmp(want[i].key, "NAME") ||
		     !strcmp(want[i].key, "PRETTY_NAME") || !strcmp(want[i].key, "IMAGE_ID") ||
		     !strcmp(want[i].key, "VERSION") || !strcmp(want[i].key, "VERSION_ID") ||
		     !strcmp(want[i].key, "IMAGE_VERSION") || !strcmp(want[i].key, "BUILD_ID")))
			too_long = true;
		if (!strcmp(want[i].key, "ID") || !strcmp(want[i].key, "NAME") ||
		    !strcmp(want[i].key, "PRETTY_NAME") || !strcmp(want[i].key, "IMAGE_ID"))
			titled = true;
		i++;
	}
	FUZZ_CHECK(i == n || n == MAX_PAIRS);
	int rc = uki_osrel_parse(text, size, &o, "fuzz.efi");
	if (too_long) {
		FUZZ_CHECK(rc == KB_ERANGE && fuzz_errors == 1);
		FUZZ_CHECK(strstr(fuzz_last_error, "fuzz.efi: "));
	} else {
		const char *t, *v, *k;
		FUZZ_CHECK(rc == 0 && fuzz_errors == 0);
		FUZZ_CHECK(uki_osrel_pick(&o, &t, &v, &k) == titled);
		/* The last ID= line wins. */
		for (size_t j = n; j-- > 0;)
			if (!strcmp(want[j].key, "ID")) {
				FUZZ_CHECK(o.has[OSREL_ID] &&
					   !strcmp(o.value[OSREL_ID], want[j].value));
				break;
			}
	}
	rc = uki_profile_info_parse(text, size, &p, "fuzz.efi");
	FUZZ_CHECK(rc == 0 || rc == KB_ERANGE);
	FUZZ_CHECK(strlen(p.id) < UKI_VALUE_MAX && strlen(p.title) < UKI_VALUE_MAX);
	free(copy);
	free(text);
	return 0;
}
