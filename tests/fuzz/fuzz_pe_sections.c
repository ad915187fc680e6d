/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE section table of a UKI (formats/pe_sections.c) and the profile view built on it
 * (formats/uki.c). The input is the file: the first byte picks how much of it is given as
 * the header bytes (as the loader reads the head of a UKI while scanning \EFI\Linux), the
 * rest is the file itself, in an exact-size block. Invariants:
 * - a refusal is one error line naming the file and a documented code;
 * - an accepted table lies inside the header bytes, and every section's file bytes inside
 *   the file, its size min(VirtualSize, SizeOfRawData);
 * - names compare as systemd's pe_section_name_equal (a reference model here);
 * - every profile 0..count selects, profile count+1 does not (unless count is 0 and it is
 *   profile 1), each kind's index names a section of that kind, and the file-order list is
 *   strictly increasing. */
#include "fuzz.h"
#include "lib/err.h"
#include "formats/pe_sections.h"
#include "formats/uki.h"

#define SECTION_HEADER_LEN 40u
#define HEAD_STEP          64u /* the first byte times this: bytes of header given */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* systemd's pe_section_name_equal, written again. */
static FUZZ_REFERENCE bool name_equal(const uint8_t *field, const char *name)
{
	size_t n = strlen(name);
	if (n > 8)
		return false;
	if (memcmp(field, name, n))
		return false;
	return n == 8 || field[n] == 0;
}

static void check_view(const struct pe_table *t, const struct uki_profile_view *v)
{
	struct uki_section_ref refs[UKI_SECTION_COUNT];
	for (unsigned k = 0; k < UKI_SECTION_COUNT; k++)
		if (v->index[k] != UKI_NO_SECTION) {
			FUZZ_CHECK(v->index[k] < t->count);
			FUZZ_CHECK(pe_table_name_is(t, v->index[k], uki_section_names[k]));
		}
	FUZZ_CHECK(v->n_dtbauto <= UKI_DTBAUTO_MAX);
	for (unsigned i = 0; i < v->n_dtbauto; i++)
		FUZZ_CHECK(v->dtbauto[i] < t->count &&
			   pe_table_name_is(t, v->dtbauto[i], ".dtbauto"));
	unsigned dtbauto = v->n_dtbauto ? v->dtbauto[0] : UKI_NO_SECTION;
	unsigned n = uki_profile_sections(v, dtbauto, refs);
	FUZZ_CHECK(n <= UKI_SECTION_COUNT);
	for (unsigned i = 1; i < n; i++)
		FUZZ_CHECK(refs[i - 1].index < refs[i].index);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pe_table t;
	if (size < 1)
		return 0;
	fuzz_log_reset();
	size_t len = size - 1;
	size_t head_len = (size_t)data[0] * HEAD_STEP;
	if (head_len == 0 || head_len > len)
		head_len = len;
	uint8_t *file = fuzz_dup(data + 1, len);
	int rc = pe_table_init(&t, file, head_len, len, "fuzz.efi");
	if (rc) {
		FUZZ_CHECK(rc == KB_EINVAL || rc == KB_ERANGE || rc == KB_EUNSUPP);
		FUZZ_CHECK(fuzz_errors == 1);
		FUZZ_CHECK(strstr(fuzz_last_error, "fuzz.efi: "));
		free(file);
		return 0;
	}
	FUZZ_CHECK(fuzz_errors == 0);
	FUZZ_CHECK(t.count >= 1 && t.count <= PE_SECTIONS_MAX);
	FUZZ_CHECK(t.entries >= file &&
		   t.entries + (size_t)t.count * SECTION_HEADER_LEN <= file + head_len);
	for (unsigned i = 0; i < t.count; i++) {
		const uint8_t *h = t.entries + (size_t)i * SECTION_HEADER_LEN;
		struct pe_section s;
		pe_table_get(&t, i, &s);
		uint32_t vsize = le32(h + 8), raw = le32(h + 16);
		FUZZ_CHECK(s.size == (vsize < raw ? vsize : raw) && s.vsize == vsize);
		FUZZ_CHECK((uint64_t)s.offset + s.size <= len);
		FUZZ_CHECK(strlen(s.name) <= PE_SECTION_NAME_LEN);
		for (unsigned k = 0; k < UKI_SECTION_COUNT; k++)
			FUZZ_CHECK(pe_table_name_is(&t, i, uki_section_names[k]) ==
				   name_equal(h, uki_section_names[k]));
	}
	unsigned profiles = uki_profile_count(&t);
	FUZZ_CHECK(profiles <= t.count);
	for (unsigned p = 0; p <= profiles + 1; p++) {
		struct uki_profile_view v;
		rc = uki_profile_select(&t, p, &v);
		if (p < profiles || p == 0) {
			FUZZ_CHECK(rc == 0);
			check_view(&t, &v);
		} else {
			FUZZ_CHECK(rc == KB_ENOENT);
		}
	}
	FUZZ_CHECK(fuzz_errors == 0);
	free(file);
	return 0;
}
