/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the configuration parsers (bls_entry.c, loader_conf.c): the line format that
 * BLS Type #1 entries and loader.conf share. One "key value" per line, the key separated
 * from the value by blanks; lines that are blank or start with '#' are skipped; leading and
 * trailing blanks are trimmed; a CR before the LF is tolerated (files edited on Windows).
 * Every line must be valid UTF-8 (BLS: "in the UTF-8 encoding") without NUL or other
 * control characters except TAB. */
#ifndef KASLBOOT_LOADER_CONFIG_TEXT_H
#define KASLBOOT_LOADER_CONFIG_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* "loader/entries/" + a 255-byte file name + NUL, with room to spare. */
#define CONFIG_FILE_LABEL_MAX 288

struct config_reader {
	char file[CONFIG_FILE_LABEL_MAX]; /* names the file in messages */
	const char *text;
	size_t len;
	size_t pos;
	unsigned int line_no;             /* 1-based number of the line last returned */
};

struct config_line {
	const char *key;
	size_t key_len;
	const char *value;                /* not NUL-terminated */
	size_t value_len;
};

/* label is the file as messages name it, e.g. "loader/loader.conf"; prefix + name are
 * concatenated so callers need no buffer of their own. */
void config_reader_init(struct config_reader *r, const char *prefix, const char *name,
			const char *text, size_t len);

/* 1: *line holds the next key/value line; 0: end of file; <0: error, already logged. */
int config_reader_next(struct config_reader *r, struct config_line *line);

bool config_key_is(const struct config_line *line, const char *key);
bool config_value_is(const struct config_line *line, const char *word);

/* Copies the value with a NUL into dst; KB_ERANGE (logged, naming key and limit) if the
 * value and its NUL do not fit in size bytes. */
int config_value_copy(const struct config_reader *r, const struct config_line *line,
		      char *dst, size_t size);

/* Checks a path value (linux, initrd, devicetree) and copies it: no ".." component. */
int config_path_copy(const struct config_reader *r, const struct config_line *line,
		     char *dst, size_t size);

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if it is not one:
 * overlong forms, surrogates and code points above U+10FFFF are refused (RFC 3629). */
size_t config_utf8_seq_len(const unsigned char *s, size_t n);

#endif
