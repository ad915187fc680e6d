/* SPDX-License-Identifier: BSD-2-Clause */
/* The Boot Loader Interface (systemd's docs/BOOT_LOADER_INTERFACE.md): EFI variables under
 * vendor GUID 4a67b082-0a4c-41cf-b6c7-440b29bb8c4f through which the booted OS learns which
 * loader ran, what it offered and chose and how long it took (`bootctl status`,
 * `systemd-analyze`), and through which it asks for the next boot (`bootctl set-default`,
 * `set-oneshot`, `set-timeout`, `systemctl reboot --boot-loader-entry=`). Strings are
 * NUL-terminated UTF-16LE. */
#ifndef KASLBOOT_LOADER_BLI_H
#define KASLBOOT_LOADER_BLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"

/* systemd's loader GUID (BOOT_LOADER_INTERFACE.md, "LoaderInfo" and the others). */
extern const struct kb_guid bli_vendor_guid;

/* LoaderFeatures bits (systemd's efivars-fundamental.h, EFI_LOADER_FEATURE_*). */
#define BLI_FEATURE_CONFIG_TIMEOUT          (1ULL << 0)
#define BLI_FEATURE_CONFIG_TIMEOUT_ONE_SHOT (1ULL << 1)
#define BLI_FEATURE_ENTRY_DEFAULT           (1ULL << 2)
#define BLI_FEATURE_ENTRY_ONESHOT           (1ULL << 3)
#define BLI_FEATURE_BOOT_COUNTING           (1ULL << 4)
#define BLI_FEATURE_XBOOTLDR                (1ULL << 5)
#define BLI_FEATURE_RANDOM_SEED             (1ULL << 6)
#define BLI_FEATURE_LOAD_DRIVER             (1ULL << 7)
#define BLI_FEATURE_SORT_KEY                (1ULL << 8)
#define BLI_FEATURE_SAVED_ENTRY             (1ULL << 9)
#define BLI_FEATURE_DEVICETREE              (1ULL << 10)
#define BLI_FEATURE_MENU_DISABLE            (1ULL << 13)
#define BLI_FEATURE_MULTI_PROFILE_UKI       (1ULL << 14) /* 257: one entry per .profile */
#define BLI_FEATURE_TYPE1_UKI               (1ULL << 16) /* 258: the `uki` key */
#define BLI_FEATURE_TPM2_ACTIVE_PCR_BANKS   (1ULL << 18)

/* What kaslboot implements: exactly these bits. */
#define BLI_FEATURES                                                                               \
	(BLI_FEATURE_CONFIG_TIMEOUT | BLI_FEATURE_CONFIG_TIMEOUT_ONE_SHOT |                        \
	 BLI_FEATURE_ENTRY_DEFAULT | BLI_FEATURE_ENTRY_ONESHOT | BLI_FEATURE_BOOT_COUNTING |       \
	 BLI_FEATURE_RANDOM_SEED | BLI_FEATURE_SORT_KEY | BLI_FEATURE_SAVED_ENTRY |                \
	 BLI_FEATURE_DEVICETREE | BLI_FEATURE_MENU_DISABLE | BLI_FEATURE_MULTI_PROFILE_UKI |       \
	 BLI_FEATURE_TYPE1_UKI | BLI_FEATURE_TPM2_ACTIVE_PCR_BANKS)

/* Attributes: what describes this boot is volatile; what the OS or the menu sets for the
 * next boots is non-volatile. */
#define BLI_VOLATILE (KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME)
#define BLI_PERSISTENT (KB_VAR_NON_VOLATILE | KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME)

/* Sets a string variable (UTF-8 in, UTF-16LE stored). False after one debug line. */
bool bli_set_string(const struct kb_platform *pf, const char *name, uint32_t attrs,
		    const char *value);
/* Reads a string variable into out (UTF-8). Returns 1 when read, 0 when absent, and -1
 * after one warning line naming the variable when it is not a NUL-terminated UTF-16
 * string that fits (odd size, no NUL, bad UTF-16, too long). delete: remove it once read,
 * whatever it held (a one-shot variable must not survive a bad value either). */
int bli_get_string(const struct kb_platform *pf, const char *name, char *out, size_t size,
		   bool delete);
/* Deletes a variable (absent is fine). */
void bli_delete(const struct kb_platform *pf, const char *name);

/* LoaderInfo, LoaderFirmwareInfo, LoaderFirmwareType, LoaderFeatures,
 * LoaderImageIdentifier, LoaderDevicePartUUID and LoaderTimeInitUSec: once, at start. */
void bli_set_loader_info(const struct kb_platform *pf, const struct kb_firmware *fw,
			 const char *loader_info, uint64_t init_usec);
/* LoaderTimeExecUSec: right before the kernel is entered. */
void bli_set_exec_time(const struct kb_platform *pf, uint64_t exec_usec);
/* LoaderEntrySelected: right before an entry is attempted. */
void bli_set_entry_selected(const struct kb_platform *pf, const char *id);
/* LoaderTpm2ActivePcrBanks: the TPM's active PCR banks as EFI_TCG2_BOOT_HASH_ALG_* bits,
 * 0 without a TPM; once, at start (loader/measure.c's measure_begin). */
void bli_set_tpm2_active_pcr_banks(const struct kb_platform *pf, uint32_t banks);

#endif
