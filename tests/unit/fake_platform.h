/* SPDX-License-Identifier: BSD-2-Clause */
/* A firmware in host memory for the boot flow's tests: struct kb_platform over a block of
 * RAM (host memory whose addresses stand for physical ones, as UEFI's identity map makes
 * them), files, variables, an RNG, queued keys and an ExitBootServices that builds a real
 * UEFI-layout map. Any call can be made to fail (fail_at), and everything taken is
 * counted so a test can prove a failed attempt gave it all back.
 *
 * The CPU side the flow reaches after ExitBootServices (mm/cpu.h, mm/ttbr1_switch.h, the
 * self test) is faked in fake_cpu.c: entering a kernel longjmps back to the test with the
 * entry's registers recorded. */
#ifndef KASLBOOT_TEST_FAKE_PLATFORM_H
#define KASLBOOT_TEST_FAKE_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/platform.h"
#include "mm/cpu.h"

#define FAKE_MAX_ALLOCS 64
#define FAKE_MAX_POOLS  64
#define FAKE_MAX_FILES  32
#define FAKE_MAX_VARS   32
#define FAKE_MAX_KEYS   16
#define FAKE_MAX_TABLES 8
#define FAKE_MAX_CLEANS 8
#define FAKE_PATH_MAX   256
#define FAKE_VAR_MAX    1024
/* UEFI descriptors as AAVMF lays them out: 48-byte stride (a 40-byte descriptor + pad). */
#define FAKE_DESC_SIZE  48
#define FAKE_CONSOLE_MAX (256 * 1024)
#define FAKE_WATCHDOG_LOG 16
/* read_key waits that find no key, after which the fake gives up: a menu that waits for
 * a key the test never queued would otherwise spin for ever. */
#define FAKE_MAX_IDLE_WAITS 100000
#define FAKE_MAX_EVENTS 32
#define FAKE_EVENT_MAX  8448      /* event data: a 4 KiB command line in UTF-16, and more */
#define FAKE_TPM_LOG_MAX (FAKE_MAX_EVENTS * (FAKE_EVENT_MAX + 128) + 256)
#define FAKE_PCRS       24

struct fake_file {
	char path[FAKE_PATH_MAX];
	uint8_t *data;
	size_t len;
	bool is_dir;
};

struct fake_var {
	struct kb_guid guid;
	char name[64];
	uint8_t data[FAKE_VAR_MAX];
	size_t len;
	uint32_t attrs;
};

/* One HashLogExtendEvent the fake TPM took. */
struct fake_tpm_event {
	unsigned pcr;
	uint32_t type;
	bool pe;                      /* through tpm_measure_pe */
	const void *data;             /* where the measured bytes were */
	uint64_t len;
	uint8_t sha256[32];           /* of data[0..len) (a PE too: the fake does no Authenticode) */
	uint8_t event[FAKE_EVENT_MAX];  /* the event data as logged (tpm_measure) */
	size_t event_len;
	char path[FAKE_PATH_MAX];     /* tpm_measure_pe */
	uint64_t link_base;
	bool by_verifier; /* verify_image measured it (verify_measures) */
	bool logged;      /* in the log; false: the PCR was extended, the log full */
};

struct fake_fw {
	/* RAM: [ram, ram + ram_size), 2 MiB aligned, one conventional region. */
	uint8_t *ram;
	uint64_t ram_size;
	void *mapping;
	size_t mapping_size;
	struct {
		uint64_t base, bytes;
		enum kb_mem_kind kind;
	} allocs[FAKE_MAX_ALLOCS];
	unsigned nallocs;
	int pools_live;            /* pool allocations not yet freed */
	void *pools[FAKE_MAX_POOLS]; /* ... and where they are, for fake_fw_free */
	int memmaps_live;          /* memmap_get snapshots not yet freed */

	struct fake_file files[FAKE_MAX_FILES];
	unsigned nfiles;
	bool writes_fail;          /* the ESP refuses writes (and renames) */
	const char *read_fails;    /* every read of this file fails (KB_EIO: a bad sector) */
	int files_open;            /* file_open handles not yet closed */
	unsigned opens;            /* file_open calls that succeeded */
	uint64_t bytes_read;       /* by file_read, all files */
	unsigned renames;
	unsigned writes;   /* file_write calls that succeeded (whole-file replaces) */
	unsigned rewrites; /* file_rewrite calls that succeeded (in place + flush) */

	struct fake_var vars[FAKE_MAX_VARS];
	unsigned nvars;
	bool vars_refuse;          /* SetVariable refuses every write (write-protected) */

	bool has_rng;
	uint8_t rng_next;          /* the RNG's output: a counter, not random, but not zero */
	unsigned rng_calls;

	struct kb_key keys[FAKE_MAX_KEYS];
	unsigned nkeys, key_pos;
	/* A clock that only read_key's waits advance: a wait that finds no key takes its
	 * whole timeout. */
	uint64_t clock_ms;
	unsigned idle_waits;

	/* The menu's console: everything written (cut at FAKE_CONSOLE_MAX), and what is on
	 * the screen since the last clear. */
	char console[FAKE_CONSOLE_MAX];
	size_t console_len;
	char screen[FAKE_CONSOLE_MAX];
	size_t screen_len;
	unsigned console_clears;
	bool highlighted;          /* console_highlight(true) is in force */

	struct {
		struct kb_guid guid;
		void *table;
	} tables[FAKE_MAX_TABLES];
	unsigned ntables;

	/* A graphics output (gop_mode answers with `gop`), or none (KB_ENOENT). */
	bool has_gop;
	struct kb_gop_mode gop;

	bool secure_boot;
	bool verify_refuses;
	const char *verify_refuses_path; /* refuses only this file (an unsigned addon) */
	/* start_image: the programs started (the last one's path and options), and whether
	 * the "firmware" refuses to load them. */
	unsigned started;
	char started_path[FAKE_PATH_MAX];
	char started_options[FAKE_PATH_MAX];
	bool start_refuses;
	/* The verifier measures what it accepts into PCR 4 when there is a TPM, as shim's
	 * Verify and edk2's LoadImage (DxeTpm2MeasureBootLib) do. */
	bool verify_measures;
	/* ... and then logs PCR 7's EV_EFI_VARIABLE_AUTHORITY for the db certificate, as edk2
	 * does the first time a certificate verifies an image. */
	bool verify_authority;

	/* The last value set (0 before any call: the fake does not model the firmware's
	 * own 5 minutes), how many calls, and the values in order. */
	unsigned watchdog_seconds, watchdog_calls;
	unsigned watchdog_log[FAKE_WATCHDOG_LOG];
	/* watchdog_seconds when read_key was last asked to wait, and whether it had been set
	 * by then */
	unsigned watchdog_at_wait;
	bool watchdog_set_at_wait;

	/* A TPM 2.0 with SHA-1 and SHA-256 banks: it extends its PCRs and keeps a real
	 * crypto-agile event log (a Spec ID event, then one TCG_PCR_EVENT2 per measurement),
	 * and, once the log was asked for, the final-events table as edk2 does. */
	bool has_tpm;
	uint32_t tpm_banks;           /* what tpm_active_banks reports (fake_fw_add_tpm: 3) */
	bool tpm_broken;              /* every TPM call fails (KB_EIO) */
	unsigned tpm_fail_measure;    /* this measurement (1-based) fails with KB_EIO; 0: none */
	bool tpm_no_pe;               /* tpm_measure_pe says KB_EUNSUPP, as for a bad PE */
	bool tpm_log_12;              /* only the TCG 1.2 format log is offered */
	/* From this measurement (1-based) on the log is full: the PCR is still extended, the
	 * event not logged, and the call says KB_ENOSPC (EFI_VOLUME_FULL, as edk2's Tcg2Dxe);
	 * GetEventLog then says truncated. 0: never. */
	unsigned tpm_log_full_from;
	bool tpm_log_truncated;
	unsigned tpm_calls;           /* TPM operations called */
	unsigned tpm_measure_calls;
	struct fake_tpm_event events[FAKE_MAX_EVENTS];
	unsigned nevents;
	uint8_t pcr_sha1[FAKE_PCRS][20], pcr_sha256[FAKE_PCRS][32];
	uint8_t tpm_log[FAKE_TPM_LOG_MAX];
	size_t tpm_log_len, tpm_log_last;
	bool tpm_log_asked;           /* GetEventLog was called: events go to the final table too */
	uint8_t tpm_final[FAKE_TPM_LOG_MAX];
	size_t tpm_final_len;

	/* EFI_DT_FIXUP_PROTOCOL: with has_dt_fixup, Fixup adds a node /fake-fixup to the tree
	 * it is given (or asks for dt_fixup_want bytes when its buffer is smaller). */
	bool has_dt_fixup;
	size_t dt_fixup_want;
	unsigned dt_fixup_calls;

	/* ExitBootServices: how often it was asked for, and whether the firmware is gone. */
	unsigned exit_calls;
	unsigned exit_refusals;    /* the first this many fail, before anything was exited */
	bool exit_vamap;           /* the flow asked for SetVirtualAddressMap */
	bool exited;
	struct kb_exit_map exit_map;

	/* Failure injection: call number fail_at (1-based, counted over every operation that
	 * can fail) fails; 0 fails none. failed_op names it once it happened. */
	unsigned calls;
	unsigned fail_at;
	const char *failed_op;
};

/* The firmware the test talks to (one at a time). */
extern struct fake_fw fake;

/* Fresh firmware with ram_bytes of RAM and nothing else. */
void fake_fw_init(uint64_t ram_bytes);
void fake_fw_free(void);
/* Adds (copies) a file; a path ending in '/' is a directory. */
void fake_fw_add_file(const char *path, const void *data, size_t len);
void fake_fw_add_dir(const char *path);
/* Adds a file with the contents of a file on the host; false if it cannot be read. */
bool fake_fw_add_host_file(const char *path, const char *host_path);
/* Queues a key; KB_KEY_TIMEOUT queues a wait that finds none. */
void fake_fw_push_key(enum kb_key_kind kind, uint32_t ch);
/* Queues each character of s as a KB_KEY_CHAR. */
void fake_fw_push_chars(const char *s);
/* \loader\loader.conf and the entries a.conf and b.conf, each when not NULL. */
void fake_fw_add_config(const char *loader_conf, const char *entry_a, const char *entry_b);
/* Gives the firmware a TPM (SHA-1 + SHA-256 banks, an event log with its Spec ID event). */
void fake_fw_add_tpm(void);
/* A fresh firmware of 16 MiB with a TPM, measure.c started on it and no event recorded
 * yet: where the measurement tests begin. */
void fake_fw_init_measuring(void);
/* The installed configuration table with this GUID, or NULL. */
void *fake_fw_table(const struct kb_guid *guid);
const struct fake_var *fake_fw_var(const char *name);
/* The platform table bound to `fake`. */
extern const struct kb_platform fake_platform;

/* ---- fake_cpu.c ------------------------------------------------------------------ */

/* What the flow handed the CPU when it entered a payload. */
struct fake_entry {
	bool linux_entered;        /* mm_jump_mmu_off */
	bool mmu_on_entered;       /* mm_enter_mmu_on */
	uint64_t entry, x0, x1;
	struct mm_mmu_on_args args;
	unsigned cleans;           /* mm_dcache_clean_poc calls */
	struct {
		uint64_t va, size;
		bool after_exit;       /* boot services were gone */
	} cleaned[FAKE_MAX_CLEANS]; /* the first FAKE_MAX_CLEANS of them */
	bool icache_invalidated;
};
extern struct fake_entry fake_cpu;
/* Set by the test before kaslboot_boot: where an entered kernel comes back to. */
extern jmp_buf fake_cpu_entered;
void fake_cpu_reset(void);
/* The whole flow (kaslboot_boot) over fake_platform with no load options; true if it
 * entered a payload (the fake CPU jumped back), else *rc is what it returned. */
bool fake_cpu_run_boot(const struct kb_firmware *fw, int *rc);

#endif
