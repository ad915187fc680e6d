/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware of fake_platform.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <openssl/sha.h>
#include <libfdt.h>

#include "fake_platform.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/memmap.h"
#include "loader/measure.h"

struct fake_fw fake;

/* RAM is 2 MiB aligned like real RAM banks, so the kernel's slots are too. */
#define FAKE_RAM_ALIGN (2ULL << 20)
#define FAKE_PAGE 4096ULL

/* Pool memory carved from the fake's RAM (as opposed to host malloc). */
static bool in_ram(const void *p)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)fake.ram;
	return a >= lo && a < lo + fake.ram_size;
}

static uint64_t pages_up(uint64_t bytes)
{
	return (bytes + FAKE_PAGE - 1) & ~(FAKE_PAGE - 1);
}

void fake_fw_init(uint64_t ram_bytes)
{
	fake_fw_free();
	memset(&fake, 0, sizeof(fake));
	fake.mapping_size = ram_bytes + FAKE_RAM_ALIGN;
	fake.mapping = mmap(NULL, fake.mapping_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fake.mapping == MAP_FAILED)
		abort();
	uintptr_t p = ((uintptr_t)fake.mapping + FAKE_RAM_ALIGN - 1) & ~(FAKE_RAM_ALIGN - 1);
	fake.ram = (uint8_t *)p;
	fake.ram_size = ram_bytes;
	fake.rng_next = 1;
}

void fake_fw_free(void)
{
	for (unsigned i = 0; i < fake.nfiles; i++)
		free(fake.files[i].data);
	/* What a booted flow left in pool memory, the firmware reclaims. */
	for (int i = 0; i < fake.pools_live; i++)
		if (!in_ram(fake.pools[i]))
			free(fake.pools[i]);
	if (fake.mapping)
		munmap(fake.mapping, fake.mapping_size);
	memset(&fake, 0, sizeof(fake));
}

void fake_fw_add_file(const char *path, const void *data, size_t len)
{
	struct fake_file *f = &fake.files[fake.nfiles++];
	if (fake.nfiles > FAKE_MAX_FILES)
		abort();
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->data = malloc(len ? len : 1);
	memcpy(f->data, data, len);
	f->len = len;
}

void fake_fw_add_dir(const char *path)
{
	fake_fw_add_file(path, "", 0);
	fake.files[fake.nfiles - 1].is_dir = true;
}

bool fake_fw_add_host_file(const char *path, const char *host_path)
{
	FILE *f = fopen(host_path, "rb");
	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	bool ok = fread(buf, 1, (size_t)n, f) == (size_t)n;
	fclose(f);
	if (ok)
		fake_fw_add_file(path, buf, (size_t)n);
	free(buf);
	return ok;
}

void fake_fw_add_config(const char *loader_conf, const char *entry_a, const char *entry_b)
{
	if (loader_conf)
		fake_fw_add_file("/loader/loader.conf", loader_conf, strlen(loader_conf));
	if (entry_a)
		fake_fw_add_file("/loader/entries/a.conf", entry_a, strlen(entry_a));
	if (entry_b)
		fake_fw_add_file("/loader/entries/b.conf", entry_b, strlen(entry_b));
}

void fake_fw_push_key(enum kb_key_kind kind, uint32_t ch)
{
	if (fake.nkeys == FAKE_MAX_KEYS)
		abort();
	fake.keys[fake.nkeys].kind = kind;
	fake.keys[fake.nkeys].ch = ch;
	fake.nkeys++;
}

void *fake_fw_table(const struct kb_guid *guid)
{
	for (unsigned i = 0; i < fake.ntables; i++)
		if (!memcmp(&fake.tables[i].guid, guid, sizeof(*guid)))
			return fake.tables[i].table;
	return NULL;
}

void fake_fw_push_chars(const char *s)
{
	while (*s)
		fake_fw_push_key(KB_KEY_CHAR, (unsigned char)*s++);
}

const struct fake_var *fake_fw_var(const char *name)
{
	for (unsigned i = 0; i < fake.nvars; i++)
		if (!strcmp(fake.vars[i].name, name))
			return &fake.vars[i];
	return NULL;
}

/* Every operation that can fail counts as one call; the fail_at'th fails. */
static bool inject(const char *op)
{
	if (fake.exited)
		abort();   /* the flow called the firmware after ExitBootServices */
	fake.calls++;
	if (fake.fail_at && fake.calls == fake.fail_at) {
		fake.failed_op = op;
		return true;
	}
	return false;
}

/* ---- memory ------------------------------------------------------------------ */

static int cmp_alloc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The map: RAM as conventional memory, every allocation carved out as loader memory. */
static size_t build_map(struct memmap_entry *out, size_t cap)
{
	uint64_t sorted[FAKE_MAX_ALLOCS][3];
	size_t n = 0;
	uint64_t at = (uint64_t)(uintptr_t)fake.ram, end = at + fake.ram_size;
	for (unsigned i = 0; i < fake.nallocs; i++) {
		sorted[i][0] = fake.allocs[i].base;
		sorted[i][1] = fake.allocs[i].bytes;
		sorted[i][2] = fake.allocs[i].kind;
	}
	qsort(sorted, fake.nallocs, sizeof(sorted[0]), cmp_alloc);
	for (unsigned i = 0; i < fake.nallocs && n + 2 <= cap; i++) {
		if (sorted[i][0] > at)
			out[n++] = (struct memmap_entry){ at, (sorted[i][0] - at) / FAKE_PAGE,
							  MEMMAP_CONVENTIONAL, MEMMAP_ATTR_WB };
		out[n++] = (struct memmap_entry){
			sorted[i][0], sorted[i][1] / FAKE_PAGE,
			sorted[i][2] == KB_MEM_CODE ? MEMMAP_LOADER_CODE :
			sorted[i][2] == KB_MEM_ACPI_RECLAIM ? MEMMAP_ACPI_RECLAIM : MEMMAP_LOADER_DATA,
			MEMMAP_ATTR_WB };
		at = sorted[i][0] + sorted[i][1];
	}
	if (at < end && n < cap)
		out[n++] = (struct memmap_entry){ at, (end - at) / FAKE_PAGE, MEMMAP_CONVENTIONAL,
						  MEMMAP_ATTR_WB };
	return n;
}

static int memmap_get(void *ctx, struct memmap *out)
{
	(void)ctx;
	out->entries = NULL;
	out->count = 0;
	if (inject("memmap_get"))
		return KB_EIO;
	out->entries = calloc(FAKE_MAX_ALLOCS * 2 + 2, sizeof(*out->entries));
	out->count = build_map(out->entries, FAKE_MAX_ALLOCS * 2 + 2);
	fake.memmaps_live++;
	return 0;
}

static void memmap_free(void *ctx, struct memmap *map)
{
	(void)ctx;
	if (map->entries)
		fake.memmaps_live--;
	free(map->entries);
	map->entries = NULL;
	map->count = 0;
}

static bool range_free(uint64_t base, uint64_t bytes)
{
	uint64_t lo = (uint64_t)(uintptr_t)fake.ram;
	if (base < lo || base + bytes > lo + fake.ram_size || base + bytes < base)
		return false;
	for (unsigned i = 0; i < fake.nallocs; i++)
		if (base < fake.allocs[i].base + fake.allocs[i].bytes &&
		    fake.allocs[i].base < base + bytes)
			return false;
	return true;
}

static void track(uint64_t base, uint64_t bytes, enum kb_mem_kind kind)
{
	if (fake.nallocs == FAKE_MAX_ALLOCS)
		abort();
	fake.allocs[fake.nallocs].base = base;
	fake.allocs[fake.nallocs].bytes = bytes;
	fake.allocs[fake.nallocs].kind = kind;
	fake.nallocs++;
}

static int alloc_at(void *ctx, uint64_t base, uint64_t bytes, enum kb_mem_kind kind)
{
	(void)ctx;
	if (inject("alloc_at"))
		return KB_ENOMEM;
	bytes = pages_up(bytes);
	if ((base & (FAKE_PAGE - 1)) || !range_free(base, bytes))
		return KB_ENOMEM;
	track(base, bytes, kind);
	return 0;
}

/* Top-down, as AllocateMaxAddress does in edk2. */
static int find_below(uint64_t bytes, uint64_t max, enum kb_mem_kind kind, uint64_t *base)
{
	bytes = pages_up(bytes);
	uint64_t lo = (uint64_t)(uintptr_t)fake.ram, hi = lo + fake.ram_size;
	if (max && max < hi)
		hi = max & ~(FAKE_PAGE - 1);
	for (uint64_t b = hi - bytes; b >= lo && b < hi; b -= FAKE_PAGE) {
		if (range_free(b, bytes)) {
			track(b, bytes, kind);
			*base = b;
			return 0;
		}
	}
	return KB_ENOMEM;
}

static int alloc_below(void *ctx, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
		       uint64_t *base)
{
	(void)ctx;
	if (inject("alloc_below"))
		return KB_ENOMEM;
	return find_below(bytes, max, kind, base);
}

static void free_pages(void *ctx, uint64_t base, uint64_t bytes)
{
	(void)ctx;
	if (fake.exited)
		abort();
	for (unsigned i = 0; i < fake.nallocs; i++) {
		if (fake.allocs[i].base == base) {
			if (fake.allocs[i].bytes != pages_up(bytes))
				abort();   /* freed with another size than allocated */
			fake.allocs[i] = fake.allocs[--fake.nallocs];
			return;
		}
	}
	abort();   /* freeing what was never allocated */
}

/* Like edk2's pool, a large allocation takes pages of RAM (it shows in the memory map as
 * loader data, so a snapshot taken before it goes stale); small ones come from the host. */
#define FAKE_POOL_PAGES_FROM 65536u

static void *pool_alloc(void *ctx, size_t bytes)
{
	uint64_t base;
	void *p;
	(void)ctx;
	if (inject("pool_alloc"))
		return NULL;
	if (fake.pools_live == FAKE_MAX_POOLS)
		abort();
	if (bytes >= FAKE_POOL_PAGES_FROM) {
		if (find_below(bytes, 0, KB_MEM_DATA, &base))
			return NULL;
		p = (void *)(uintptr_t)base;
	} else {
		p = malloc(bytes);
	}
	fake.pools[fake.pools_live++] = p;
	return p;
}

static void release_pool(void *p)
{
	if (!in_ram(p)) {
		free(p);
		return;
	}
	for (unsigned i = 0; i < fake.nallocs; i++) {
		if (fake.allocs[i].base == (uint64_t)(uintptr_t)p) {
			fake.allocs[i] = fake.allocs[--fake.nallocs];
			return;
		}
	}
	abort();
}

static void pool_free(void *ctx, void *p)
{
	(void)ctx;
	if (!p)
		return;
	for (int i = 0; i < fake.pools_live; i++) {
		if (fake.pools[i] == p) {
			fake.pools[i] = fake.pools[--fake.pools_live];
			release_pool(p);
			return;
		}
	}
	abort();   /* freeing what the pool never gave */
}

/* ---- files ----------------------------------------------------------------------- */

/* BLS paths may or may not start with '/'; the fake stores them with one. */
static struct fake_file *find_file(const char *path)
{
	const char *p = path[0] == '/' ? path + 1 : path;
	for (unsigned i = 0; i < fake.nfiles; i++) {
		const char *f = fake.files[i].path[0] == '/' ? fake.files[i].path + 1 : fake.files[i].path;
		if (!strcmp(f, p))
			return &fake.files[i];
	}
	return NULL;
}

/* A handle is the file's slot; every open and read is counted, and what stays open. */
static int open_found(const char *path, void **fh, uint64_t *size)
{
	struct fake_file *f = find_file(path);
	if (!f)
		return KB_ENOENT;
	if (f->is_dir)
		return KB_EINVAL;
	*fh = f;
	*size = f->len;
	fake.files_open++;
	fake.opens++;
	return 0;
}

static int file_open(void *ctx, const char *path, void **fh, uint64_t *size)
{
	(void)ctx;
	if (inject("file_open"))
		return KB_EIO;
	return open_found(path, fh, size);
}

static int file_read(void *ctx, void *fh, uint64_t offset, void *buf, uint64_t size)
{
	(void)ctx;
	if (inject("file_read"))
		return KB_EIO;
	struct fake_file *f = fh;
	if (fake.read_fails && !strcmp(f->path, fake.read_fails))
		return KB_EIO;
	if (offset > f->len || size > f->len - offset)
		return KB_ECORRUPT;
	memcpy(buf, f->data + offset, size);
	fake.bytes_read += size;
	return 0;
}

static void file_close(void *ctx, void *fh)
{
	(void)ctx;
	if (fake.exited || !fh || fake.files_open <= 0)
		abort();   /* closed after ExitBootServices, or closed twice */
	fake.files_open--;
}

static int dir_list(void *ctx, const char *dir, kb_dir_fn fn, void *arg)
{
	(void)ctx;
	if (inject("dir_list"))
		return KB_EIO;
	const char *d = dir[0] == '/' ? dir + 1 : dir;
	size_t dl = strlen(d);
	bool any = false;
	for (unsigned i = 0; i < fake.nfiles; i++) {
		const char *f = fake.files[i].path[0] == '/' ? fake.files[i].path + 1 : fake.files[i].path;
		if (strncmp(f, d, dl) || f[dl] != '/')
			continue;
		any = true;
		if (!fake.files[i].is_dir && !strchr(f + dl + 1, '/'))
			fn(f + dl + 1, arg);
	}
	return any ? 0 : KB_ENOENT;
}

static int file_write(void *ctx, const char *path, const void *buf, uint64_t size)
{
	(void)ctx;
	if (inject("file_write"))
		return KB_EIO;
	if (fake.writes_fail)
		return KB_EPERM;
	struct fake_file *f = find_file(path);
	fake.writes++;
	if (!f) {
		fake_fw_add_file(path, buf, size);
		return 0;
	}
	free(f->data);
	f->data = malloc(size ? size : 1);
	memcpy(f->data, buf, size);
	f->len = size;
	return 0;
}

/* A read-only ESP refuses the open for writing, as edk2's FAT driver does
 * (EFI_WRITE_PROTECTED), so the caller learns it before anything was written. */
static int file_open_rw(void *ctx, const char *path, void **fh, uint64_t *size)
{
	if (inject("file_open_rw"))
		return KB_EIO;
	(void)ctx;
	if (fake.writes_fail && find_file(path))
		return KB_EPERM;
	return open_found(path, fh, size);
}

/* In place: the file keeps its length; counted, as the flushes it stands for. */
static int file_rewrite(void *ctx, void *fh, const void *buf, uint64_t size)
{
	(void)ctx;
	if (inject("file_rewrite"))
		return KB_EIO;
	struct fake_file *f = fh;
	if (size > f->len)
		abort(); /* not in place: the platform promises no growth */
	memcpy(f->data, buf, size);
	fake.rewrites++;
	return 0;
}

static int file_rename(void *ctx, const char *path, const char *new_name)
{
	(void)ctx;
	if (inject("file_rename"))
		return KB_EIO;
	if (fake.writes_fail)
		return KB_EPERM;
	struct fake_file *f = find_file(path);
	if (!f)
		return KB_ENOENT;
	char *slash = strrchr(f->path, '/');
	size_t dir = slash ? (size_t)(slash - f->path) + 1 : 0;
	if (dir + strlen(new_name) >= sizeof(f->path))
		return KB_EINVAL;
	strcpy(f->path + dir, new_name);
	fake.renames++;
	return 0;
}

/* ---- variables, security, entropy, keys -------------------------------------------- */

static struct fake_var *find_var(const struct kb_guid *g, const char *name)
{
	for (unsigned i = 0; i < fake.nvars; i++)
		if (!memcmp(&fake.vars[i].guid, g, sizeof(*g)) && !strcmp(fake.vars[i].name, name))
			return &fake.vars[i];
	return NULL;
}

static int var_get(void *ctx, const struct kb_guid *guid, const char *name, void *buf,
		   size_t *size, uint32_t *attrs)
{
	(void)ctx;
	if (inject("var_get"))
		return KB_EIO;
	struct fake_var *v = find_var(guid, name);
	if (!v)
		return KB_ENOENT;
	if (attrs)
		*attrs = v->attrs;
	if (*size < v->len) {
		*size = v->len;
		return KB_ENOMEM;
	}
	memcpy(buf, v->data, v->len);
	*size = v->len;
	return 0;
}

static int var_set(void *ctx, const struct kb_guid *guid, const char *name, uint32_t attrs,
		   const void *buf, size_t size)
{
	(void)ctx;
	if (inject("var_set"))
		return KB_EIO;
	if (fake.vars_refuse)
		return KB_EPERM;
	struct fake_var *v = find_var(guid, name);
	if (!size) {
		if (v)
			*v = fake.vars[--fake.nvars];
		return 0;
	}
	if (size > FAKE_VAR_MAX)
		return KB_ENOSPC;
	if (!v) {
		if (fake.nvars == FAKE_MAX_VARS)
			return KB_ENOSPC;
		v = &fake.vars[fake.nvars++];
		v->guid = *guid;
		snprintf(v->name, sizeof(v->name), "%s", name);
	}
	memcpy(v->data, buf, size);
	v->len = size;
	v->attrs = attrs;
	return 0;
}

static struct fake_tpm_event *tpm_extend(unsigned pcr, uint32_t type, const void *data,
					 uint64_t len, const void *event, size_t event_len);

static int verify_image(void *ctx, const void *buf, size_t len, const char *path)
{
	(void)ctx;
	if (inject("verify_image") || fake.verify_refuses ||
	    (fake.verify_refuses_path && !strcmp(path, fake.verify_refuses_path)))
		/* efi/verify.c's line. */
		return log_error_ret(KB_EPERM,
				     "%s: the firmware refused its signature (Secure "
				     "Boot): Security Violation",
				     path);
	if (fake.verify_measures && fake.has_tpm && !fake.tpm_broken) {
		/* EV_EFI_BOOT_SERVICES_APPLICATION; the fake logs the path as event data. */
		struct fake_tpm_event *e = tpm_extend(4, 0x80000003u, buf, len, path, strlen(path));
		e->pe = true;
		e->by_verifier = true;
		snprintf(e->path, sizeof(e->path), "%s", path);
		if (fake.verify_authority) /* EV_EFI_VARIABLE_AUTHORITY: the db entry used */
			tpm_extend(7, 0x800000e0u, "db", 2, "db", 2);
	}
	return 0;
}

static int start_image(void *ctx, const void *buf, size_t len, const char *path,
		       const char *options)
{
	(void)ctx;
	(void)buf;
	(void)len;
	if (inject("start_image"))
		return KB_EIO;
	if (fake.start_refuses || (fake.secure_boot && fake.verify_refuses))
		return log_error_ret(KB_EPERM, "%s: the firmware refused to load it", path);
	fake.started++;
	snprintf(fake.started_path, sizeof(fake.started_path), "%s", path);
	snprintf(fake.started_options, sizeof(fake.started_options), "%s", options);
	return 0;
}

static int rng(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	if (inject("rng"))
		return KB_EIO;
	if (!fake.has_rng)
		return KB_ENOENT;
	fake.rng_calls++;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = fake.rng_next++;
	return 0;
}

static int dt_fixup(void *ctx, void *fdt, size_t *buf_size)
{
	(void)ctx;
	if (inject("dt_fixup"))
		return KB_EIO;
	if (!fake.has_dt_fixup)
		return KB_ENOENT;
	fake.dt_fixup_calls++;
	if (fake.dt_fixup_want > *buf_size) {
		*buf_size = fake.dt_fixup_want;
		return KB_ENOMEM;
	}
	/* As U-Boot: the whole buffer is the tree's to grow into. */
	fdt_set_totalsize(fdt, (uint32_t)*buf_size);
	int node = fdt_add_subnode(fdt, 0, "fake-fixup");
	if (node < 0 || fdt_setprop_string(fdt, node, "by", "fake firmware"))
		return KB_EINVAL;
	return 0;
}

static int read_key(void *ctx, unsigned timeout_ms, struct kb_key *key)
{
	(void)ctx;
	if (inject("read_key"))
		return KB_EIO;
	if (timeout_ms) {
		fake.watchdog_at_wait = fake.watchdog_seconds;
		fake.watchdog_set_at_wait = fake.watchdog_calls > 0;
	}
	if (fake.key_pos < fake.nkeys) {
		/* A queued KB_KEY_TIMEOUT is a wait that found nothing: its time passes. */
		*key = fake.keys[fake.key_pos++];
		if (key->kind == KB_KEY_TIMEOUT)
			fake.clock_ms += timeout_ms;
		return 0;
	}
	if (++fake.idle_waits > FAKE_MAX_IDLE_WAITS)
		abort();   /* waiting for a key the test never queued */
	fake.clock_ms += timeout_ms;
	key->kind = KB_KEY_TIMEOUT;
	key->ch = 0;
	return 0;
}

static int set_watchdog(void *ctx, unsigned seconds)
{
	(void)ctx;
	if (inject("set_watchdog"))
		return KB_EIO;
	fake.watchdog_seconds = seconds;
	if (fake.watchdog_calls < FAKE_WATCHDOG_LOG)
		fake.watchdog_log[fake.watchdog_calls] = seconds;
	fake.watchdog_calls++;
	return 0;
}

static void console_append(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (n > FAKE_CONSOLE_MAX - 1 - *len)
		n = FAKE_CONSOLE_MAX - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = 0;
}

static int console_write(void *ctx, const char *utf8)
{
	(void)ctx;
	if (inject("console_write"))
		return KB_EIO;
	console_append(fake.console, &fake.console_len, utf8);
	console_append(fake.screen, &fake.screen_len, utf8);
	return 0;
}

static int console_clear(void *ctx)
{
	(void)ctx;
	if (inject("console_clear"))
		return KB_EIO;
	fake.console_clears++;
	fake.screen_len = 0;
	fake.screen[0] = 0;
	return 0;
}

static int console_highlight(void *ctx, bool on)
{
	(void)ctx;
	if (inject("console_highlight"))
		return KB_EIO;
	fake.highlighted = on;
	return 0;
}

static int install_config_table(void *ctx, const struct kb_guid *guid, void *table)
{
	(void)ctx;
	if (inject("install_config_table"))
		return KB_ENOMEM;
	for (unsigned i = 0; i < fake.ntables; i++) {
		if (!memcmp(&fake.tables[i].guid, guid, sizeof(*guid))) {
			if (table)
				fake.tables[i].table = table;
			else
				fake.tables[i] = fake.tables[--fake.ntables];
			return 0;
		}
	}
	if (!table)
		return KB_ENOENT;
	if (fake.ntables == FAKE_MAX_TABLES)
		return KB_ENOMEM;
	fake.tables[fake.ntables].guid = *guid;
	fake.tables[fake.ntables].table = table;
	fake.ntables++;
	return 0;
}

static int gop_mode(void *ctx, struct kb_gop_mode *out)
{
	(void)ctx;
	if (inject("gop_mode"))
		return KB_EIO;
	if (!fake.has_gop)
		return KB_ENOENT;
	*out = fake.gop;
	return 0;
}

/* ---- TPM ------------------------------------------------------------------------- */

/* TPM_ALG_SHA1 and TPM_ALG_SHA256 (TPM 2.0 Library, Part 2, TPM_ALG_ID). */
#define FAKE_ALG_SHA1   0x0004
#define FAKE_ALG_SHA256 0x000b
#define FAKE_EV_NO_ACTION 3u
/* EFI_TCG2_FINAL_EVENTS_TABLE: u64 version (1), u64 number of events, the events. */
#define FAKE_FINAL_HEADER 16u

static size_t put_bytes(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return n;
}

static size_t put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return 4;
}

static size_t put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return 2;
}

void fake_fw_add_tpm(void)
{
	uint8_t *l = fake.tpm_log;
	size_t n = 0;
	fake.has_tpm = true;
	fake.tpm_banks = 3;   /* EFI_TCG2_BOOT_HASH_ALG_SHA1 | _SHA256 */
	/* The Spec ID event: a TCG_PCR_EVENT (PCR 0, EV_NO_ACTION, a zero SHA-1 digest) whose
	 * data is TCG_EfiSpecIDEvent announcing SHA-1 and SHA-256. */
	n += put_u32(l + n, 0);
	n += put_u32(l + n, FAKE_EV_NO_ACTION);
	memset(l + n, 0, 20);
	n += 20;
	size_t size_at = n;
	n += 4;
	size_t data = n;
	n += put_bytes(l + n, "Spec ID Event03", 16);
	n += put_u32(l + n, 0);       /* platformClass */
	l[n++] = 0;                   /* specVersionMinor */
	l[n++] = 2;                   /* specVersionMajor */
	l[n++] = 0;                   /* specErrata */
	l[n++] = 2;                   /* uintnSize: 64-bit */
	n += put_u32(l + n, 2);
	n += put_u16(l + n, FAKE_ALG_SHA1);
	n += put_u16(l + n, 20);
	n += put_u16(l + n, FAKE_ALG_SHA256);
	n += put_u16(l + n, 32);
	l[n++] = 0;                   /* vendorInfoSize */
	put_u32(l + size_at, (uint32_t)(n - data));
	fake.tpm_log_len = n;
	fake.tpm_log_last = 0;
	/* The final-events table, empty (version 1). */
	memset(fake.tpm_final, 0, FAKE_FINAL_HEADER);
	fake.tpm_final[0] = 1;
	fake.tpm_final_len = FAKE_FINAL_HEADER;
}

/* A TCG_PCR_EVENT2 with both digests into buf; its size. */
static size_t put_event2(uint8_t *p, unsigned pcr, uint32_t type, const uint8_t sha1[20],
			 const uint8_t sha256[32], const void *event, size_t event_len)
{
	size_t n = 0;
	n += put_u32(p + n, pcr);
	n += put_u32(p + n, type);
	n += put_u32(p + n, 2);
	n += put_u16(p + n, FAKE_ALG_SHA1);
	n += put_bytes(p + n, sha1, 20);
	n += put_u16(p + n, FAKE_ALG_SHA256);
	n += put_bytes(p + n, sha256, 32);
	n += put_u32(p + n, (uint32_t)event_len);
	n += put_bytes(p + n, event, event_len);
	return n;
}

/* Extends both banks and logs the event, in the log and (once the log was asked for) in
 * the final-events table. */
static struct fake_tpm_event *tpm_extend(unsigned pcr, uint32_t type, const void *data,
					 uint64_t len, const void *event, size_t event_len)
{
	uint8_t sha1[20], sha256[32], cat[64];
	if (fake.nevents == FAKE_MAX_EVENTS || event_len > FAKE_EVENT_MAX || pcr >= FAKE_PCRS)
		abort();
	SHA1(data, len, sha1);
	SHA256(data, len, sha256);
	memcpy(cat, fake.pcr_sha1[pcr], 20);
	memcpy(cat + 20, sha1, 20);
	SHA1(cat, 40, fake.pcr_sha1[pcr]);
	memcpy(cat, fake.pcr_sha256[pcr], 32);
	memcpy(cat + 32, sha256, 32);
	SHA256(cat, 64, fake.pcr_sha256[pcr]);

	bool logged = !fake.tpm_log_truncated;
	if (logged) {
		fake.tpm_log_last = fake.tpm_log_len;
		fake.tpm_log_len += put_event2(fake.tpm_log + fake.tpm_log_len, pcr, type, sha1,
					       sha256, event, event_len);
	}
	if (logged && fake.tpm_log_asked) {
		fake.tpm_final_len += put_event2(fake.tpm_final + fake.tpm_final_len, pcr, type,
						 sha1, sha256, event, event_len);
		fake.tpm_final[8]++;   /* NumberOfEvents, low byte: a test logs few */
	}
	struct fake_tpm_event *e = &fake.events[fake.nevents++];
	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->type = type;
	e->data = data;
	e->len = len;
	memcpy(e->sha256, sha256, 32);
	memcpy(e->event, event, event_len);
	e->event_len = event_len;
	e->logged = logged;
	return e;
}

/* What every TPM operation checks first: injection, presence, a broken TPM. */
static int tpm_call(const char *op)
{
	if (inject(op))
		return KB_EIO;
	fake.tpm_calls++;
	if (!fake.has_tpm)
		return KB_ENOENT;
	return fake.tpm_broken ? KB_EIO : 0;
}

static int tpm_measure_call(const char *op)
{
	int rc = tpm_call(op);
	if (rc)
		return rc;
	if (++fake.tpm_measure_calls == fake.tpm_fail_measure)
		return KB_EIO;
	if (fake.tpm_log_full_from && fake.tpm_measure_calls >= fake.tpm_log_full_from)
		fake.tpm_log_truncated = true;
	return 0;
}

static int tpm_active_banks(void *ctx, uint32_t *banks)
{
	(void)ctx;
	*banks = 0;
	int rc = tpm_call("tpm_active_banks");
	if (!rc)
		*banks = fake.tpm_banks;
	return rc;
}

static int tpm_measure(void *ctx, unsigned pcr, uint32_t type, const void *data, uint64_t len,
		       const void *event, size_t event_len)
{
	(void)ctx;
	int rc = tpm_measure_call("tpm_measure");
	if (rc)
		return rc;
	tpm_extend(pcr, type, data, len, event, event_len);
	return fake.tpm_log_truncated ? KB_ENOSPC : 0;
}

static int tpm_measure_pe(void *ctx, unsigned pcr, const void *image, uint64_t len,
			  uint64_t link_base, const char *path)
{
	(void)ctx;
	int rc = tpm_measure_call("tpm_measure_pe");
	if (rc)
		return rc;
	if (fake.tpm_no_pe)
		return KB_EUNSUPP;
	/* The event data a firmware would log (UEFI_IMAGE_LOAD_EVENT) is its business; the
	 * fake logs the path instead. */
	struct fake_tpm_event *e = tpm_extend(pcr, 0x80000003u, image, len, path, strlen(path));
	e->pe = true;
	e->link_base = link_base;
	snprintf(e->path, sizeof(e->path), "%s", path);
	return fake.tpm_log_truncated ? KB_ENOSPC : 0;
}

static int tpm_event_log(void *ctx, struct kb_tpm_log *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	int rc = tpm_call("tpm_event_log");
	if (rc)
		return rc;
	fake.tpm_log_asked = true;
	out->first = fake.tpm_log;
	out->last = fake.tpm_log + fake.tpm_log_last;
	out->crypto_agile = !fake.tpm_log_12;
	out->final_events = fake.tpm_log_12 ? NULL : fake.tpm_final;
	out->truncated = fake.tpm_log_truncated;
	if (fake.tpm_log_12) {
		/* A TCG 1.2 log: the Spec ID event stands alone, a 1.2-format entry. */
		out->last = fake.tpm_log;
	}
	return 0;
}

/* ---- ExitBootServices -------------------------------------------------------------- */

static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, sizeof(v)); }

static int exit_boot_services(void *ctx, kb_exit_hook hook, void *arg, bool vamap,
			      struct kb_exit_map *out)
{
	fake.exit_vamap = vamap;
	struct memmap_entry entries[FAKE_MAX_ALLOCS * 2 + 2];
	uint64_t buf;
	fake.exit_calls++;
	if (inject("exit_boot_services"))
		return KB_EIO;
	if (fake.exit_calls <= fake.exit_refusals)
		return KB_EIO;
	size_t cap = FAKE_MAX_ALLOCS * 2 + 2;
	/* The buffer itself is one more allocation, as in efi/exit.c. */
	if (find_below(cap * FAKE_DESC_SIZE, 0, KB_MEM_DATA, &buf))
		return KB_ENOMEM;
	size_t n = build_map(entries, cap);
	uint8_t *d = (uint8_t *)(uintptr_t)buf;
	memset(d, 0, n * FAKE_DESC_SIZE);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = d + i * FAKE_DESC_SIZE;
		uint32_t type = entries[i].type;
		memcpy(e + UEFI_DESC_OFF_TYPE, &type, sizeof(type));
		put64(e + UEFI_DESC_OFF_PHYS, entries[i].phys);
		put64(e + UEFI_DESC_OFF_PAGES, entries[i].pages);
		put64(e + UEFI_DESC_OFF_ATTR, entries[i].attr);
	}
	*out = (struct kb_exit_map){ .buf = buf, .size = n * FAKE_DESC_SIZE,
				     .desc_size = FAKE_DESC_SIZE, .desc_ver = 1 };
	if (hook && hook(arg, out)) {
		free_pages(ctx, buf, cap * FAKE_DESC_SIZE);
		return KB_EINVAL;
	}
	fake.exit_map = *out;
	fake.exited = true;
	return 0;
}

const struct kb_platform fake_platform = {
	.ctx = NULL,
	.memmap_get = memmap_get,
	.memmap_free = memmap_free,
	.alloc_at = alloc_at,
	.alloc_below = alloc_below,
	.free_pages = free_pages,
	.pool_alloc = pool_alloc,
	.pool_free = pool_free,
	.file_open = file_open,
	.file_read = file_read,
	.file_close = file_close,
	.dir_list = dir_list,
	.file_write = file_write,
	.file_rename = file_rename,
	.file_open_rw = file_open_rw,
	.file_rewrite = file_rewrite,
	.var_get = var_get,
	.var_set = var_set,
	.verify_image = verify_image,
	.rng = rng,
	.dt_fixup = dt_fixup,
	.read_key = read_key,
	.set_watchdog = set_watchdog,
	.console_write = console_write,
	.console_clear = console_clear,
	.console_highlight = console_highlight,
	.gop_mode = gop_mode,
	.tpm_active_banks = tpm_active_banks,
	.tpm_measure = tpm_measure,
	.tpm_measure_pe = tpm_measure_pe,
	.tpm_event_log = tpm_event_log,
	.install_config_table = install_config_table,
	.start_image = start_image,
	.exit_boot_services = exit_boot_services,
};

void fake_fw_init_measuring(void)
{
	fake_fw_init(16ULL << 20);
	fake_fw_add_tpm();
	measure_begin(&fake_platform);
	fake.nevents = 0;
}
