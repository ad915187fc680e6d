/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot: what kaslboot loads goes into the TPM where systemd-boot, the kernel's EFI
 * stub and the firmware would have put it for the same boot, so that PCR policies and
 * predictors made for them (systemd-pcrlock, pcr-oracle) keep working (UAPI group's Linux
 * TPM PCR Registry; systemd's TPM2_PCR_MEASUREMENTS.md):
 *
 *   PCR  event                          what (digest of)                    as
 *   1    EV_POST_CODE "DTB DATA"        a `devicetree` file as read, each    U-Boot's
 *        (+ SHA-256 of its blocks)      `devicetree-overlay` file as read    DTB event
 *   4    EV_EFI_BOOT_SERVICES_APPL.     a PE kernel (EFI stub, zboot),       the firmware's
 *        (PE_COFF_IMAGE)                Authenticode, as LoadImage would     LoadImage
 *   4    EV_IPL "path" (UTF-16)         a kernel without PE header (raw      -
 *                                       Image, the .gz file), an ELF payload
 *   5    EV_EVENT_TAG 0xf5bc582a        loader.conf, as read                 systemd-boot 255
 *   9    EV_EVENT_TAG 0x8f3b22ed        the command line, UTF-16LE + NUL     the stub's
 *        "LOADED_IMAGE::LoadOptions"    (Linux entries only)                 LoadOptions
 *   9    EV_EVENT_TAG 0x8f3b22ec        the initrd files, concatenated       the stub's
 *        "Linux initrd"                 (kaslboot's padding left out)        initrd
 *   12   EV_IPL, the command line       the command line, UTF-16LE + NUL     systemd-boot
 *
 * and, for a UKI, what systemd-stub 257 measures (loader/uki_measure.h): PCR 11, 12, 13.
 *
 * One PCR 4 event per image: under Secure Boot the verifier (shim's Verify, the firmware's
 * LoadImage) measures what it accepts into PCR 4 itself, and then kaslboot does not
 * (measure_verify_begin/_end tell).
 *
 * No TPM: nothing is measured, quietly. Each event is measured on its own, as systemd-boot
 * and the stub do: one that fails costs the boot's one warning (later ones are debug
 * lines) and the next events are still tried; a full event log (the PCR was extended) is
 * one warning and measuring goes on. The boot always goes on. The state is per boot
 * (measure_begin). */
#ifndef KASLBOOT_LOADER_MEASURE_H
#define KASLBOOT_LOADER_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/allocs.h"
#include "loader/platform.h"

/* PCRs (TCG PC Client Platform Firmware Profile r1.05, "PCR Usage"; Linux TPM PCR Registry). */
#define MEASURE_PCR_PLATFORM_CONFIG   1u
#define MEASURE_PCR_BOOT_LOADER_CODE  4u
#define MEASURE_PCR_BOOT_LOADER_CONF  5u
#define MEASURE_PCR_KERNEL_INITRD     9u   /* the kernel's EFI stub */
#define MEASURE_PCR_KERNEL_BOOT       11u  /* systemd-stub's UKI sections */
#define MEASURE_PCR_KERNEL_CONFIG     12u  /* systemd-boot's command line */
#define MEASURE_PCR_SYSEXTS           13u  /* systemd-stub's system extensions */

/* Event types (PC Client Platform Firmware Profile r1.05, "Event Types"). */
#define EV_POST_CODE                     0x00000001u
#define EV_EVENT_TAG                     0x00000006u
#define EV_IPL                           0x0000000du
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u

/* TCG_PCClientTaggedEvent ids: the kernel's (drivers/firmware/efi/libstub/efistub.h,
 * INITRD_EVENT_TAG_ID, LOAD_OPTIONS_EVENT_TAG_ID) and systemd's (src/boot/measure.h,
 * LOADER_CONF_CONTENT_EVENT_TAG_ID). */
#define MEASURE_TAG_LINUX_INITRD      0x8f3b22ecu
#define MEASURE_TAG_LOAD_OPTIONS      0x8f3b22edu
#define MEASURE_TAG_LOADER_CONF       0xf5bc582au

/* EFI_TCG2_BOOT_HASH_ALG_* (TCG EFI Protocol Specification): the bits of
 * LoaderTpm2ActivePcrBanks. */
#define MEASURE_BANK_SHA1             0x00000001u
#define MEASURE_BANK_SHA256           0x00000002u
#define MEASURE_BANK_SHA384           0x00000004u
#define MEASURE_BANK_SHA512           0x00000008u
#define MEASURE_BANK_SM3_256          0x00000010u

/* Who gets the command line: the kernel's EFI stub would measure it again into PCR 9 as
 * its LoadOptions; an MMU-on payload has no stub. */
enum measure_cmdline_for {
	MEASURE_CMDLINE_LINUX,
	MEASURE_CMDLINE_PAYLOAD,
	/* A UKI's kernel: PCR 9 only. PCR 12 got systemd-stub's events (uki_hooks.c), and
	 * systemd-boot does not measure a UKI's own .cmdline. */
	MEASURE_CMDLINE_UKI,
};

/* Once per boot, first: is there a TPM, which banks; sets LoaderTpm2ActivePcrBanks
 * (bli_set_tpm2_active_pcr_banks; LoaderFeatures says so with
 * BLI_FEATURE_TPM2_ACTIVE_PCR_BANKS). */
void measure_begin(const struct kb_platform *pf);

/* \loader\loader.conf as read (text NULL: nothing read, nothing measured). */
void measure_loader_conf(const struct kb_platform *pf, const void *text, uint64_t len);
/* A `devicetree` or `devicetree-overlay` file as read (validated: dt_validate), before
 * the firmware's fixups and kaslboot's /chosen edits: U-Boot's "DTB DATA" event in PCR 1
 * (what a predictor can compute from the file; the fixups depend on the machine). */
void measure_devicetree(const struct kb_platform *pf, const char *path, const void *dtb);
/* What kaslboot loads to run (PCR 4): a PE (an Image with an EFI stub, a zboot file) as
 * LoadImage would have measured it, anything else (an Image without stub, a gzip file, an
 * ELF payload) as the digest of its bytes. */
void measure_kernel(const struct kb_platform *pf, const char *path, const void *image,
		    uint64_t len);
/* Around a Secure Boot verification of an image (shim's Verify, or the firmware's
 * LoadImage): whether the verifier extended PCR 4 with it itself, as both do with a TPM
 * (shim's tpm_log_pe; edk2's DxeTpm2MeasureBootLib, U-Boot's efi_load_pe). Told by the
 * firmware's event log: a new last entry in PCR 4. A log the firmware says is full
 * (truncated) shows nothing: the verifier is then taken to have measured, as the PC
 * Client PFP asks the firmware to for every UEFI application it loads. Without a TPM,
 * or when the log cannot be read: false, and kaslboot measures the image itself. */
struct measure_mark {
	bool valid;
	const void *last; /* the log's last entry before the verification */
};
void measure_verify_begin(const struct kb_platform *pf, struct measure_mark *m);
bool measure_verify_end(const struct kb_platform *pf, const struct measure_mark *m,
			const char *path);
/* The command line handed over (empty: nothing, as systemd-boot and the stub). */
void measure_cmdline(const struct kb_platform *pf, const char *cmdline,
		     enum measure_cmdline_for who);
/* systemd's tpm_log_load_options: the command line into PCR 12 as EV_IPL, its UTF-16LE
 * with NUL both hashed and logged (empty: nothing). True when the PCR was extended. */
bool measure_load_options(const struct kb_platform *pf, const char *cmdline);
/* One event of systemd's kind: EV_IPL (tag 0) or EV_EVENT_TAG with that tag id, described
 * by desc in UTF-16LE with its NUL (systemd's tpm_log_ipl_event, tpm_log_tagged_event).
 * True when the PCR was extended (a full log included); false without a TPM. */
bool measure_event(const struct kb_platform *pf, unsigned pcr, uint32_t tag, const void *data,
		   uint64_t len, const char *desc);
/* The same with text in UTF-16LE and its NUL as both the data and the description. */
bool measure_text(const struct kb_platform *pf, unsigned pcr, uint32_t tag, const char *text);
/* The initrd files' bytes, concatenated, as systemd-boot hands them to the stub. */
void measure_initrd(const struct kb_platform *pf, const void *data, uint64_t len);

/* After the attempt's last measurement: the firmware's log copied into a
 * LINUX_EFI_TPM_EVENT_LOG table (ACPI-reclaim pages tracked in allocs), as the stub does
 * before ExitBootServices. *installed says whether it was; a failure is one warning. */
void measure_event_log_install(const struct kb_platform *pf, struct kb_allocs *allocs,
			       bool *installed);
/* Removes it again (an attempt that backs out frees its memory). */
void measure_event_log_remove(const struct kb_platform *pf, bool *installed);

#endif
