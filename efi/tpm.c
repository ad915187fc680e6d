/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/devpath.h"
#include "efi/firmware.h"
#include "efi/status.h"
#include "efi/sysinfo.h"
#include "efi/tpm.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/path.h"
#include "lib/utf16.h"

/* ---- EFI_TCG2_PROTOCOL, from the TCG EFI Protocol Specification (Family "2.0", Level 00
 * Revision 00.13); the names in the comments are that document's. ---------------------- */

/* EFI_TCG2_PROTOCOL_GUID. */
static EFI_GUID tcg2_protocol_guid = { 0x607f766c, 0x7455, 0x42be,
				       { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };
/* EFI_TCG2_FINAL_EVENTS_TABLE_GUID (Linux: LINUX_EFI_TPM_FINAL_LOG_GUID). */
static EFI_GUID final_events_guid = { 0x1e2ed096, 0x30e2, 0x4254,
				      { 0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25 } };

/* EFI_TCG2_EVENT_LOG_FORMAT. */
#define TCG2_EVENT_LOG_FORMAT_TCG_1_2   0x00000001u
#define TCG2_EVENT_LOG_FORMAT_TCG_2     0x00000002u
/* HashLogExtendEvent's Flags, PE_COFF_IMAGE: DataToHash is a PE/COFF image, hashed
 * the Authenticode way (what the firmware does for LoadImage). */
#define TCG2_PE_COFF_IMAGE              0x0000000000000010ull
/* EFI_TCG2_EVENT_HEADER.HeaderVersion (EFI_TCG2_EVENT_HEADER_VERSION). */
#define TCG2_EVENT_HEADER_VERSION       1u
/* TCG PC Client Platform Firmware Profile r1.05, "Event Types": a UEFI application loaded
 * by the boot manager or a boot loader. */
#define TCG_EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u

/* EFI_TCG2_VERSION. */
struct tcg2_version {
	UINT8 major, minor;
};

/* EFI_TCG2_BOOT_SERVICE_CAPABILITY, natural alignment (its listing has no pack
 * pragma; edk2 and systemd-boot lay it out so). Size is set by the caller. */
struct tcg2_capability {
	UINT8 size;
	struct tcg2_version structure_version;
	struct tcg2_version protocol_version;
	UINT32 hash_algorithm_bitmap;
	UINT32 supported_event_logs;
	BOOLEAN tpm_present_flag;
	UINT16 max_command_size;
	UINT16 max_response_size;
	UINT32 manufacturer_id;
	UINT32 number_of_pcr_banks;
	UINT32 active_pcr_banks;
};

/* EFI_TCG2_EVENT and EFI_TCG2_EVENT_HEADER, packed (the listing's #pragma pack(1)): the event
 * data follows the 18-byte header. */
struct tcg2_event {
	UINT32 size;             /* the whole structure, event data included */
	UINT32 header_size;      /* sizeof the header: 14 */
	UINT16 header_version;
	UINT32 pcr_index;
	UINT32 event_type;
	UINT8 event[];
} __attribute__((packed));
#define TCG2_EVENT_HEADER_SIZE 14u

/* TCG PC Client Platform Firmware Profile r1.05: UEFI_IMAGE_LOAD_EVENT, the event data of
 * EV_EFI_BOOT_SERVICES_APPLICATION. */
struct image_load_event {
	UINT64 image_location_in_memory;
	UINT64 image_length_in_memory;
	UINT64 image_link_time_address;
	UINT64 length_of_device_path;
	UINT8 device_path[];
};

struct tcg2_protocol;
typedef EFI_STATUS (EFIAPI *tcg2_get_capability_fn)(struct tcg2_protocol *self,
						   struct tcg2_capability *cap);
typedef EFI_STATUS (EFIAPI *tcg2_get_event_log_fn)(struct tcg2_protocol *self, UINT32 format,
						  EFI_PHYSICAL_ADDRESS *location,
						  EFI_PHYSICAL_ADDRESS *last_entry,
						  BOOLEAN *truncated);
typedef EFI_STATUS (EFIAPI *tcg2_hash_log_extend_event_fn)(struct tcg2_protocol *self,
							  UINT64 flags,
							  EFI_PHYSICAL_ADDRESS data,
							  UINT64 data_len,
							  struct tcg2_event *event);
typedef EFI_STATUS (EFIAPI *tcg2_get_active_pcr_banks_fn)(struct tcg2_protocol *self,
							 UINT32 *banks);

/* EFI_TCG2_PROTOCOL: its functions, in this order. */
struct tcg2_protocol {
	tcg2_get_capability_fn get_capability;
	tcg2_get_event_log_fn get_event_log;
	tcg2_hash_log_extend_event_fn hash_log_extend_event;
	void *submit_command;
	tcg2_get_active_pcr_banks_fn get_active_pcr_banks;
	void *set_active_pcr_banks;
	void *get_result_of_set_active_pcr_banks;
};

/* The protocol when a TPM is there: KB_ENOENT without the protocol or when the firmware
 * says no TPM is present (GetCapability's TPMPresentFlag). */
static int tcg2(struct tcg2_protocol **out)
{
	struct tcg2_protocol *p = NULL;
	struct tcg2_capability cap;
	*out = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &tcg2_protocol_guid, NULL,
					(void **)&p)) || !p)
		return KB_ENOENT;
	memset(&cap, 0, sizeof(cap));
	cap.size = sizeof(cap);
	EFI_STATUS s = uefi_call_wrapper(p->get_capability, 2, p, &cap);
	if (EFI_ERROR(s)) {
		log_debug("tpm: GetCapability: %s", efi_status_text(s));
		return efi_status_to_kb(s) == KB_ENOENT ? KB_EIO : efi_status_to_kb(s);
	}
	if (!cap.tpm_present_flag)
		return KB_ENOENT;
	*out = p;
	return 0;
}

static int status(EFI_STATUS s, const char *what)
{
	if (!EFI_ERROR(s))
		return 0;
	log_debug("tpm: %s: %s", what, efi_status_text(s));
	/* EFI_VOLUME_FULL alone is KB_ENOSPC here: HashLogExtendEvent extended the PCR and
	 * only the log is full (TCG EFI Protocol Specification; edk2's Tcg2Dxe). Out of
	 * resources is a failure like any other. */
	if (s == EFI_VOLUME_FULL)
		return KB_ENOSPC;
	if (s == EFI_OUT_OF_RESOURCES)
		return KB_ENOMEM;
	/* A TPM that was there a moment ago and now is "not found" failed. */
	return efi_status_to_kb(s) == KB_ENOENT ? KB_EIO : efi_status_to_kb(s);
}

int efi_tpm_active_banks(void *ctx, uint32_t *banks)
{
	struct tcg2_protocol *p;
	UINT32 b = 0;
	(void)ctx;
	*banks = 0;
	int rc = tcg2(&p);
	if (rc)
		return rc;
	rc = status(uefi_call_wrapper(p->get_active_pcr_banks, 2, p, &b), "GetActivePcrBanks");
	if (rc)
		return rc;
	*banks = b;
	return 0;
}

/* HashLogExtendEvent with an EFI_TCG2_EVENT around event[0..event_len) (pool memory for
 * the call's duration, as the stub and systemd-boot do). */
static int hash_log_extend(struct tcg2_protocol *p, UINT64 flags, unsigned pcr, uint32_t type,
			   const void *data, uint64_t len, const void *event, size_t event_len)
{
	size_t size = sizeof(struct tcg2_event) + event_len;
	struct tcg2_event *ev = efi_pool_get(size);
	if (!ev)
		return KB_ENOMEM;
	ev->size = (UINT32)size;
	ev->header_size = TCG2_EVENT_HEADER_SIZE;
	ev->header_version = TCG2_EVENT_HEADER_VERSION;
	ev->pcr_index = pcr;
	ev->event_type = type;
	memcpy(ev->event, event, event_len);
	EFI_STATUS s = uefi_call_wrapper(p->hash_log_extend_event, 5, p, flags,
					 (EFI_PHYSICAL_ADDRESS)(uintptr_t)data, len, ev);
	efi_pool_put(ev);
	return status(s, "HashLogExtendEvent");
}

int efi_tpm_measure(void *ctx, unsigned pcr, uint32_t type, const void *data, uint64_t len,
		    const void *event, size_t event_len)
{
	struct tcg2_protocol *p;
	(void)ctx;
	int rc = tcg2(&p);
	return rc ? rc : hash_log_extend(p, 0, pcr, type, data, len, event, event_len);
}

int efi_tpm_measure_pe(void *ctx, unsigned pcr, const void *image, uint64_t len,
		       uint64_t link_base, const char *path)
{
	struct tcg2_protocol *p;
	(void)ctx;
	int rc = tcg2(&p);
	if (rc)
		return rc;
	size_t dp_len;
	UINT8 *dp = efi_file_device_path(path, &dp_len);
	size_t size = sizeof(struct image_load_event) + dp_len;
	struct image_load_event *ev = efi_pool_get(size);
	if (!ev) {
		rc = KB_ENOMEM;
	} else {
		/* As the firmware fills it for LoadImage (edk2's DxeTpm2MeasureBootLib): the
		 * file's bytes where they are, its length, its link-time base, its path. */
		ev->image_location_in_memory = (UINT64)(uintptr_t)image;
		ev->image_length_in_memory = len;
		ev->image_link_time_address = link_base;
		ev->length_of_device_path = dp_len;
		if (dp_len)
			memcpy(ev->device_path, dp, dp_len);
		rc = hash_log_extend(p, TCG2_PE_COFF_IMAGE, pcr, TCG_EV_EFI_BOOT_SERVICES_APPLICATION,
				     image, len, ev, size);
		efi_pool_put(ev);
	}
	efi_pool_put(dp);
	return rc;
}

int efi_tpm_event_log(void *ctx, struct kb_tpm_log *out)
{
	struct tcg2_protocol *p;
	EFI_PHYSICAL_ADDRESS first = 0, last = 0;
	BOOLEAN truncated = FALSE;
	(void)ctx;
	memset(out, 0, sizeof(*out));
	int rc = tcg2(&p);
	if (rc)
		return rc;
	/* The crypto-agile log, else the SHA-1 one, as the kernel's stub asks. */
	out->crypto_agile = true;
	EFI_STATUS s = uefi_call_wrapper(p->get_event_log, 5, p, TCG2_EVENT_LOG_FORMAT_TCG_2,
					 &first, &last, &truncated);
	if (EFI_ERROR(s) || !first) {
		out->crypto_agile = false;
		s = uefi_call_wrapper(p->get_event_log, 5, p, TCG2_EVENT_LOG_FORMAT_TCG_1_2, &first,
				      &last, &truncated);
		if (!EFI_ERROR(s) && !first)
			s = EFI_NOT_FOUND;
	}
	rc = status(s, "GetEventLog");
	if (rc)
		return rc;
	out->first = (const void *)(uintptr_t)first;
	out->last = (const void *)(uintptr_t)last;
	out->truncated = truncated;
	if (out->crypto_agile)
		out->final_events = efi_find_config_table(ST, &final_events_guid);
	return 0;
}
