/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot configuration: Boot Loader Specification (BLS) Type #1 entries, loader.conf, the BLS
 * sort order, entry selection, and the bare-ESP default. Portable: no UEFI types, no heap.
 *
 * Sources of the facts: uapi-group/specifications specs/boot_loader_specification.md
 * ("BLS" below), specs/version_format_specification.md ("UAPI version format"), and
 * systemd-boot's loader.conf(5).
 *
 * Paths. Every path in this API is kept as written in the files, in BLS form: '/' separated,
 * relative to the root of the ESP, the leading '/' optional (BLS: "Paths may be prefixed
 * with a /, but this is optional"). efi/ converts one with path_to_uefi() (lib/path.h) right
 * before opening it; that includes the paths handed to the exists() callback of
 * config_default_entry().
 *
 * kaslboot's own entry key (BLS: unknown keys are ignored, so other loaders skip it):
 *   kaslboot-payload linux    the `linux` file is an arm64 Linux Image (the default)
 *   kaslboot-payload mmu-on   the `linux` file is an ELF payload booted through kaslboot's
 *                             MMU-on protocol
 * The file itself is always named by `linux`; there is no separate `payload` key.
 *
 * Errors: every parse error is one log_error line "FILE:LINE: what" with FILE as
 * "loader/entries/<name>.conf" or "loader/loader.conf", and a negative enum kb_err. The
 * caller should refuse to boot with a configuration that failed to parse (it must not guess).
 */
#ifndef KASLBOOT_LOADER_CONFIG_H
#define KASLBOOT_LOADER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"
#include "lib/path.h"
#include "lib/str_arena.h"

/* Fixed storage: every limit is a named constant and longer input is refused. Entries are
 * not limited: their array grows from the firmware's pool. */
#define KB_ENTRIES_INITIAL  64    /* entries the first allocation holds */
#define KB_MAX_INITRDS      8     /* `initrd` lines per entry */
#define KB_MAX_OVERLAYS     8     /* `devicetree-overlay` files per entry */
#define KB_CMDLINE_MAX      4096  /* bytes of the joined `options`, including the NUL */
#define KB_ID_MAX           KB_NAME_MAX /* an entry id is its file's name */
#define KB_TITLE_MAX        128
#define KB_VERSION_MAX      128
#define KB_MACHINE_ID_MAX   33    /* BLS: 32 lower case hex characters, + NUL */
#define KB_SORT_KEY_MAX     64
#define KB_WORD_MAX         32    /* one-word settings: `selftest` */
#define KB_CONFIG_FILE_MAX  (64 * 1024) /* biggest .conf file efi/ should read */
/* The most string arena room one entry's options, initrds and overlays take, each at its
 * limit: room for this much before a parse means the parse never runs out. */
#define KB_ENTRY_STRINGS_MAX (KB_CMDLINE_MAX + (KB_MAX_INITRDS + KB_MAX_OVERLAYS) * KB_PATH_MAX)

/* BLS "architecture": the EFI name of arm64, compared case-insensitively. */
#define KB_ARCH_NAME "aa64"

/* BLS boot counting: "+LEFT[-DONE]" before ".conf"; LEFT == 0 marks a "bad" entry. */
#define KB_TRIES_NONE 0xffffffffu /* the file name carries no counter */

enum kb_payload {
	KB_PAYLOAD_LINUX = 0,  /* arm64 Linux Image (booting.rst) */
	KB_PAYLOAD_MMU_ON = 1, /* ELF payload, MMU-on protocol */
	KB_PAYLOAD_UKI = 2,    /* a Unified Kernel Image: `linux_path` is the UKI */
	KB_PAYLOAD_EFI = 3,    /* `efi`: any EFI program (a UKI is booted as one) */
};

/* Where an entry comes from (the directory boot counting renames it in). */
enum kb_entry_kind {
	KB_ENTRY_TYPE1 = 0, /* BLS Type #1: \loader\entries\*.conf */
	KB_ENTRY_TYPE2 = 1, /* BLS Type #2: a UKI in \EFI\Linux, one entry per profile */
};

struct kb_entry {
	char id[KB_ID_MAX];               /* file name without ".conf" and boot counter */
	char bli_id[KB_ID_MAX];           /* systemd-boot's id: the file name without the boot
					   * counter, ".conf" kept, lower case ("debian.conf"):
					   * what the Boot Loader Interface variables carry */
	char file_name[KB_ID_MAX];        /* the file as it is named in loader/entries ("" for
					   * the bare-ESP default): what boot counting renames */
	char title[KB_TITLE_MAX];         /* "" if absent */
	char version[KB_VERSION_MAX];     /* "" if absent */
	char machine_id[KB_MACHINE_ID_MAX];
	char sort_key[KB_SORT_KEY_MAX];   /* "" if absent: sorts after entries with one */
	char linux_path[KB_PATH_MAX];     /* the kernel (or payload) */
	/* The strings of any length live in the configuration's string arena (whoever filled
	 * the entry keeps them), so that an entry is small and is filled and copied fast. */
	const char *initrd[KB_MAX_INITRDS]; /* in file order, concatenated by efi/ */
	unsigned int initrd_count;
	const char *options;              /* every `options` line, joined with one space; never
					   * NULL ("" if none), shorter than KB_CMDLINE_MAX */
	char devicetree[KB_PATH_MAX];     /* "" if absent; a file, or a directory of
					   * <vendor>/<board>.dtb files */
	const char *overlay[KB_MAX_OVERLAYS]; /* `devicetree-overlay`, in order */
	unsigned int overlay_count;
	enum kb_payload payload;
	bool hidden;                      /* not bootable here (architecture, efi-only...) */
	unsigned int tries_left;          /* KB_TRIES_NONE without a boot counter */
	unsigned int tries_done;
	enum kb_entry_kind kind;
	unsigned int profile; /* a UKI's profile (0: the base or the first one) */
	/* Type #2 profile > 0: the id's length before "@<profile>", what the BLS order
	 * compares. */
	unsigned int id_base_len;
	/* `options` shows a UKI's own .cmdline, which a boot takes from the verified file. */
	bool options_implied;
};

/* loader.conf `timeout`: a number of seconds or one of systemd-boot's menu words. */
enum kb_menu_mode {
	KB_MENU_TIMEOUT = 0,  /* show the menu for timeout_sec (0: boot at once) */
	KB_MENU_FORCE,        /* `menu-force`: show it, no timeout */
	KB_MENU_HIDDEN,       /* `menu-hidden`: timeout 0, a key press shows it */
	KB_MENU_DISABLED,     /* `menu-disabled`: never show it */
};

enum kb_kaslr_mode {
	KB_KASLR_ON = 0,      /* default: randomise when entropy is available */
	KB_KASLR_OFF,         /* lowest slot, no kaslr-seed */
	KB_KASLR_REQUIRE,     /* refuse to boot without a strong entropy source */
};

struct kb_loader_conf {
	char default_pattern[KB_ID_MAX]; /* `default`: id or glob (* ? [...]); "" if absent */
	enum kb_menu_mode menu;
	uint32_t timeout_sec;
	enum kb_kaslr_mode kaslr;
	bool kaslr_seed_fixed;           /* `kaslr-seed` given: use kaslr_seed, warn each boot */
	uint64_t kaslr_seed;             /* nonzero when fixed */
	bool log_level_set;
	enum log_level log_level;        /* `log`: quiet = LOG_WARN, info, debug */
	char selftest[KB_WORD_MAX];      /* `selftest`: "" if absent */
	bool editor;                     /* `editor`: the menu's line editor may be used */
	bool editor_set;                 /* `editor` was given (else: on, off under Secure Boot) */
	bool random_seed_off;            /* `random-seed-mode off`: no \loader\random-seed */
};

/* ---- loader/bls_entry.c ---------------------------------------------------------------- */

/* True if a directory entry of \loader\entries is an entry file: it ends in ".conf"
 * (any case, FAT being case-insensitive) and has a name before it. */
bool config_is_entry_file_name(const char *file_name);

/* Parses one entry file. file_name is its name in \loader\entries ("foo+3-1.conf", in
 * ASCII); text/len its contents (need not be NUL-terminated). Fills *out, its options,
 * initrds and overlays copied into strings (KB_ENTRY_STRINGS_MAX free is always enough;
 * less may be KB_ENOMEM); the id is file_name without ".conf" and without a boot counter.
 * Returns 0 or a negative kb_err after one log_error naming
 * "loader/entries/<file_name>:<line>", the arena then as it was. An entry for another
 * architecture, or one kaslboot cannot boot (`uki-url`), is
 * returned with hidden = true and is never selected. */
int bls_entry_parse(const char *file_name, const char *text, size_t len, struct kb_entry *out,
		    struct str_arena *strings);

/* BLS "Boot counting" in a file name: name[0..n) is the name without its suffix
 * (".conf", ".efi"). Sets e->tries_left/tries_done when it ends in "+LEFT[-DONE]" and
 * returns the length before the '+'; else returns n and leaves them. A counter too large
 * is one warning naming dir/name+suffix, and no counting. */
size_t config_strip_boot_counter(const char *dir, const char *name, size_t n, const char *suffix,
				 struct kb_entry *e);

/* ---- loader/loader_conf.c -------------------------------------------------------------- */

/* Fills the defaults: no default pattern, timeout 0, kaslr on, no fixed seed, log unset. */
void loader_conf_init(struct kb_loader_conf *conf);

/* Parses \loader\loader.conf into *conf (call loader_conf_init first or not: it does).
 * Keys other than default/timeout/kaslr/kaslr-seed/log/selftest (systemd-boot's `editor`,
 * `console-mode`, ...) are ignored with a warning. A bad value of a known key is an error. */
int loader_conf_parse(const char *text, size_t len, struct kb_loader_conf *conf);

/* ---- loader/version_sort.c ------------------------------------------------------------- */

/* The UAPI version format comparison (systemd's strverscmp_improved): <0, 0, >0. */
int version_compare(const char *a, const char *b);

/* BLS "Sorting": <0 if a is shown before b. Bad (tries_left == 0) entries last; then
 * entries with a sort-key, by sort-key (strcmp), machine-id (strcmp, empty lower), version
 * (newest first); then by id (newest first by version_compare), then boot counters. */
int config_entry_compare(const struct kb_entry *a, const struct kb_entry *b);

/* Fills order[0..count) with the indices of entries[] in BLS order (stable). */
void config_sort(const struct kb_entry *entries, unsigned int count, unsigned int *order);

/* ---- loader/config.c ------------------------------------------------------------------- */

/* fnmatch(3)-style glob with flags 0: * ? [abc] [a-z] [!x] [^x] and \ escapes. */
bool config_glob_match(const char *pattern, const char *string);

/* Extracts an entry id from the firmware's load options (already ASCII). Words are split on
 * blanks; words that look like the image path (containing '\' or '/', or ending in ".efi")
 * are skipped; the first remaining word is the id, either bare ("my-entry") or as
 * "entry=my-entry". Writes it to id and returns 1; returns 0 if there is none; a negative
 * kb_err if the id is too long or has characters BLS file names cannot have. */
int config_load_options_entry_id(const char *options, char *id, size_t id_size);

/* True if `name` names entry e: its systemd-boot id ("debian.conf"), its kaslboot id
 * ("debian"), or its file name with the boot counter ("debian+2-1.conf"), compared without
 * regard to case (systemd-boot lower-cases ids; FAT names are case-insensitive). */
bool config_entry_named(const struct kb_entry *e, const char *name);

/* What may choose the default, strongest first (systemd-boot's order). Each may be NULL
 * or "": requested_id from the firmware's load options; the LoaderEntryOneShot and
 * LoaderEntryDefault variables; loader.conf's `default` glob (conf->default_pattern, where
 * "@saved" means saved_id, the LoaderEntryLastBooted variable). */
struct kb_select_request {
	const char *requested_id;
	const char *oneshot_id;
	const char *default_var_id;
	const char *saved_id;
};

/* The boot order to try. The first index is the entry the strongest source of req names
 * (a name that matches no visible entry is one warning and the next source decides), else
 * the first entry in BLS order that conf->default_pattern matches (against either id),
 * else the first entry in BLS order. A default chosen by a glob, a variable or BLS order
 * skips entries with no tries left ("+0") while a good one exists; only a name asked for
 * explicitly (load options, one-shot) boots a bad entry. The remaining visible entries
 * follow in BLS order as fallbacks; hidden ones are left out. conf and req may be NULL.
 * order must have room for count indices. Returns the number of indices written, or
 * KB_ENOENT if no entry is visible. */
int config_select(const struct kb_entry *entries, unsigned int count,
		  const struct kb_loader_conf *conf, const struct kb_select_request *req,
		  unsigned int *order);

/* The configuration of a bare ESP with no \loader\entries: kernel "/Image", else
 * "/vmlinuz" (the first for which exists() says yes), initrd "/initrd.img" if it exists, no
 * options, id "default", kaslboot-payload linux. exists() gets BLS-form paths. Returns 0 or
 * KB_ENOENT (logged) if neither kernel exists. */
int config_default_entry(struct kb_entry *out,
			 bool (*exists)(const char *path, void *ctx), void *ctx);

/* ---- loader/cmdline.c ------------------------------------------------------------------ */

/* True if the kernel command line has the parameter opt, parsed the way Linux's
 * lib/cmdline.c next_arg() splits it: blank-separated words, a "..." quote keeps blanks
 * inside one word, surrounding quotes are stripped, and "--" ends the kernel's parameters
 * (the rest goes to init). opt without '=' matches a word whose name (before '=') is opt;
 * opt with '=' matches the whole word. Exact words: "xnokaslr" and "nokaslrfoo" do not
 * match "nokaslr". Note: Linux 6.1's arm64 is_kaslr_disabled_cmdline() (pi/kaslr_early.c)
 * is looser, a prefix match at the start or after a space, so it also takes "nokaslrfoo"
 * and a "nokaslr" after "--" or inside quotes. We follow the parameter parser that the rest
 * of the kernel (and 6.9+'s idreg-override for nokaslr) uses; the difference only matters
 * for malformed command lines. */
bool cmdline_has_option(const char *cmdline, const char *opt);

/* Appends words to the NUL-terminated string in buf (size bytes), with one space between
 * the old text and the new if both are non-empty. Returns 0, or KB_ENOMEM with buf left
 * unchanged if the result would not fit. */
int cmdline_append(char *buf, size_t size, const char *words);

/* systemd's mangle_stub_cmdline (src/boot/util.c) in place, for a UKI's and an addon's
 * .cmdline: every byte <= 0x20 or 0x7f becomes a space, leading and trailing ones are
 * dropped. */
void uki_cmdline_mangle(char *s);

#endif
