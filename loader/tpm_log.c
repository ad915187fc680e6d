/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/tpm_log.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/err.h"

const struct kb_guid linux_tpm_event_log_guid = {
	0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } };

/* TCG_PCR_EVENT (PC Client PFP r1.05): u32 pcrIndex, u32 eventType, u8 digest[20],
 * u32 eventDataSize, then the event data. */
#define EV1_OFF_TYPE        4u
#define EV1_OFF_DATA_SIZE   28u
#define EV1_HEADER          32u
/* TCG_PCR_EVENT2 (PC Client PFP r1.05): u32 pcrIndex, u32 eventType, TPML_DIGEST_VALUES
 * (u32 count, then count TPMT_HA: u16 hashAlg + the digest), u32 eventSize, the data. */
#define EV2_OFF_COUNT       8u
#define EV2_HEADER          12u
#define TPMT_HA_ALG         2u
#define EV_SIZE_FIELD       4u
/* EV_NO_ACTION (PC Client PFP r1.05, "Event Types"): the type of the Spec ID event. */
#define EV_NO_ACTION        3u
/* TCG_EfiSpecIDEvent (PC Client PFP r1.05): signature[16], u32 platformClass,
 * u8 specVersionMinor, u8 specVersionMajor, u8 specErrata, u8 uintnSize,
 * u32 numberOfAlgorithms, then {u16 algorithmId, u16 digestSize} each, u8 vendorInfoSize,
 * the vendor info. */
#define SPEC_ID_SIGNATURE   "Spec ID Event03"   /* with its NUL: 16 bytes */
#define SPEC_ID_SIG_LEN     16u
#define SPEC_ID_OFF_NALGS   24u
#define SPEC_ID_ALGS        28u
#define SPEC_ID_ALG_LEN     4u
/* EFI_TCG2_FINAL_EVENTS_TABLE (TCG EFI Protocol Specification): u64 Version,
 * u64 NumberOfEvents, then the events (TCG_PCR_EVENT2). */
#define FINAL_OFF_COUNT     8u
#define FINAL_HEADER        16u

int tpm_log_event1_size(const uint8_t *ev, size_t avail, size_t *size)
{
	if (avail < EV1_HEADER)
		return KB_ECORRUPT;
	uint32_t data = get_le32(ev + EV1_OFF_DATA_SIZE);
	if (data > avail - EV1_HEADER)
		return KB_ECORRUPT;
	*size = EV1_HEADER + data;
	return 0;
}

int tpm_log_spec_id(const uint8_t *first, size_t avail, struct tpm_log_algs *algs,
		    size_t *size)
{
	int rc = tpm_log_event1_size(first, avail, size);
	if (rc)
		return rc;
	const uint8_t *d = first + EV1_HEADER;
	size_t len = *size - EV1_HEADER;
	memset(algs, 0, sizeof(*algs));
	if (get_le32(first + EV1_OFF_TYPE) != EV_NO_ACTION || len < SPEC_ID_ALGS ||
	    memcmp(d, SPEC_ID_SIGNATURE, SPEC_ID_SIG_LEN))
		return KB_ECORRUPT;
	uint32_t n = get_le32(d + SPEC_ID_OFF_NALGS);
	if (n == 0 || n > TPM_LOG_MAX_ALGS || len < SPEC_ID_ALGS + n * SPEC_ID_ALG_LEN + 1)
		return KB_ECORRUPT;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *a = d + SPEC_ID_ALGS + i * SPEC_ID_ALG_LEN;
		algs->alg[i].id = get_le16(a);
		algs->alg[i].size = get_le16(a + 2);
		if (!algs->alg[i].size)
			return KB_ECORRUPT;
	}
	algs->n = n;
	size_t vendor = d[SPEC_ID_ALGS + n * SPEC_ID_ALG_LEN];
	return SPEC_ID_ALGS + n * SPEC_ID_ALG_LEN + 1 + vendor <= len ? 0 : KB_ECORRUPT;
}

int tpm_log_event2_size(const uint8_t *ev, size_t avail, const struct tpm_log_algs *algs,
			size_t *size)
{
	if (avail < EV2_HEADER)
		return KB_ECORRUPT;
	uint32_t count = get_le32(ev + EV2_OFF_COUNT);
	if (count == 0 || count > algs->n)
		return KB_ECORRUPT;
	size_t at = EV2_HEADER;
	for (uint32_t i = 0; i < count; i++) {
		if (avail - at < TPMT_HA_ALG)
			return KB_ECORRUPT;
		uint16_t id = get_le16(ev + at);
		unsigned j;
		for (j = 0; j < algs->n && algs->alg[j].id != id; j++)
			;
		if (j == algs->n)
			return KB_ECORRUPT;   /* a digest the Spec ID event did not announce */
		at += TPMT_HA_ALG;
		if (avail - at < algs->alg[j].size)
			return KB_ECORRUPT;
		at += algs->alg[j].size;
	}
	if (avail - at < EV_SIZE_FIELD)
		return KB_ECORRUPT;
	uint32_t data = get_le32(ev + at);
	at += EV_SIZE_FIELD;
	if (data > avail - at)
		return KB_ECORRUPT;
	*size = at + data;
	return 0;
}

/* How many bytes the final-events table's events take: they are already in a copy of the
 * log taken now. */
static int final_events_size(const uint8_t *table, const struct tpm_log_algs *algs,
			     uint32_t *out)
{
	uint64_t n = get_le64(table + FINAL_OFF_COUNT), total = 0;
	*out = 0;
	if (n > TPM_LOG_MAX_FINAL_EVENTS)
		return KB_ECORRUPT;
	for (uint64_t i = 0; i < n; i++) {
		size_t size;
		int rc = tpm_log_event2_size(table + FINAL_HEADER + total,
					     TPM_LOG_MAX_BYTES - total, algs, &size);
		if (rc)
			return rc;
		total += size;
		if (total >= TPM_LOG_MAX_BYTES)
			return KB_ECORRUPT;
	}
	*out = (uint32_t)total;
	return 0;
}

int tpm_log_extent(const struct kb_tpm_log *log, struct tpm_log_extent *out)
{
	const uint8_t *first = log->first, *last = log->last;
	struct tpm_log_algs algs;
	size_t size, spec_size;
	int rc;

	memset(out, 0, sizeof(*out));
	out->version = log->crypto_agile ? TPM_LOG_FORMAT_TCG_2 : TPM_LOG_FORMAT_TCG_1_2;
	if (!first)
		return KB_ECORRUPT;
	if (!last)
		return 0;   /* an empty log: the stub installs the table all the same */
	if (last < first || (uint64_t)(last - first) >= TPM_LOG_MAX_BYTES)
		return KB_ECORRUPT;
	size_t avail = TPM_LOG_MAX_BYTES - (size_t)(last - first);
	if (!log->crypto_agile) {
		rc = tpm_log_event1_size(last, avail, &size);
	} else {
		/* The digest sizes come from the first entry; the last is that entry itself
		 * when nothing else was logged. */
		rc = tpm_log_spec_id(first, TPM_LOG_MAX_BYTES, &algs, &spec_size);
		if (rc)
			return rc;
		if (last == first)
			size = spec_size;
		else
			rc = tpm_log_event2_size(last, avail, &algs, &size);
		if (rc)
			return rc;
		if (log->final_events)
			rc = final_events_size(log->final_events, &algs, &out->final_preboot_size);
	}
	if (rc)
		return rc;
	out->log_size = (uint64_t)(last - first) + size;
	return 0;
}

/* TCG_PCR_EVENT and TCG_PCR_EVENT2 both start with the PCR index, a UINT32. */
#define TPM_LOG_OFF_PCR_INDEX 0u

int tpm_log_pcr_since(const struct kb_tpm_log *log, const void *after, uint32_t pcr)
{
	const uint8_t *first = log->first, *last = log->last, *p = after;
	struct tpm_log_algs algs;
	size_t size;
	int rc;

	if (!first || !last || p == last)
		return 0;
	if (last < first || (uint64_t)(last - first) >= TPM_LOG_MAX_BYTES ||
	    (p && (p < first || p > last)))
		return KB_ECORRUPT;
	if (log->crypto_agile) {
		rc = tpm_log_spec_id(first, TPM_LOG_MAX_BYTES, &algs, &size);
		if (rc)
			return rc;
		if (!p)
			p = first; /* the Spec ID entry extends no PCR (EV_NO_ACTION) */
	} else if (!p) {
		if (get_le32(first + TPM_LOG_OFF_PCR_INDEX) == pcr)
			return 1;
		p = first;
	}
	while (p < last) {
		size_t avail = TPM_LOG_MAX_BYTES - (size_t)(p - first);
		if (!log->crypto_agile)
			rc = tpm_log_event1_size(p, avail, &size);
		else if (p == first)
			rc = tpm_log_spec_id(first, avail, &algs, &size);
		else
			rc = tpm_log_event2_size(p, avail, &algs, &size);
		if (rc)
			return rc;
		p += size;
		if (p > last)
			return KB_ECORRUPT;
		if (get_le32(p + TPM_LOG_OFF_PCR_INDEX) == pcr)
			return 1;
	}
	return 0;
}

uint64_t tpm_log_table_size(const struct tpm_log_extent *ext)
{
	return TPM_LOG_TABLE_STRUCT_SIZE + ext->log_size;
}

void tpm_log_table_fill(void *table, const struct kb_tpm_log *log,
			const struct tpm_log_extent *ext)
{
	uint8_t *t = table;
	memset(t, 0, tpm_log_table_size(ext));
	put_le32(t + TPM_LOG_TABLE_OFF_SIZE, (uint32_t)ext->log_size);
	put_le32(t + TPM_LOG_TABLE_OFF_FINAL, ext->final_preboot_size);
	t[TPM_LOG_TABLE_OFF_VERSION] = ext->version;
	if (ext->log_size)
		memcpy(t + TPM_LOG_TABLE_OFF_LOG, log->first, ext->log_size);
}
