/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/measure.h"

#include <string.h>

#include "crypto/sha256.h"
#include "dtb/measured_parts.h"
#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/utf16.h"
#include "loader/bli.h"
#include "loader/config.h"
#include "formats/image_pe.h"
#include "loader/phase_time.h"
#include "loader/tpm_log.h"

/* TCG_PCClientTaggedEvent (PC Client PFP r1.05): u32 taggedEventID, u32
 * taggedEventDataSize, then the data. */
#define TAG_HEADER 8u
/* The stub's tagged events carry these ASCII strings, their NUL included
 * (drivers/firmware/efi/libstub/efi-stub-helper.c, the events[] table). */
static const char stub_initrd_text[] = "Linux initrd";
static const char stub_load_options_text[] = "LOADED_IMAGE::LoadOptions";
/* systemd-boot's loader.conf event describes itself by this name, in UTF-16. */
static const char loader_conf_name[] = "loader.conf";
/* Longest description: a path in UTF-16 with its NUL. */
#define DESC_MAX (KB_PATH_MAX * 2)

/* One boot at a time: measure_begin resets this. Every event is tried on its own, as
 * systemd-boot (each measurement logs its own failure and the boot goes on) and the stub
 * (efi_measure_tagged_event: efi_warn per event) do: a TPM call that failed says nothing
 * about the next one, and the command line and initrd that boot must reach their PCRs
 * whenever the TPM takes them. */
static struct {
	bool present; /* a TPM answered measure_begin (or failed to: still tried) */
	bool warned;  /* the boot's one warning about a failing TPM was given */
	bool full;    /* the boot's one warning about a full event log was given */
} tpm;

static uint8_t event_buf[TAG_HEADER + DESC_MAX];
static uint16_t wide[KB_CMDLINE_MAX];
static uint8_t cmdline_buf[KB_CMDLINE_MAX * 2];

/* s as UTF-16LE with its NUL into out[0..size); the bytes written, or 0 when s is not
 * text UCS-2 can hold or does not fit. */
static size_t to_utf16le(const char *s, uint8_t *out, size_t size)
{
	size_t cap = size / 2 < KB_CMDLINE_MAX ? size / 2 : KB_CMDLINE_MAX;
	long n = utf16_from_utf8(s, wide, cap);
	if (n < 0)
		return 0;
	for (long i = 0; i <= n; i++) {
		out[2 * i] = (uint8_t)wide[i];
		out[2 * i + 1] = (uint8_t)(wide[i] >> 8);
	}
	return ((size_t)n + 1) * 2;
}

/* A TCG_PCClientTaggedEvent in event_buf; its length. */
static size_t tagged_event(uint32_t id, const void *desc, size_t desc_len)
{
	put_le32(event_buf, id);
	put_le32(event_buf + 4, (uint32_t)desc_len);
	memcpy(event_buf + TAG_HEADER, desc, desc_len);
	return TAG_HEADER + desc_len;
}

/* The one warning a boot gives about its TPM: "tpm: <doing><what> failed (<why>): <then>";
 * later failures are debug lines (a TPM that stopped answering fails every event). */
static void warn_once(const char *doing, const char *what, int rc, const char *then)
{
	if (tpm.warned) {
		log_debug("tpm: %s%s failed (%s)", doing, what, kb_strerror(rc));
		return;
	}
	tpm.warned = true;
	log_warn("tpm: %s%s failed (%s): %s", doing, what, kb_strerror(rc), then);
}

/* One event's failure: that event only. */
static void event_failed(const char *what, unsigned pcr, int rc)
{
	if (tpm.warned) {
		log_debug("tpm: measuring %s into PCR %u failed (%s)", what, pcr, kb_strerror(rc));
		return;
	}
	tpm.warned = true;
	log_warn("tpm: measuring %s into PCR %u failed (%s): that PCR will not match a "
		 "prediction; the next measurements are still made",
		 what, pcr, kb_strerror(rc));
}

/* EFI_VOLUME_FULL (the platform's KB_ENOSPC): "the event was measured (the PCR extended)
 * but the log is full" (TCG EFI Protocol Specification, HashLogExtendEvent; edk2's
 * Tcg2Dxe extends, then finds no room). Not a failure of the measurement: a warning,
 * once, and measuring goes on. */
static void log_full(const char *what, unsigned pcr)
{
	if (tpm.full) {
		log_debug("tpm: measured %s into PCR %u (not logged: the event log is full)", what,
			  pcr);
		return;
	}
	tpm.full = true;
	log_warn("tpm: the firmware's event log is full: %s extended into PCR %u, not logged; "
		 "measuring goes on",
		 what, pcr);
}

/* A measurement's answer: 0 or log-full counts as measured. */
static bool measured(const char *what, unsigned pcr, int rc, uint64_t len, const char *as)
{
	if (rc == KB_ENOSPC)
		log_full(what, pcr);
	else if (rc)
		event_failed(what, pcr, rc);
	else
		log_debug("tpm: measured %s into PCR %u (%s%lu bytes)", what, pcr, as,
			  (unsigned long)len);
	return !rc || rc == KB_ENOSPC;
}

static bool usable(void) { return tpm.present; }

/* The firmware's hashing is timed as PHASE_MEASURE (a 10 MiB kernel in four banks takes
 * about a second under QEMU), then the interrupted phase goes on. */
static enum kb_phase measuring(void)
{
	enum kb_phase was = phase_current();
	phase_enter(PHASE_MEASURE);
	return was;
}

static bool extend(const struct kb_platform *pf, unsigned pcr, uint32_t type, const void *data,
		   uint64_t len, const void *event, size_t event_len, const char *what)
{
	enum kb_phase was = measuring();
	int rc = pf->tpm_measure(pf->ctx, pcr, type, data, len, event, event_len);
	phase_enter(was);
	return measured(what, pcr, rc, len, "");
}

/* "sha1,sha256" for the log line. */
static void bank_names(uint32_t banks, char *out, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ MEASURE_BANK_SHA1, "sha1" }, { MEASURE_BANK_SHA256, "sha256" },
		{ MEASURE_BANK_SHA384, "sha384" }, { MEASURE_BANK_SHA512, "sha512" },
		{ MEASURE_BANK_SM3_256, "sm3_256" },
	};
	size_t at = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (banks & names[i].bit)
			kfmt_append(out, size, &at, "%s%s", at ? "," : "", names[i].name);
	if (!at)
		kfmt_snprintf(out, size, "none");
}

void measure_begin(const struct kb_platform *pf)
{
	uint32_t banks = 0;
	char names[48];

	memset(&tpm, 0, sizeof(tpm));
	enum kb_phase was = measuring();
	int rc = pf->tpm_active_banks(pf->ctx, &banks);
	phase_enter(was);
	if (rc == 0) {
		tpm.present = true;
		bank_names(banks, names, sizeof(names));
		log_info("tpm: TPM 2.0, active PCR banks %s: measuring this boot", names);
	} else if (rc == KB_ENOENT) {
		log_debug("tpm: none");
	} else {
		/* The banks are only the variable's business: each event is still tried. */
		banks = 0;
		tpm.present = true;
		warn_once("asking for the active PCR banks", "", rc,
			  "LoaderTpm2ActivePcrBanks "
			  "says none; each measurement is still tried; booting on");
	}
	bli_set_tpm2_active_pcr_banks(pf, banks);
}

void measure_loader_conf(const struct kb_platform *pf, const void *text, uint64_t len)
{
	uint8_t desc[sizeof(loader_conf_name) * 2];
	if (!text || !usable())
		return;
	size_t n = to_utf16le(loader_conf_name, desc, sizeof(desc));
	extend(pf, MEASURE_PCR_BOOT_LOADER_CONF, EV_EVENT_TAG, text, len, event_buf,
	       tagged_event(MEASURE_TAG_LOADER_CONF, desc, n), "loader.conf");
}

/* U-Boot's event for the DT it hands over (lib/efi_loader/efi_tcg2.c,
 * efi_tcg2_measure_dtb): a UEFI_PLATFORM_FIRMWARE_BLOB2 (TCG PC Client PFP: a one-byte
 * description size, the description) whose description is "DTB DATA" with its NUL,
 * followed by the SHA-256 of the DT's measured parts; the event itself is what is hashed
 * into each bank. */
static const char dtb_event_text[] = "DTB DATA";

void measure_devicetree(const struct kb_platform *pf, const char *path, const void *dtb)
{
	uint8_t ev[1 + sizeof(dtb_event_text) + SHA256_DIGEST_SIZE];
	struct dt_part parts[DT_MEASURED_PARTS];
	struct sha256_ctx c;
	if (!usable())
		return;
	enum kb_phase was = measuring(); /* hashing the blocks is measuring too */
	dt_measured_parts(dtb, parts);
	sha256_init(&c);
	for (unsigned i = 0; i < DT_MEASURED_PARTS; i++)
		sha256_update(&c, parts[i].at, parts[i].len);
	ev[0] = sizeof(dtb_event_text);
	memcpy(ev + 1, dtb_event_text, sizeof(dtb_event_text));
	sha256_final(&c, ev + 1 + sizeof(dtb_event_text));
	phase_enter(was);
	extend(pf, MEASURE_PCR_PLATFORM_CONFIG, EV_POST_CODE, ev, sizeof(ev), ev, sizeof(ev), path);
}

void measure_kernel(const struct kb_platform *pf, const char *path, const void *image,
		    uint64_t len)
{
	uint64_t link_base;
	if (!usable())
		return;
	if (image_pe_file(image, len, &link_base)) {
		enum kb_phase was = measuring();
		int rc = pf->tpm_measure_pe(pf->ctx, MEASURE_PCR_BOOT_LOADER_CODE, image, len,
					    link_base, path);
		phase_enter(was);
		/* A PE the firmware cannot hash (or a firmware without PE_COFF_IMAGE): it
		 * extended nothing; measured as bytes instead, as anything else. */
		if (rc != KB_EUNSUPP && rc != KB_EINVAL) {
			measured(path, MEASURE_PCR_BOOT_LOADER_CODE, rc, len, "PE, ");
			return;
		}
		log_debug("tpm: %s: the firmware cannot hash it as a PE (%s): measuring its bytes",
			  path, kb_strerror(rc));
	}
	/* No PE header (an Image without EFI stub, a gzip file, an ELF payload): the digest
	 * of the bytes, logged as EV_IPL (PC Client PFP: code an IPL loaded) with the path
	 * as its UTF-16 description, as systemd-boot describes its EV_IPL events. */
	uint8_t desc[DESC_MAX];
	size_t n = to_utf16le(path, desc, sizeof(desc));
	extend(pf, MEASURE_PCR_BOOT_LOADER_CODE, EV_IPL, image, len, desc, n, path);
}

/* The firmware's event log, read on either side of the verification (its time is the
 * measure phase's). False, with a debug line, when it cannot be read: kaslboot then
 * measures `what` itself. */
static bool read_event_log(const struct kb_platform *pf, struct kb_tpm_log *log, const char *what)
{
	enum kb_phase was = measuring();
	int rc = pf->tpm_event_log(pf->ctx, log);
	phase_enter(was);
	if (rc)
		log_debug("tpm: the event log cannot be read (%s): kaslboot measures %s itself",
			  kb_strerror(rc), what);
	return !rc;
}

void measure_verify_begin(const struct kb_platform *pf, struct measure_mark *m)
{
	struct kb_tpm_log log;
	memset(m, 0, sizeof(*m));
	if (!usable() || !read_event_log(pf, &log, "the kernel"))
		return;
	m->valid = true;
	m->last = log.last;
}

bool measure_verify_end(const struct kb_platform *pf, const struct measure_mark *m,
			const char *path)
{
	struct kb_tpm_log log;
	if (!m->valid || !read_event_log(pf, &log, path))
		return false;
	bool by_verifier = log.truncated ||
			   tpm_log_pcr_since(&log, m->last, MEASURE_PCR_BOOT_LOADER_CODE) == 1;
	if (by_verifier)
		log_debug("tpm: %s: measured into PCR %u by the Secure Boot verifier%s: not again",
			  path, MEASURE_PCR_BOOT_LOADER_CODE,
			  log.truncated ? " (taken so: the event log is full)" : "");
	return by_verifier;
}

/* The command line as measured: UTF-16LE with its NUL in cmdline_buf, or, when it is not
 * text the firmware could hold, its UTF-8 bytes with their NUL. */
static const uint8_t *load_options(const char *cmdline, size_t *n)
{
	*n = to_utf16le(cmdline, cmdline_buf, sizeof(cmdline_buf));
	if (*n)
		return cmdline_buf;
	log_debug("tpm: the command line is not UCS-2 text: measuring its UTF-8 bytes");
	*n = strlen(cmdline) + 1;
	return (const uint8_t *)cmdline;
}

/* systemd's tpm_log_load_options (systemd-boot 252 and 257, systemd-stub 257): EV_IPL into
 * PCR 12, the load options in UTF-16 with their NUL both hashed and logged. */
static bool load_options_event(const struct kb_platform *pf, const uint8_t *data, size_t n)
{
	return extend(pf, MEASURE_PCR_KERNEL_CONFIG, EV_IPL, data, n, data, n, "the command line");
}

bool measure_load_options(const struct kb_platform *pf, const char *cmdline)
{
	size_t n;
	if (!usable() || !cmdline[0])
		return false;
	const uint8_t *data = load_options(cmdline, &n);
	return load_options_event(pf, data, n);
}

void measure_cmdline(const struct kb_platform *pf, const char *cmdline,
		     enum measure_cmdline_for who)
{
	size_t n;
	if (!usable() || !cmdline[0])
		return;
	/* systemd-boot's PCR 12 event, then the stub's: the same LoadOptions hashed into
	 * PCR 9 under its tag. Each is tried on its own. */
	const uint8_t *data = load_options(cmdline, &n);
	if (who != MEASURE_CMDLINE_UKI)
		load_options_event(pf, data, n);
	if (who != MEASURE_CMDLINE_PAYLOAD)
		extend(pf, MEASURE_PCR_KERNEL_INITRD, EV_EVENT_TAG, data, n, event_buf,
		       tagged_event(MEASURE_TAG_LOAD_OPTIONS, stub_load_options_text,
				    sizeof(stub_load_options_text)),
		       "the command line (LoadOptions)");
}

bool measure_event(const struct kb_platform *pf, unsigned pcr, uint32_t tag, const void *data,
		   uint64_t len, const char *desc)
{
	uint8_t text[DESC_MAX];
	if (!usable())
		return false;
	size_t n = to_utf16le(desc, text, sizeof(text));
	if (!tag)
		return extend(pf, pcr, EV_IPL, data, len, text, n, desc);
	return extend(pf, pcr, EV_EVENT_TAG, data, len, event_buf, tagged_event(tag, text, n),
		      desc);
}

bool measure_text(const struct kb_platform *pf, unsigned pcr, uint32_t tag, const char *text)
{
	uint8_t data[DESC_MAX];
	size_t n = to_utf16le(text, data, sizeof(data));
	return n && measure_event(pf, pcr, tag, data, n, text);
}

void measure_initrd(const struct kb_platform *pf, const void *data, uint64_t len)
{
	if (!usable() || !len)
		return;
	extend(pf, MEASURE_PCR_KERNEL_INITRD, EV_EVENT_TAG, data, len, event_buf,
	       tagged_event(MEASURE_TAG_LINUX_INITRD, stub_initrd_text, sizeof(stub_initrd_text)),
	       "the initrd");
}

void measure_event_log_install(const struct kb_platform *pf, struct kb_allocs *allocs,
			       bool *installed)
{
	struct kb_tpm_log log;
	struct tpm_log_extent ext;
	uint64_t pa = 0;

	*installed = false;
	if (!tpm.present)
		return;
	memset(&log, 0, sizeof(log));
	enum kb_phase was = measuring();
	int rc = pf->tpm_event_log(pf->ctx, &log);
	if (rc)
		goto out;
	rc = tpm_log_extent(&log, &ext);
	if (rc)
		goto out;
	rc = kb_alloc_below(allocs, tpm_log_table_size(&ext), 0, KB_MEM_ACPI_RECLAIM, &pa);
	if (rc)
		goto out;
	tpm_log_table_fill((void *)(uintptr_t)pa, &log, &ext);
	rc = pf->install_config_table(pf->ctx, &linux_tpm_event_log_guid, (void *)(uintptr_t)pa);
	if (rc)
		kb_free(allocs, pa);
out:
	phase_enter(was);
	if (rc) {
		warn_once("handing the event log to Linux", "", rc,
			  "Linux will not show binary_bios_measurements");
		return;
	}
	*installed = true;
	log_info("tpm: event log handed to Linux (%lu bytes, %s format%s)",
		 (unsigned long)ext.log_size, log.crypto_agile ? "crypto-agile" : "TCG 1.2",
		 log.truncated ? ", truncated by the firmware" : "");
}

void measure_event_log_remove(const struct kb_platform *pf, bool *installed)
{
	if (*installed)
		pf->install_config_table(pf->ctx, &linux_tpm_event_log_guid, NULL);
	*installed = false;
}
