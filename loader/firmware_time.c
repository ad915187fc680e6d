/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/firmware_time.h"

#include <stdbool.h>

#include "lib/counter.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "loader/phase_time.h"

static const char *const kind_names[FW_CALL_KINDS] = {
	[FW_MEMORY] = "memory",       [FW_FILE_OPEN] = "file-open", [FW_FILE_READ] = "file-read",
	[FW_DIR_LIST] = "dir-list",   [FW_FILE_WRITE] = "file-write", [FW_VAR_GET] = "var-get",
	[FW_VAR_SET] = "var-set",     [FW_RNG] = "rng",             [FW_VERIFY] = "verify",
	[FW_TPM] = "tpm",             [FW_CONSOLE] = "console",     [FW_OTHER] = "other",
};

static struct {
	const struct kb_platform *inner;
	uint64_t ticks[FW_CALL_KINDS];
	unsigned calls[FW_CALL_KINDS];
	uint64_t log_ticks0;    /* the log's console time and lines when the wrap began */
	unsigned log_lines0;
} ft;

/* kaslboot's own memory: pool, and pages taken outside the phases that place and read the
 * payload (the kernel, initrds, inflated image and DT are the OS's, not the loader's).
 * Each live allocation is remembered to be subtracted when it is given back; beyond
 * OWN_TRACK_MAX live ones the rest go uncounted (the report says so). */
#define OWN_TRACK_MAX 64
static struct {
	struct {
		uint64_t addr, bytes;
	} live[OWN_TRACK_MAX];
	unsigned n;
	uint64_t bytes, peak;
	bool overflow;
} own;

static void own_add(uint64_t addr, uint64_t bytes)
{
	if (own.n == OWN_TRACK_MAX) {
		own.overflow = true;
		return;
	}
	own.live[own.n].addr = addr;
	own.live[own.n++].bytes = bytes;
	own.bytes += bytes;
	if (own.bytes > own.peak)
		own.peak = own.bytes;
}

static void own_remove(uint64_t addr)
{
	for (unsigned i = 0; i < own.n; i++) {
		if (own.live[i].addr != addr)
			continue;
		own.bytes -= own.live[i].bytes;
		own.live[i] = own.live[--own.n];
		return;
	}
}

static bool payload_phase(void)
{
	enum kb_phase p = phase_current();
	return p == PHASE_PLACE || p == PHASE_KERNEL_READ || p == PHASE_INITRD_READ ||
	       p == PHASE_INFLATE || p == PHASE_DT;
}

static void account(enum fw_call_kind kind, uint64_t t0)
{
	ft.ticks[kind] += cpu_counter() - t0;
	ft.calls[kind]++;
}

/* The inner call, timed as `kind`; its result returned as it is. */
#define TIMED(kind, op, ...)                                                              \
	({                                                                                  \
		uint64_t t0_ = cpu_counter();                                               \
		__typeof__(ft.inner->op(ft.inner->ctx, ##__VA_ARGS__)) r_ =                \
			ft.inner->op(ft.inner->ctx, ##__VA_ARGS__);                         \
		account(kind, t0_);                                                         \
		r_;                                                                         \
	})
#define TIMED_VOID(kind, op, ...)                                                         \
	do {                                                                                \
		uint64_t t0_ = cpu_counter();                                               \
		ft.inner->op(ft.inner->ctx, __VA_ARGS__);                                   \
		account(kind, t0_);                                                         \
	} while (0)

static int t_memmap_get(void *c, struct memmap *out) { return TIMED(FW_MEMORY, memmap_get, out); }
static void t_memmap_free(void *c, struct memmap *m) { TIMED_VOID(FW_MEMORY, memmap_free, m); }
static int t_alloc_at(void *c, uint64_t base, uint64_t bytes, enum kb_mem_kind kind)
{
	int r = TIMED(FW_MEMORY, alloc_at, base, bytes, kind);
	if (!r && !payload_phase())
		own_add(base, bytes);
	return r;
}
static int t_alloc_below(void *c, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
			 uint64_t *base)
{
	int r = TIMED(FW_MEMORY, alloc_below, bytes, max, kind, base);
	if (!r && !payload_phase())
		own_add(*base, bytes);
	return r;
}
static void t_free_pages(void *c, uint64_t base, uint64_t bytes)
{
	own_remove(base);
	TIMED_VOID(FW_MEMORY, free_pages, base, bytes);
}
static void *t_pool_alloc(void *c, size_t bytes)
{
	void *p = TIMED(FW_MEMORY, pool_alloc, bytes);
	if (p)
		own_add((uint64_t)(uintptr_t)p, bytes);
	return p;
}
static void t_pool_free(void *c, void *p)
{
	own_remove((uint64_t)(uintptr_t)p);
	TIMED_VOID(FW_MEMORY, pool_free, p);
}
static int t_file_open(void *c, const char *path, void **fh, uint64_t *size)
{
	return TIMED(FW_FILE_OPEN, file_open, path, fh, size);
}
static int t_file_read(void *c, void *fh, uint64_t offset, void *buf, uint64_t size)
{
	return TIMED(FW_FILE_READ, file_read, fh, offset, buf, size);
}
static void t_file_close(void *c, void *fh) { TIMED_VOID(FW_FILE_OPEN, file_close, fh); }
/* A listing calls kaslboot back for each name, and the callback reads the entry (timed
 * calls of their own, and kaslboot's parsing): its time is taken out of the listing's, so
 * that nothing is counted twice and the parsing stays kaslboot's. */
static struct {
	kb_dir_fn fn;
	void *arg;
	uint64_t ticks;
} listing;

static void timed_dir_entry(const char *name, void *arg)
{
	(void)arg;
	uint64_t t0 = cpu_counter();
	listing.fn(name, listing.arg);
	listing.ticks += cpu_counter() - t0;
}

static int t_dir_list(void *c, const char *dir, kb_dir_fn fn, void *arg)
{
	uint64_t t0 = cpu_counter();
	listing.fn = fn;
	listing.arg = arg;
	listing.ticks = 0;
	int r = ft.inner->dir_list(ft.inner->ctx, dir, timed_dir_entry, NULL);
	account(FW_DIR_LIST, t0 + listing.ticks);
	return r;
}
static int t_file_write(void *c, const char *path, const void *buf, uint64_t size)
{
	return TIMED(FW_FILE_WRITE, file_write, path, buf, size);
}
static int t_file_open_rw(void *c, const char *path, void **fh, uint64_t *size)
{
	return TIMED(FW_FILE_OPEN, file_open_rw, path, fh, size);
}
static int t_file_rewrite(void *c, void *fh, const void *buf, uint64_t size)
{
	return TIMED(FW_FILE_WRITE, file_rewrite, fh, buf, size);
}
static int t_file_rename(void *c, const char *path, const char *new_name)
{
	return TIMED(FW_FILE_WRITE, file_rename, path, new_name);
}
static int t_var_get(void *c, const struct kb_guid *guid, const char *name, void *buf,
		     size_t *size, uint32_t *attrs)
{
	return TIMED(FW_VAR_GET, var_get, guid, name, buf, size, attrs);
}
static int t_var_set(void *c, const struct kb_guid *guid, const char *name, uint32_t attrs,
		     const void *buf, size_t size)
{
	return TIMED(FW_VAR_SET, var_set, guid, name, attrs, buf, size);
}
static int t_verify_image(void *c, const void *buf, size_t len, const char *path)
{
	return TIMED(FW_VERIFY, verify_image, buf, len, path);
}
static int t_rng(void *c, void *buf, size_t len) { return TIMED(FW_RNG, rng, buf, len); }
static int t_read_key(void *c, unsigned timeout_ms, struct kb_key *key)
{
	return ft.inner->read_key(ft.inner->ctx, timeout_ms, key);
}
static int t_set_watchdog(void *c, unsigned seconds) { return TIMED(FW_OTHER, set_watchdog, seconds); }
static int t_console_write(void *c, const char *utf8) { return TIMED(FW_CONSOLE, console_write, utf8); }
static int t_console_clear(void *c) { return TIMED(FW_CONSOLE, console_clear); }
static int t_console_highlight(void *c, bool on) { return TIMED(FW_CONSOLE, console_highlight, on); }
static int t_tpm_active_banks(void *c, uint32_t *banks) { return TIMED(FW_TPM, tpm_active_banks, banks); }
static int t_tpm_measure(void *c, unsigned pcr, uint32_t type, const void *data, uint64_t len,
			 const void *event, size_t event_len)
{
	return TIMED(FW_TPM, tpm_measure, pcr, type, data, len, event, event_len);
}
static int t_tpm_measure_pe(void *c, unsigned pcr, const void *image, uint64_t len,
			    uint64_t link_base, const char *path)
{
	return TIMED(FW_TPM, tpm_measure_pe, pcr, image, len, link_base, path);
}
static int t_tpm_event_log(void *c, struct kb_tpm_log *out) { return TIMED(FW_TPM, tpm_event_log, out); }
static int t_dt_fixup(void *c, void *fdt, size_t *buf_size)
{
	return TIMED(FW_OTHER, dt_fixup, fdt, buf_size);
}
static int t_gop_mode(void *c, struct kb_gop_mode *out) { return TIMED(FW_OTHER, gop_mode, out); }
static int t_install_config_table(void *c, const struct kb_guid *guid, void *table)
{
	return TIMED(FW_OTHER, install_config_table, guid, table);
}
/* A program started from an `efi` entry runs until it exits: not charged to the firmware. */
static int t_start_image(void *c, const void *buf, size_t len, const char *path,
			 const char *options)
{
	return ft.inner->start_image(ft.inner->ctx, buf, len, path, options);
}
static int t_exit_boot_services(void *c, kb_exit_hook hook, void *arg, bool vamap,
				struct kb_exit_map *out)
{
	return ft.inner->exit_boot_services(ft.inner->ctx, hook, arg, vamap, out);
}

/* The table as it was laid out, two members a line. */
/* clang-format off */
static const struct kb_platform timed_platform = {
	.memmap_get = t_memmap_get,
	.memmap_free = t_memmap_free,
	.alloc_at = t_alloc_at,
	.alloc_below = t_alloc_below,
	.free_pages = t_free_pages,
	.pool_alloc = t_pool_alloc,
	.pool_free = t_pool_free,
	.file_open = t_file_open,
	.file_read = t_file_read,
	.file_close = t_file_close,
	.dir_list = t_dir_list,
	.file_write = t_file_write,
	.file_rename = t_file_rename,
	.file_open_rw = t_file_open_rw,
	.file_rewrite = t_file_rewrite,
	.var_get = t_var_get,
	.var_set = t_var_set,
	.verify_image = t_verify_image,
	.rng = t_rng,
	.read_key = t_read_key,
	.set_watchdog = t_set_watchdog,
	.console_write = t_console_write,
	.console_clear = t_console_clear,
	.console_highlight = t_console_highlight,
	.tpm_active_banks = t_tpm_active_banks,
	.tpm_measure = t_tpm_measure,
	.tpm_measure_pe = t_tpm_measure_pe,
	.tpm_event_log = t_tpm_event_log,
	.dt_fixup = t_dt_fixup,
	.gop_mode = t_gop_mode,
	.install_config_table = t_install_config_table,
	.start_image = t_start_image,
	.exit_boot_services = t_exit_boot_services,
};
/* clang-format on */

const struct kb_platform *firmware_time_wrap(const struct kb_platform *inner)
{
	for (unsigned i = 0; i < FW_CALL_KINDS; i++) {
		ft.ticks[i] = 0;
		ft.calls[i] = 0;
	}
	ft.inner = inner;
	own.n = 0;
	own.bytes = own.peak = 0;
	own.overflow = false;
	ft.log_ticks0 = log_sink_ticks(&ft.log_lines0);
	return &timed_platform;
}

uint64_t firmware_time_us(enum fw_call_kind kind)
{
	return counter_us(0, ft.ticks[kind]);
}

unsigned firmware_time_calls(enum fw_call_kind kind)
{
	return ft.calls[kind];
}

uint64_t firmware_time_own_peak(bool *all_counted)
{
	if (all_counted)
		*all_counted = !own.overflow;
	return own.peak;
}

void firmware_time_report(void)
{
	char line[400], ms[24], ms2[24];
	size_t n = 0;
	uint64_t fw = 0, phases = 0;
	for (unsigned i = 0; i < FW_CALL_KINDS; i++) {
		if (!ft.calls[i])
			continue;
		uint64_t us = firmware_time_us(i);
		fw += us;
		phase_ms_text(ms, sizeof(ms), us);
		kfmt_append(line, sizeof(line), &n, "%s%s %s (%u)", n ? ", " : "", kind_names[i],
			    ms, ft.calls[i]);
	}
	/* The log's lines go to the firmware's console too, not through the platform: those
	 * printed since the wrap began. */
	unsigned lines;
	uint64_t log_us = counter_us(ft.log_ticks0, log_sink_ticks(&lines));
	lines -= ft.log_lines0;
	if (lines) {
		fw += log_us;
		phase_ms_text(ms, sizeof(ms), log_us);
		kfmt_append(line, sizeof(line), &n, "%slog-lines %s (%u)", n ? ", " : "", ms,
			    lines);
	}
	/* The phases the wrapper sees: from the configuration on (the start runs before the
	 * flow, on the platform itself), but the menu's (a person's wait, read_key untimed)
	 * and the exit, which has only begun. */
	for (unsigned i = PHASE_START + 1; i < PHASE_EXIT; i++)
		if (i != PHASE_MENU)
			phases += phase_us(i);
	phase_ms_text(ms, sizeof(ms), fw);
	phase_ms_text(ms2, sizeof(ms2), phases > fw ? phases - fw : 0);
	log_debug("firmware calls (ms): %s; in the firmware %s, in kaslboot %s; own memory "
		  "peak %lu KiB%s (pool and pages; kernel, initrds, DT left out)",
		  n ? line : "none", ms, ms2, (unsigned long)((own.peak + 1023) / 1024),
		  own.overflow ? " or more" : "");
}
