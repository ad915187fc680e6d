/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware's TPM event log, read for LINUX_EFI_TPM_EVENT_LOG, the configuration table
 * through which the kernel's EFI stub hands the log to Linux (include/linux/efi.h, struct
 * linux_efi_tpm_eventlog; drivers/firmware/efi/tpm.c reads it). GetEventLog gives only the
 * log's start and the start of its last entry: how long that entry is, and how much of the
 * final-events table the copy already holds, take parsing the entries (TCG PC Client
 * Platform Firmware Profile Specification r1.05: TCG_PCR_EVENT, TCG_PCR_EVENT2,
 * TCG_EfiSpecIDEvent). The bytes are the firmware's: every field is
 * bounds-checked, nothing is assumed aligned. */
#ifndef KASLBOOT_LOADER_TPM_LOG_H
#define KASLBOOT_LOADER_TPM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

/* include/linux/efi.h: LINUX_EFI_TPM_EVENT_LOG_GUID b7799cb0-eca2-4943-9667-1fae07b747fa. */
extern const struct kb_guid linux_tpm_event_log_guid;

/* struct linux_efi_tpm_eventlog: u32 size, u32 final_events_preboot_size, u8 version, then
 * the log (u8 log[] at offset 9). Allocated as the stub does: sizeof (12, with the tail
 * padding) plus the log. */
#define TPM_LOG_TABLE_OFF_SIZE      0u
#define TPM_LOG_TABLE_OFF_FINAL     4u
#define TPM_LOG_TABLE_OFF_VERSION   8u
#define TPM_LOG_TABLE_OFF_LOG       9u
#define TPM_LOG_TABLE_STRUCT_SIZE   12u

/* EFI_TCG2_EVENT_LOG_FORMAT (TCG EFI Protocol Specification), the table's version. */
#define TPM_LOG_FORMAT_TCG_1_2      1u
#define TPM_LOG_FORMAT_TCG_2        2u

/* Sanity limits on what the firmware says: no log, entry or digest list is this big. */
#define TPM_LOG_MAX_BYTES           (16u << 20)
#define TPM_LOG_MAX_ALGS            8u
#define TPM_LOG_MAX_FINAL_EVENTS    65536u

/* The digest sizes a crypto-agile log's entries carry, from its Spec ID event. */
struct tpm_log_algs {
	unsigned n;
	struct {
		uint16_t id;     /* TPM_ALG_ID (TPM 2.0 Library, Part 2) */
		uint16_t size;   /* bytes */
	} alg[TPM_LOG_MAX_ALGS];
};

/* The first entry of a crypto-agile log: a TCG_PCR_EVENT (SHA-1 layout) of type
 * EV_NO_ACTION whose data is TCG_EfiSpecIDEvent "Spec ID Event03". Fills algs and *size
 * (the entry's bytes). KB_ECORRUPT when it is not one or does not fit in avail bytes. */
int tpm_log_spec_id(const uint8_t *first, size_t avail, struct tpm_log_algs *algs,
		    size_t *size);
/* One TCG_PCR_EVENT2 entry: its size, checked against algs and avail. */
int tpm_log_event2_size(const uint8_t *ev, size_t avail, const struct tpm_log_algs *algs,
			size_t *size);
/* One TCG 1.2 TCG_PCR_EVENT entry (20-byte SHA-1 digest): its size. */
int tpm_log_event1_size(const uint8_t *ev, size_t avail, size_t *size);

/* What the table holds: the log's bytes from its first entry through its last, and how
 * many bytes of the final-events table those already include (the events logged between
 * the first GetEventLog and now, which Linux must not replay twice). */
struct tpm_log_extent {
	uint64_t log_size;
	uint32_t final_preboot_size;
	uint8_t version;        /* TPM_LOG_FORMAT_* */
};
/* KB_ECORRUPT (not logged: the caller warns) when the firmware's log does not parse. */
int tpm_log_extent(const struct kb_tpm_log *log, struct tpm_log_extent *out);

/* Whether an entry logged after `after` (an earlier GetEventLog's last entry; NULL: the log
 * was empty then), through log->last, extends PCR pcr: 1 if one does, 0 if none,
 * KB_ECORRUPT when the entries in between do not parse. Every entry is looked at, not only
 * the last: a verifier's image event may be followed by others (edk2 logs PCR 7's
 * EV_EFI_VARIABLE_AUTHORITY after it the first time a db certificate verifies an image). */
int tpm_log_pcr_since(const struct kb_tpm_log *log, const void *after, uint32_t pcr);

/* Bytes to allocate for the table, and the table written into them. */
uint64_t tpm_log_table_size(const struct tpm_log_extent *ext);
void tpm_log_table_fill(void *table, const struct kb_tpm_log *log,
			const struct tpm_log_extent *ext);

#endif
