/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/tpm_log.c: the firmware's event log measured for LINUX_EFI_TPM_EVENT_LOG. Logs
 * are built here byte by byte from the TCG PC Client Platform Firmware Profile's layouts
 * (TCG_PCR_EVENT, TCG_EfiSpecIDEvent, TCG_PCR_EVENT2) and the TCG EFI Protocol
 * Specification's final-events table; then the extent, the table and every way a log can
 * be malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/tpm_log.h"

/* Room past every log: the parser trusts the firmware's pointers, not a length, and stops
 * at what the entries say, so a corrupt entry must find mapped bytes to be judged by. */
#define BUF_SIZE (64 * 1024)
static uint8_t buf[BUF_SIZE];
static uint8_t final_tbl[BUF_SIZE];
static size_t len;

#define ALG_SHA1   0x0004
#define ALG_SHA256 0x000b
#define ALG_SHA384 0x000c

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A Spec ID event announcing SHA-1 (20) and SHA-256 (32), with `vendor` bytes of vendor
 * info; returns its size. */
static size_t spec_id(uint8_t *p, unsigned vendor)
{
	size_t n = 0;
	memset(p, 0, 32);
	le32(p + 4, 3);                       /* EV_NO_ACTION */
	n = 32;
	memcpy(p + n, "Spec ID Event03", 16);
	n += 16;
	le32(p + n, 0);                       /* platformClass */
	p[n + 4] = 0, p[n + 5] = 2, p[n + 6] = 0, p[n + 7] = 2;
	n += 8;
	le32(p + n, 2);
	n += 4;
	le16(p + n, ALG_SHA1), le16(p + n + 2, 20);
	le16(p + n + 4, ALG_SHA256), le16(p + n + 6, 32);
	n += 8;
	p[n++] = (uint8_t)vendor;
	memset(p + n, 0xee, vendor);
	n += vendor;
	le32(p + 28, (uint32_t)(n - 32));
	return n;
}

/* A TCG_PCR_EVENT2 with both digests (filled with `fill`) and event_len bytes of data. */
static size_t event2(uint8_t *p, unsigned pcr, uint8_t fill, size_t event_len)
{
	size_t n = 0;
	le32(p, pcr);
	le32(p + 4, 0xd);
	le32(p + 8, 2);
	n = 12;
	le16(p + n, ALG_SHA1);
	memset(p + n + 2, fill, 20);
	n += 22;
	le16(p + n, ALG_SHA256);
	memset(p + n + 2, fill, 32);
	n += 34;
	le32(p + n, (uint32_t)event_len);
	n += 4;
	memset(p + n, 'e', event_len);
	return n + event_len;
}

/* A log of the Spec ID event and `events` entries; *last gets the last entry's offset. */
static size_t make_log(unsigned events, size_t *last)
{
	memset(buf, 0, sizeof(buf));
	len = spec_id(buf, 3);
	*last = 0;
	for (unsigned i = 0; i < events; i++) {
		*last = len;
		len += event2(buf + len, i % 24, (uint8_t)i, 10 + i);
	}
	return len;
}

static void make_final(unsigned events, size_t *size)
{
	memset(final_tbl, 0, sizeof(final_tbl));
	final_tbl[0] = 1;   /* version */
	final_tbl[8] = (uint8_t)events;
	*size = 0;
	for (unsigned i = 0; i < events; i++)
		*size += event2(final_tbl + 16 + *size, 5, 0x50, 7);
}

static struct kb_tpm_log log_of(size_t last)
{
	struct kb_tpm_log l = { .first = buf, .last = buf + last, .crypto_agile = true };
	return l;
}

static void test_spec_id(void **state)
{
	struct tpm_log_algs algs;
	size_t size, want = spec_id(buf, 5);
	(void)state;
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), 0);
	assert_int_equal(size, want);
	assert_int_equal(algs.n, 2);
	assert_int_equal(algs.alg[0].id, ALG_SHA1);
	assert_int_equal(algs.alg[0].size, 20);
	assert_int_equal(algs.alg[1].id, ALG_SHA256);
	assert_int_equal(algs.alg[1].size, 32);
	/* It must fit the bytes said to be there. */
	assert_int_equal(tpm_log_spec_id(buf, want - 1, &algs, &size), KB_ECORRUPT);
}

static void test_spec_id_refused(void **state)
{
	struct tpm_log_algs algs;
	size_t size, n;
	(void)state;
	n = spec_id(buf, 0);
	buf[32] = 'X';                                     /* signature */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	spec_id(buf, 0);
	le32(buf + 4, 0xd);                                /* not EV_NO_ACTION */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	spec_id(buf, 0);
	le32(buf + 32 + 24, 0);                            /* no algorithm */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	spec_id(buf, 0);
	le32(buf + 32 + 24, TPM_LOG_MAX_ALGS + 1);         /* too many */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	spec_id(buf, 0);
	le32(buf + 32 + 24, 40);                           /* more than the event holds */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	spec_id(buf, 0);
	le16(buf + 32 + 28 + 2, 0);                        /* a zero-length digest */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	n = spec_id(buf, 4);
	buf[n - 5] = 200;                                  /* vendor info past the event */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	n = spec_id(buf, 0);
	le32(buf + 28, 0xffffffffu);                       /* event data past the buffer */
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), KB_ECORRUPT);
	(void)n;
}

static void test_event2_size(void **state)
{
	struct tpm_log_algs algs;
	size_t size, spec = spec_id(buf, 0);
	(void)state;
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), 0);
	uint8_t *ev = buf + spec;
	size_t want = event2(ev, 4, 1, 33);
	assert_int_equal(want, 12 + 22 + 34 + 4 + 33);
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), 0);
	assert_int_equal(size, want);
	/* Each field must be inside avail. */
	for (size_t avail = 0; avail < want; avail++)
		assert_int_equal(tpm_log_event2_size(ev, avail, &algs, &size), KB_ECORRUPT);
	/* One digest only (a bank the firmware did not extend) is fine. */
	le32(ev + 8, 1);
	memmove(ev + 12 + 22, ev + 12 + 22 + 34, 4 + 33);
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), 0);
	assert_int_equal(size, want - 34);
}

static void test_event2_refused(void **state)
{
	struct tpm_log_algs algs;
	size_t size, spec = spec_id(buf, 0);
	uint8_t *ev = buf + spec;
	(void)state;
	assert_int_equal(tpm_log_spec_id(buf, BUF_SIZE, &algs, &size), 0);
	event2(ev, 4, 1, 8);
	le32(ev + 8, 0);                                   /* no digest */
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), KB_ECORRUPT);
	le32(ev + 8, 3);                                   /* more than announced */
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), KB_ECORRUPT);
	event2(ev, 4, 1, 8);
	le16(ev + 12, ALG_SHA384);                         /* an algorithm not announced */
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), KB_ECORRUPT);
	event2(ev, 4, 1, 8);
	le32(ev + 12 + 22 + 34, 0x7fffffff);               /* data past avail */
	assert_int_equal(tpm_log_event2_size(ev, BUF_SIZE - spec, &algs, &size), KB_ECORRUPT);
}

static void test_extent_of_a_log(void **state)
{
	size_t last, total = make_log(5, &last);
	struct kb_tpm_log l = log_of(last);
	struct tpm_log_extent ext;
	(void)state;
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.log_size, total);
	assert_int_equal(ext.version, TPM_LOG_FORMAT_TCG_2);
	assert_int_equal(ext.final_preboot_size, 0);
}

/* Nothing but the Spec ID event: the last entry is the first. */
static void test_extent_of_the_header_alone(void **state)
{
	size_t last, total = make_log(0, &last);
	struct kb_tpm_log l = log_of(0);
	struct tpm_log_extent ext;
	(void)state;
	assert_int_equal(last, 0);
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.log_size, total);
}

/* No last entry at all: an empty table, as the stub installs it. */
static void test_extent_of_an_empty_log(void **state)
{
	struct kb_tpm_log l = { .first = buf, .last = NULL, .crypto_agile = true };
	struct tpm_log_extent ext;
	(void)state;
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.log_size, 0);
	assert_int_equal(tpm_log_table_size(&ext), TPM_LOG_TABLE_STRUCT_SIZE);
}

/* Events logged after the first GetEventLog are in the final table too: the copy says how
 * many bytes of it it already holds. */
static void test_extent_counts_the_final_events(void **state)
{
	size_t last, fsize;
	make_log(4, &last);
	make_final(3, &fsize);
	struct kb_tpm_log l = log_of(last);
	struct tpm_log_extent ext;
	(void)state;
	l.final_events = final_tbl;
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.final_preboot_size, fsize);
	make_final(0, &fsize);
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.final_preboot_size, 0);
	/* A corrupt final table spoils the extent. */
	make_final(2, &fsize);
	le16(final_tbl + 16 + 12, ALG_SHA384);
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
	make_final(1, &fsize);
	final_tbl[9] = 0x10;   /* 1052673 events: more than any log holds */
	final_tbl[10] = 0x10;
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
}

/* The TCG 1.2 format: 32-byte headers with a SHA-1 digest, no final table. */
static void test_extent_of_a_tcg12_log(void **state)
{
	struct kb_tpm_log l = { .first = buf, .crypto_agile = false };
	struct tpm_log_extent ext;
	(void)state;
	memset(buf, 0, sizeof(buf));
	le32(buf + 28, 5);
	le32(buf + 37 + 28, 11);
	l.last = buf + 37;
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(ext.log_size, 37 + 32 + 11);
	assert_int_equal(ext.version, TPM_LOG_FORMAT_TCG_1_2);
	le32(buf + 37 + 28, 0xffffffffu);
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
}

static void test_extent_refuses_bad_pointers(void **state)
{
	size_t last;
	make_log(2, &last);
	struct kb_tpm_log l = log_of(last);
	struct tpm_log_extent ext;
	(void)state;
	l.first = NULL;
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
	l = log_of(last);
	l.first = buf + last + 1;                  /* last before first */
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
	l = log_of(last);
	buf[32] = 'x';                             /* no Spec ID event first */
	assert_int_equal(tpm_log_extent(&l, &ext), KB_ECORRUPT);
}

/* struct linux_efi_tpm_eventlog: u32 size, u32 final_events_preboot_size, u8 version, the
 * log at offset 9, allocated with the struct's 12 bytes in front. */
/* Which PCRs the entries after a mark extend: every entry is walked, not only the last. */
static void test_pcr_since(void **state)
{
	size_t at[6];
	(void)state;
	memset(buf, 0, sizeof(buf));
	len = spec_id(buf, 3);
	for (unsigned i = 0; i < 6; i++) { /* PCRs 0, 4, 7, 4, 7, 9 */
		static const unsigned pcr[6] = { 0, 4, 7, 4, 7, 9 };
		at[i] = len;
		len += event2(buf + len, pcr[i], (uint8_t)i, 5 + i);
	}
	struct kb_tpm_log l = log_of(at[5]);
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[2], 4), 1); /* at[3], not the last */
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[3], 4), 0);
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[3], 9), 1);
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[5], 9), 0); /* nothing since */
	assert_int_equal(tpm_log_pcr_since(&l, NULL, 0), 1);        /* at[0]; not Spec ID */
	l = log_of(at[2]);
	assert_int_equal(tpm_log_pcr_since(&l, NULL, 9), 0);
	assert_int_equal(tpm_log_pcr_since(&l, buf, 4), 1); /* from the Spec ID */
	/* A mark past the last entry, or one that is not an entry's start. */
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[3], 4), KB_ECORRUPT);
	assert_int_equal(tpm_log_pcr_since(&l, buf + at[0] + 1, 4), KB_ECORRUPT);
	l.first = NULL;
	assert_int_equal(tpm_log_pcr_since(&l, NULL, 4), 0);
}

static void test_table_fill(void **state)
{
	size_t last, fsize, total = make_log(3, &last);
	static uint8_t table[BUF_SIZE];
	make_final(2, &fsize);
	struct kb_tpm_log l = log_of(last);
	struct tpm_log_extent ext;
	(void)state;
	l.final_events = final_tbl;
	assert_int_equal(tpm_log_extent(&l, &ext), 0);
	assert_int_equal(tpm_log_table_size(&ext), 12 + total);
	memset(table, 0xcc, sizeof(table));
	tpm_log_table_fill(table, &l, &ext);
	assert_int_equal(table[0] | table[1] << 8 | table[2] << 16 | (uint32_t)table[3] << 24, total);
	assert_int_equal(table[4] | table[5] << 8, fsize);
	assert_int_equal(table[6] | table[7], 0);
	assert_int_equal(table[8], 2);
	assert_memory_equal(table + 9, buf, total);
	for (size_t i = 9 + total; i < 12 + total; i++)
		assert_int_equal(table[i], 0);
	assert_int_equal(table[12 + total], 0xcc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_id),
		cmocka_unit_test(test_spec_id_refused),
		cmocka_unit_test(test_event2_size),
		cmocka_unit_test(test_event2_refused),
		cmocka_unit_test(test_extent_of_a_log),
		cmocka_unit_test(test_extent_of_the_header_alone),
		cmocka_unit_test(test_extent_of_an_empty_log),
		cmocka_unit_test(test_extent_counts_the_final_events),
		cmocka_unit_test(test_extent_of_a_tcg12_log),
		cmocka_unit_test(test_extent_refuses_bad_pointers),
		cmocka_unit_test(test_pcr_since),
		cmocka_unit_test(test_table_fill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
