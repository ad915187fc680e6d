/* SPDX-License-Identifier: BSD-2-Clause */
/* What the boot flow needs from the firmware, and nothing more. The flow (loader/boot.c and
 * its phases) reaches the machine's firmware only through this table: efi/platform.c
 * implements it with gnu-efi, tests/unit/fake_platform.c with a memory map, files and
 * variables in host memory, and can make any call fail.
 *
 * Conventions: every operation returns 0 or a negative enum kb_err (lib/err.h). An
 * operation logs its own failure only where it says so; the flow names the thing at fault.
 * Paths are BLS-form ASCII ("/loader/entries/x.conf"), converted by the platform.
 * Addresses are physical; the firmware maps memory 1:1 (UEFI 2.10 section 2.3.6.1), so a
 * physical address is also a pointer until ExitBootServices. */
#ifndef KASLBOOT_LOADER_PLATFORM_H
#define KASLBOOT_LOADER_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"

/* What an allocation holds: EfiLoaderCode/EfiLoaderData, which the OS keeps until it has
 * read them, or EfiACPIReclaimMemory for tables the OS reads early and may then reuse
 * (the kernel's stub puts LINUX_EFI_RANDOM_SEED_TABLE there). */
enum kb_mem_kind {
	KB_MEM_CODE = 0,
	KB_MEM_DATA = 1,
	KB_MEM_ACPI_RECLAIM = 2,
};

/* An EFI variable's vendor GUID (UEFI 2.10 appendix A layout). */
struct kb_guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};

/* EFI variable attributes (UEFI 2.10 section 8.2, SetVariable). */
#define KB_VAR_NON_VOLATILE     0x00000001u
#define KB_VAR_BOOTSERVICE      0x00000002u
#define KB_VAR_RUNTIME          0x00000004u

/* A key from the firmware's console input. */
enum kb_key_kind {
	KB_KEY_TIMEOUT = 0, /* nothing within the wait */
	KB_KEY_CHAR,        /* a printable or control character in `ch` (Enter is '\r') */
	KB_KEY_UP,
	KB_KEY_DOWN,
	KB_KEY_LEFT,
	KB_KEY_RIGHT,
	KB_KEY_HOME,
	KB_KEY_END,
	KB_KEY_ESC,
	KB_KEY_OTHER,       /* a key kaslboot gives no meaning */
	KB_KEY_DELETE,      /* the Delete key (erases the character under the cursor) */
};
struct kb_key {
	enum kb_key_kind kind;
	uint32_t ch;
};

/* The memory map the OS receives: the firmware's own descriptors (UEFI layout, stride
 * desc_size) in a LoaderData buffer that outlives boot services. */
struct kb_exit_map {
	uint64_t buf;        /* physical address of the descriptors */
	uint64_t size;       /* bytes of the final map */
	uint64_t desc_size;
	uint32_t desc_ver;
};

/* Called by exit_boot_services after each GetMemoryMap, before ExitBootServices, with no
 * allocation or output allowed: the flow writes the map's location into the DT there. */
typedef int (*kb_exit_hook)(void *arg, const struct kb_exit_map *m);

/* Called by dir_list for every regular file in a directory (ASCII names). */
typedef void (*kb_dir_fn)(const char *name, void *arg);

/* The firmware's TPM event log (TCG EFI Protocol Specification, GetEventLog), as the
 * kernel's EFI stub reads it for LINUX_EFI_TPM_EVENT_LOG. Firmware memory: read it,
 * never write it. */
struct kb_tpm_log {
	const void *first;        /* the log's first byte (EventLogLocation) */
	const void *last;         /* its last entry (EventLogLastEntry); NULL: nothing logged */
	bool crypto_agile;        /* EFI_TCG2_EVENT_LOG_FORMAT_TCG_2; else the TCG 1.2 format */
	bool truncated;           /* the firmware ran out of room for events */
	/* EFI_TCG2_FINAL_EVENTS_TABLE (TCG EFI Protocol Specification): the events logged
	 * since GetEventLog was first called, or NULL. */
	const void *final_events;
};

/* The framebuffer of the firmware's graphics output (EFI_GRAPHICS_OUTPUT_PROTOCOL, UEFI 2.10
 * section 12.9): its current mode as GOP's Mode and Mode->Info give it. */
enum kb_pixel_format { /* EFI_GRAPHICS_PIXEL_FORMAT (UEFI 2.10 section 12.9.2) */
		       KB_PIXEL_RGBX8 = 0,    /* PixelRedGreenBlueReserved8BitPerColor */
		       KB_PIXEL_BGRX8 = 1,    /* PixelBlueGreenRedReserved8BitPerColor */
		       KB_PIXEL_BITMASK = 2,  /* PixelBitMask: the masks say where each colour is */
		       KB_PIXEL_BLT_ONLY = 3, /* PixelBltOnly: no framebuffer the OS could use */
};
struct kb_gop_mode {
	uint64_t fb_base;       /* FrameBufferBase */
	uint32_t width, height; /* HorizontalResolution, VerticalResolution */
	uint32_t stride;        /* PixelsPerScanLine */
	uint32_t format;        /* enum kb_pixel_format, or whatever the firmware says */
	uint32_t red_mask, green_mask, blue_mask, rsvd_mask; /* PixelInformation */
};

struct kb_platform {
	void *ctx;

	/* ---- memory ------------------------------------------------------------------ */
	/* A snapshot of the memory map; entries in pool memory, given back by memmap_free. */
	int (*memmap_get)(void *ctx, struct memmap *out);
	void (*memmap_free)(void *ctx, struct memmap *map);
	/* Pages at exactly [base, base + bytes) (AllocateAddress). KB_ENOMEM if refused;
	 * not logged (a refused KASLR slot is drawn again). */
	int (*alloc_at)(void *ctx, uint64_t base, uint64_t bytes, enum kb_mem_kind kind);
	/* Pages anywhere below max (exclusive; 0: anywhere). Logged on failure. */
	int (*alloc_below)(void *ctx, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
			   uint64_t *base);
	void (*free_pages)(void *ctx, uint64_t base, uint64_t bytes);
	/* Small allocations (config entries, file contents). NULL when out of memory. */
	void *(*pool_alloc)(void *ctx, size_t bytes);
	void (*pool_free)(void *ctx, void *p);

	/* ---- files on the volume kaslboot was loaded from -------------------------------- */
	/* Opens a regular file for reading: *fh serves every read of it until file_close,
	 * *size is its length. KB_ENOENT (not logged) when there is no such file; a
	 * directory is KB_EINVAL; other failures logged with the path. */
	int (*file_open)(void *ctx, const char *path, void **fh, uint64_t *size);
	/* Exactly `size` bytes at `offset` of an open file, straight into buf (in the
	 * request sizes the firmware serves fastest); failures logged with the path. */
	int (*file_read)(void *ctx, void *fh, uint64_t offset, void *buf, uint64_t size);
	void (*file_close)(void *ctx, void *fh);
	/* KB_ENOENT when the directory does not exist. */
	int (*dir_list)(void *ctx, const char *dir, kb_dir_fn fn, void *arg);
	/* Replaces the file's contents with buf (creating it), then flushes it to the medium.
	 * Not logged: writes never stop a boot, the caller warns. */
	int (*file_write)(void *ctx, const char *path, const void *buf, uint64_t size);
	/* Opens an existing regular file for reading and writing in place, as file_open
	 * (KB_ENOENT not logged); KB_EPERM (not logged) when the volume or the file refuses
	 * writes, so that the caller may still open it for reading. */
	int (*file_open_rw)(void *ctx, const char *path, void **fh, uint64_t *size);
	/* Overwrites the first `size` bytes of a file open from file_open_rw (no more than
	 * its length: the size and the clusters stay), then flushes it to the medium: one
	 * write and one flush, nothing else asked of the file system. Not logged. After a
	 * failure the handle serves only file_close (the firmware's may be closed already). */
	int (*file_rewrite)(void *ctx, void *fh, const void *buf, uint64_t size);
	/* Renames a file within its directory (new_name: a name, not a path), then flushes.
	 * Not logged. */
	int (*file_rename)(void *ctx, const char *path, const char *new_name);

	/* ---- variables ----------------------------------------------------------------- */
	/* *size in: the buffer's size, out: the value's. KB_ENOENT: no such variable;
	 * KB_ENOMEM: buffer too small (*size says how big). Not logged. */
	int (*var_get)(void *ctx, const struct kb_guid *guid, const char *name, void *buf,
		       size_t *size, uint32_t *attrs);
	/* size 0 deletes. Not logged. */
	int (*var_set)(void *ctx, const struct kb_guid *guid, const char *name, uint32_t attrs,
		       const void *buf, size_t size);

	/* ---- security, entropy, console -------------------------------------------------- */
	/* Secure Boot: 0 if the firmware (or shim) accepts the signed PE in buf, KB_EPERM
	 * after one error line naming path otherwise. Called only when Secure Boot is on. */
	int (*verify_image)(void *ctx, const void *buf, size_t len, const char *path);
	/* EFI_RNG_PROTOCOL: len random bytes. KB_ENOENT: no such protocol (not logged);
	 * other failures logged. */
	int (*rng)(void *ctx, void *buf, size_t len);
	/* Waits up to timeout_ms (0: only a key already waiting) for a key. */
	int (*read_key)(void *ctx, unsigned timeout_ms, struct kb_key *key);
	/* The firmware's watchdog (UEFI 2.10 7.5, SetWatchdogTimer): 0 disables it. The boot
	 * manager arms 5 minutes when it starts a boot option; a menu waiting for a person
	 * disarms it. Not logged. */
	int (*set_watchdog)(void *ctx, unsigned seconds);
	/* The console for the boot menu, besides lib/log.h's lines: the firmware's ConOut
	 * (on edk2, the serial terminal and the graphics screen alike). console_write prints
	 * UTF-8 text as it is, no prefix and no newline added (the caller writes "\r\n");
	 * what the console cannot show prints as '?'. console_clear blanks the screen and
	 * puts the cursor top left; console_highlight(true) draws what follows in reverse
	 * colours, (false) in the normal ones. Not logged: the menu goes on without them. */
	int (*console_write)(void *ctx, const char *utf8);
	int (*console_clear)(void *ctx);
	int (*console_highlight)(void *ctx, bool on);

	/* The graphics output Linux's EFI stub would pass on (libstub gop.c, find_gop): the
	 * first GOP that also drives a console (EFI_CONSOLE_OUT_DEVICE), else the first one,
	 * skipping those without a framebuffer (PixelBltOnly). KB_ENOENT when there is none;
	 * not logged. */
	int (*gop_mode)(void *ctx, struct kb_gop_mode *out);

	/* ---- TPM 2.0 (EFI_TCG2_PROTOCOL, TCG EFI Protocol Specification) ------------------ */
	/* Every operation returns KB_ENOENT when there is no TPM (no protocol, or the firmware
	 * says none is present); nothing is logged: the caller (loader/measure.c) warns.
	 * tpm_measure and tpm_measure_pe return KB_ENOSPC only for EFI_VOLUME_FULL: the PCR
	 * was extended, the event could not be logged (TCG EFI Protocol Specification). */
	/* The active PCR banks, as EFI_TCG2_BOOT_HASH_ALG_* bits (GetActivePcrBanks). */
	int (*tpm_active_banks)(void *ctx, uint32_t *banks);
	/* HashLogExtendEvent: the digest of data[0..len) in every active bank extended into
	 * PCR pcr, and an event of that type whose event data is event[0..event_len) appended
	 * to the firmware's log. */
	int (*tpm_measure)(void *ctx, unsigned pcr, uint32_t type, const void *data, uint64_t len,
			   const void *event, size_t event_len);
	/* A PE image (the file's bytes, as read from `path` on the boot volume, whose optional
	 * header says it links at link_base) measured as the firmware measures what LoadImage
	 * loads: HashLogExtendEvent with PE_COFF_IMAGE (the firmware computes the Authenticode
	 * digest) and an EV_EFI_BOOT_SERVICES_APPLICATION event whose data is the
	 * UEFI_IMAGE_LOAD_EVENT naming the file's device path. */
	int (*tpm_measure_pe)(void *ctx, unsigned pcr, const void *image, uint64_t len,
			      uint64_t link_base, const char *path);
	/* Where the firmware's event log is (GetEventLog, crypto-agile format preferred). */
	int (*tpm_event_log)(void *ctx, struct kb_tpm_log *out);

	/* ---- devicetree ---------------------------------------------------------------- */
	/* EFI_DT_FIXUP_PROTOCOL (Fixup with EFI_DT_APPLY_FIXUPS | EFI_DT_RESERVE_MEMORY, as
	 * systemd-boot asks): the firmware adds to the tree at fdt (whose buffer holds
	 * *buf_size bytes) what only it knows, and reserves in the memory map what the tree
	 * reserves. KB_ENOENT: no such protocol (not logged); KB_ENOMEM
	 * (EFI_BUFFER_TOO_SMALL): *buf_size says how much the firmware wants; other failures
	 * logged. */
	int (*dt_fixup)(void *ctx, void *fdt, size_t *buf_size);

	/* ---- other programs ---------------------------------------------------------- */
	/* Runs the EFI program buf[0..len) read from `path` (a BLS `efi` entry): LoadImage from
	 * the buffer with the file's device path (which verifies it under Secure Boot), its
	 * LoadOptions `options` in UTF-16 when not empty, then StartImage. Returns when the
	 * program exits: 0 for EFI_SUCCESS; KB_EPERM (refused) or KB_EIO after one error line
	 * naming path. */
	int (*start_image)(void *ctx, const void *buf, size_t len, const char *path,
			   const char *options);

	/* ---- leaving ------------------------------------------------------------------- */
	/* Installs (table != NULL) or removes a configuration table the OS reads. */
	int (*install_config_table)(void *ctx, const struct kb_guid *guid, void *table);
	/* ExitBootServices: the console is detached; the final map goes into a LoaderData
	 * buffer allocated here (out); hook runs after each GetMemoryMap. Runtime descriptors
	 * get VirtualStart = PhysicalStart, or with vamap the stub's virtual addresses
	 * (loader/vamap.h), which SetVirtualAddressMap installs right after ExitBootServices
	 * (its failure is written into the map, as the stub writes it). If that fails before anything was exited the
	 * console comes back, one line says why and an error is returned: the caller backs
	 * out with boot services intact. Once ExitBootServices has been refused, UEFI allows
	 * nothing else: the platform halts. */
	int (*exit_boot_services)(void *ctx, kb_exit_hook hook, void *arg, bool vamap,
				  struct kb_exit_map *out);
};

/* What the firmware offers, gathered by the platform before the flow starts
 * (loader/firmware_report.h prints it at `log debug`). */
struct kb_firmware {
	void *fdt;              /* the firmware's DT configuration table, or NULL */
	size_t fdt_size;        /* its header's totalsize (0 when the header is bad) */
	bool fdt_valid;         /* it passed dt_validate already; else the flow checks it once */
	bool acpi;              /* an ACPI 2.0+ RSDP configuration table exists */
	bool secure_boot;       /* the SecureBoot variable is 1 */
	bool rng_protocol;      /* EFI_RNG_PROTOCOL is installed */
	uint64_t system_table;  /* EFI system table address, for linux,uefi-system-table */
	void *seed_table;       /* an earlier LINUX_EFI_RANDOM_SEED_TABLE, or NULL */
	/* The first SMBIOS Processor Information structure (type 4) as EFI_SMBIOS_PROTOCOL's
	 * GetNext gives it, readable up to smbios_type4_max bytes; NULL when none. */
	const void *smbios_type4;
	size_t smbios_type4_max;
	bool rt_no_svam;        /* EFI_RT_PROPERTIES_TABLE: SetVirtualAddressMap unsupported */
	char image_path[256];   /* kaslboot's own file, "\EFI\BOOT\BOOTAA64.EFI"; "" unknown */
	char esp_part_uuid[40]; /* the GPT partition GUID it was loaded from; "" if none */
	char vendor[64];        /* FirmwareVendor, UTF-8 */
	uint32_t fw_revision;   /* FirmwareRevision */
	uint32_t uefi_revision; /* the system table header's Revision */
};

#endif
