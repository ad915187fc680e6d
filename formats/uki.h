/* SPDX-License-Identifier: BSD-2-Clause */
/* Unified Kernel Images (UAPI.5 unified_kernel_image.md; systemd 257 src/fundamental/uki.h,
 * src/boot/pe.c, src/boot/boot.c): a PE file whose named sections carry a kernel, initrds,
 * a command line, devicetrees and an os-release. This file knows the section names, the
 * multi-profile layout and the os-release text; what to boot is the loader's business.
 *
 * Profiles (systemd 257): the sections before the first `.profile` are the base; profile N
 * is the N-th `.profile` section and what follows it up to the next `.profile`. A profile's
 * sections override the base's of the same name; profile 0 exists even when the file has
 * no `.profile` (then it is the base alone). Within a range the first section of a name
 * wins. */
#ifndef KASLBOOT_FORMATS_UKI_H
#define KASLBOOT_FORMATS_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/pe_sections.h"

/* systemd 257 src/fundamental/uki.h UnifiedSection, in its order: the order systemd-stub
 * measures them into PCR 11. */
enum uki_section_kind {
	UKI_LINUX = 0,
	UKI_OSREL,
	UKI_CMDLINE,
	UKI_INITRD,
	UKI_UCODE,
	UKI_SPLASH,
	UKI_DTB,
	UKI_UNAME,
	UKI_SBAT,
	UKI_PCRSIG,
	UKI_PCRPKEY,
	UKI_PROFILE,
	UKI_DTBAUTO,
	UKI_HWIDS,
	UKI_SECTION_COUNT
};

/* ".linux", ".osrel" ... indexed by enum uki_section_kind. */
extern const char *const uki_section_names[UKI_SECTION_COUNT];

#define UKI_PROFILES_MAX 256u        /* systemd 257 uki.h UNIFIED_PROFILES_MAX */
#define UKI_DTBAUTO_MAX  64u         /* .dtbauto candidates considered per profile */
#define UKI_NO_SECTION   0xffffffffu /* a kind the profile does not have */
#define UKI_VALUE_MAX    128u        /* bytes of one os-release value kept, with the NUL */

/* What one profile boots with: the table index of each kind (the profile's own section,
 * else the base's, else UKI_NO_SECTION), and every `.dtbauto` candidate in the order they
 * are tried (the profile's, then the base's): the first that matches the machine wins. */
struct uki_profile_view {
	unsigned profile;
	unsigned index[UKI_SECTION_COUNT];
	unsigned dtbauto[UKI_DTBAUTO_MAX];
	unsigned n_dtbauto;
};

/* How many `.profile` sections the table has. */
unsigned uki_profile_count(const struct pe_table *t);

/* Fills *v for `profile`. 0, or KB_ENOENT (not logged) when profile > 0 and the file has
 * no such `.profile`. */
int uki_profile_select(const struct pe_table *t, unsigned profile, struct uki_profile_view *v);

/* A section a profile boots with. */
struct uki_section_ref {
	enum uki_section_kind kind;
	unsigned index; /* in the PE section table */
};

/* The sections of v in the order of the file (what a measurement or a cpio packer walks),
 * with `.dtbauto` only as dtbauto_index (the matched candidate, or UKI_NO_SECTION for none).
 * out has room for UKI_SECTION_COUNT; returns how many were written. */
unsigned uki_profile_sections(const struct uki_profile_view *v, unsigned dtbauto_index,
			      struct uki_section_ref *out);

/* ---- os-release text (.osrel, .profile) ------------------------------------------------- */

/* One KEY=value line at a time, as systemd-boot's line_get_key_value reads it: lines end at
 * '\n' or '\r' (and the text at a NUL), blanks (space, tab) around the line are dropped,
 * '#' starts a comment line, the key is what precedes the first '=', further '=' are
 * skipped, and a value in double quotes that end the line loses them. */
struct osrel_iter {
	const char *text;
	size_t len, pos;
};
struct osrel_kv {
	const char *key, *value;
	size_t key_len, value_len;
};
void osrel_iter_init(struct osrel_iter *it, const void *text, size_t len);
bool osrel_next(struct osrel_iter *it, struct osrel_kv *kv);

/* The os-release fields systemd-boot 257 derives an entry from (last line wins). */
enum uki_osrel_field {
	OSREL_PRETTY_NAME = 0,
	OSREL_IMAGE_ID,
	OSREL_NAME,
	OSREL_ID,
	OSREL_IMAGE_VERSION,
	OSREL_VERSION,
	OSREL_VERSION_ID,
	OSREL_BUILD_ID,
	OSREL_FIELD_COUNT
};
struct uki_osrel {
	char value[OSREL_FIELD_COUNT][UKI_VALUE_MAX];
	bool has[OSREL_FIELD_COUNT]; /* given (maybe empty), as opposed to absent */
};

/* Parses .osrel text. 0, or KB_ERANGE after one log_error naming `name` and the key when a
 * value does not fit UKI_VALUE_MAX. */
int uki_osrel_parse(const void *text, size_t len, struct uki_osrel *o, const char *name);

/* systemd's bootspec_pick_name_version_sort_key (src/fundamental/bootspec.c): title from
 * PRETTY_NAME, IMAGE_ID, NAME, ID; version from IMAGE_VERSION, VERSION, VERSION_ID,
 * BUILD_ID; sort key from IMAGE_ID, ID; the first given wins. False when there is no title
 * (not an entry). version and sort_key may come back NULL. */
bool uki_osrel_pick(const struct uki_osrel *o, const char **title, const char **version,
		    const char **sort_key);

/* A `.profile` section's ID= and TITLE= ("" when absent). */
struct uki_profile_info {
	char id[UKI_VALUE_MAX];
	char title[UKI_VALUE_MAX];
};
int uki_profile_info_parse(const void *text, size_t len, struct uki_profile_info *p,
			   const char *name);

#endif
