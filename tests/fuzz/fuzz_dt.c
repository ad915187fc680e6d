/* SPDX-License-Identifier: BSD-2-Clause */
/* The device-tree path, as a boot takes it: dt_validate the firmware's (hostile) blob, read
 * its seeds, find the UART and PSCI, wipe its seeds in place, open it into a work buffer,
 * run every /chosen setter, pack it (dt_finish), fill the EFI memory-map placeholders in
 * place, and validate the result again. The input is a header of values (what to set, the
 * work buffer's slack: read_plan() below) followed by the blob, in an 8-aligned block of
 * which dt_validate is told exactly the blob's length.
 * Invariants:
 * - validation refuses with exactly one error line, or accepts a blob that libfdt's full
 *   check accepts, with its reservation block 8-byte and structure block 4-byte aligned;
 * - after dt_refill_seeds (a run that returns to the firmware) every seed in every chosen
 *   node holds the fill's bytes, the blob keeps its size and still validates;
 * - after dt_wipe_seeds no chosen node holds an rng-seed or a kaslr-seed with a non-zero
 *   byte, the blob keeps its size and still validates;
 * - every setter returns 0 or its documented error (KB_ENOMEM when the buffer is full),
 *   and the tree validates after any of them, failed or not;
 * - the finished tree validates, has no /memreserve/ entry, and /chosen holds exactly one
 *   copy of each property set, with the value set (none for a removed one), the placeholder
 *   update in place, and dt_read_seeds() reads back the seeds kaslboot wrote; the UART and
 *   PSCI lookups give what they gave on the firmware's blob. */
#include <libfdt.h>

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/kaslboot_layout.h"
#include "dtb/platform.h"
#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "fuzz.h"
#include "lib/err.h"

#define WHAT "fuzz DT"
#define RNG_MAX 64
#define ARGS_UNIT "console=ttyAMA0 root=/dev/vda2 "

struct plan {
	uint8_t mode;
	uint64_t kaslr_seed;
	size_t rng_len;
	uint8_t rng[RNG_MAX];
	uint64_t initrd_start, initrd_end;
	size_t args_len;
	uint64_t systab;
	int secure_boot;
	size_t slack;
};

static bool is_chosen(const char *name, int len)
{
	return (len == 6 && memcmp(name, "chosen", 6) == 0) ||
	       (len >= 7 && memcmp(name, "chosen@", 7) == 0);
}

/* Copies of the property in the node, and the value of the first. */
static int count_prop(const void *fdt, int node, const char *name, const void **val, int *len)
{
	int prop, n = 0, l;
	const char *pname;
	const void *v;

	fdt_for_each_property_offset(prop, fdt, node) {
		v = fdt_getprop_by_offset(fdt, prop, &pname, &l);
		FUZZ_CHECK(v && pname);
		if (strcmp(pname, name))
			continue;
		if (n++ == 0 && val) {
			*val = v;
			*len = l;
		}
	}
	return n;
}

static bool all_zero(const void *p, int len)
{
	const uint8_t *b = p;

	for (int i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* No seed left in any chosen node but `except` (-1: none spared). */
static void check_no_seeds(const void *fdt, int except)
{
	int node, len, prop, l;
	const char *name, *pname;
	const void *v;

	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, &len);
		if (!name || !is_chosen(name, len) || node == except)
			continue;
		fdt_for_each_property_offset(prop, fdt, node) {
			v = fdt_getprop_by_offset(fdt, prop, &pname, &l);
			FUZZ_CHECK(v && pname);
			FUZZ_CHECKF(strcmp(pname, DT_PROP_RNG_SEED) != 0, "an rng-seed survived in %s", name);
			if (strcmp(pname, DT_PROP_KASLR_SEED) == 0)
				FUZZ_CHECKF(all_zero(v, l), "a kaslr-seed survived in %s", name);
		}
	}
}

#define REFILL_BYTE 0xa5

static void refill_fill(void *arg, void *buf, size_t len)
{
	(void)arg;
	memset(buf, REFILL_BYTE, len);
}

/* Every seed of every chosen node holds the fill's bytes; returns how many there are. */
static unsigned check_refilled(const void *fdt)
{
	int node, len, prop, l;
	const char *name, *pname;
	const uint8_t *v;
	unsigned n = 0;

	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, &len);
		if (!name || !is_chosen(name, len))
			continue;
		fdt_for_each_property_offset(prop, fdt, node) {
			v = fdt_getprop_by_offset(fdt, prop, &pname, &l);
			FUZZ_CHECK(v && pname);
			if ((strcmp(pname, DT_PROP_RNG_SEED) &&
			     strcmp(pname, DT_PROP_KASLR_SEED)) ||
			    l <= 0)
				continue;
			for (int i = 0; i < l; i++)
				FUZZ_CHECKF(v[i] == REFILL_BYTE, "%s in %s not refilled", pname,
					    name);
			n++;
		}
	}
	return n;
}

static void read_plan(struct fuzz_in *in, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = fuzz_u8(in);
	p->kaslr_seed = p->mode & 1 ? 0 : fuzz_u64(in);
	p->rng_len = fuzz_u8(in) % (RNG_MAX + 1);
	for (size_t i = 0; i < p->rng_len; i++)
		p->rng[i] = (uint8_t)(0x80 | (i * 37 + p->mode));
	p->initrd_start = fuzz_u64(in);
	p->initrd_end = p->initrd_start + fuzz_u32(in); /* may wrap: start > end is refused */
	p->args_len = (size_t)fuzz_u16(in) % (DT_CMDLINE_MAX + 64);
	p->systab = fuzz_u64(in);
	p->secure_boot = fuzz_u8(in) % 4; /* 0 is not a valid state */
	p->slack = fuzz_u16(in) % 8192;
}

/* The tree must stay valid through every edit, failed or not. */
static void still_valid(void *work, size_t size)
{
	unsigned mark = fuzz_errors;

	FUZZ_CHECK(dt_validate(work, size, "edited DT") == 0 && fuzz_errors_since(mark) == 0);
}

/* 0 or one of the codes allowed here; a failure logs one error line. */
static bool step_ok(int r, unsigned mark, int allowed1, int allowed2)
{
	if (r == 0) {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		return true;
	}
	FUZZ_CHECKF(r == allowed1 || r == allowed2, "unexpected %d", r);
	FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	return false;
}

static void edit_and_finish(const uint8_t *blob, size_t n, const struct plan *p,
			    const struct dt_uart *uart0, int uart_r, int psci_r,
			    enum dt_psci_conduit psci0)
{
	size_t work_size = ((size_t)fdt_totalsize(blob) + p->slack + 7) & ~(size_t)7;
	uint64_t *work = aligned_alloc(8, work_size);
	char *args = malloc(p->args_len + 1);
	struct dt_kaslboot_layout layout, back;
	struct dt_seeds seeds;
	struct dt_uart uart;
	enum dt_psci_conduit psci;
	bool ok, efi_done = false;
	const void *v;
	size_t final_size;
	unsigned mark;
	int chosen, len, r;

	if (!work || !args)
		abort();
	for (size_t i = 0; i < p->args_len; i++)
		args[i] = ARGS_UNIT[i % (sizeof(ARGS_UNIT) - 1)];
	args[p->args_len] = '\0';

	mark = fuzz_errors;
	ok = step_ok(dt_open(blob, n, WHAT, work, work_size), mark, KB_ENOMEM, KB_ENOMEM);
	if (!ok)
		goto out;
	mark = fuzz_errors;
	FUZZ_CHECK(dt_wipe_seeds(work) == 0 && fuzz_errors_since(mark) == 0);
	check_no_seeds(work, -1);

	mark = fuzz_errors;
	r = dt_set_bootargs(work, args);
	ok = step_ok(r, mark, KB_ENOMEM, KB_ERANGE);
	/* Too long is refused (KB_ENOMEM may come first if /chosen cannot be created). */
	FUZZ_CHECK(r != KB_ERANGE || p->args_len >= DT_CMDLINE_MAX);
	FUZZ_CHECK(r != 0 || p->args_len < DT_CMDLINE_MAX);
	still_valid(work, work_size);
	if (ok) {
		mark = fuzz_errors;
		r = dt_set_initrd(work, p->initrd_start, p->initrd_end);
		ok = step_ok(r, mark, KB_ENOMEM, KB_ERANGE);
		FUZZ_CHECK(r != KB_ERANGE || p->initrd_start > p->initrd_end);
		FUZZ_CHECK(r != 0 || p->initrd_start <= p->initrd_end);
		still_valid(work, work_size);
	}
	if (ok) {
		mark = fuzz_errors;
		ok = step_ok(dt_set_kaslr_seed(work, p->kaslr_seed), mark, KB_ENOMEM, KB_ENOMEM);
		still_valid(work, work_size);
	}
	if (ok) {
		mark = fuzz_errors;
		ok = step_ok(dt_set_rng_seed(work, p->rng, p->rng_len), mark, KB_ENOMEM, KB_ENOMEM);
		still_valid(work, work_size);
	}
	if (ok) {
		mark = fuzz_errors;
		r = dt_set_efi_handoff(work, p->systab, (enum dt_secure_boot)p->secure_boot);
		ok = step_ok(r, mark, KB_ENOMEM, KB_EINVAL);
		/* State 0 is not an efi_secureboot_mode: refused before anything is written. */
		FUZZ_CHECK((r == KB_EINVAL) == (p->secure_boot == 0));
		efi_done = ok;
		still_valid(work, work_size);
		ok = ok || p->secure_boot == 0; /* an invalid state only skips the handoff */
	}
	if (ok && (p->mode & 2)) {
		for (size_t i = 0; i < sizeof(layout) / 8; i++)
			((uint64_t *)&layout)[i] = p->systab * (i + 1) + p->initrd_start;
		mark = fuzz_errors;
		ok = step_ok(dt_set_kaslboot_layout(work, &layout), mark, KB_ENOMEM, KB_ENOMEM);
		if (ok) {
			FUZZ_CHECK(dt_get_kaslboot_layout(work, &back) == 0);
			layout.version = KASLBOOT_LAYOUT_VERSION;
			FUZZ_CHECK(memcmp(&back, &layout, sizeof(back)) == 0);
		}
		still_valid(work, work_size);
	}
	if (!ok)
		goto out;
	mark = fuzz_errors;
	FUZZ_CHECK(dt_delete_memreserve(work) == 0 && fuzz_errors_since(mark) == 0);

	/* Pack, then the in-place update that runs between GetMemoryMap and ExitBootServices. */
	mark = fuzz_errors;
	FUZZ_CHECK(dt_finish(work, &final_size) == 0 && fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(final_size == fdt_totalsize(work) && final_size <= work_size);
	if (efi_done) {
		FUZZ_CHECK(dt_update_efi_mmap(work, p->initrd_end, (uint32_t)p->systab,
					      (uint32_t)(p->systab >> 32), 1) == 0);
		FUZZ_CHECK(fdt_totalsize(work) == final_size);
	}
	mark = fuzz_errors;
	FUZZ_CHECK(dt_validate(work, final_size, "final DT") == 0 && fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(fdt_num_mem_rsv(work) == 0);

	/* Exactly what was set, once. */
	chosen = fdt_path_offset(work, DT_CHOSEN_PATH);
	FUZZ_CHECK(chosen >= 0);
	FUZZ_CHECK(count_prop(work, chosen, DT_PROP_BOOTARGS, &v, &len) == (p->args_len ? 1 : 0));
	if (p->args_len)
		FUZZ_CHECK(len == (int)p->args_len + 1 && memcmp(v, args, (size_t)len) == 0);
	FUZZ_CHECK(count_prop(work, chosen, DT_PROP_KASLR_SEED, &v, &len) == (p->kaslr_seed ? 1 : 0));
	if (p->kaslr_seed)
		FUZZ_CHECK(len == 8 && fdt64_ld((const fdt64_t *)v) == p->kaslr_seed);
	FUZZ_CHECK(count_prop(work, chosen, DT_PROP_RNG_SEED, &v, &len) == (p->rng_len ? 1 : 0));
	if (p->rng_len)
		FUZZ_CHECK(len == (int)p->rng_len && memcmp(v, p->rng, p->rng_len) == 0);
	int initrd = p->initrd_start != p->initrd_end ? 1 : 0;
	FUZZ_CHECK(count_prop(work, chosen, DT_PROP_INITRD_START, &v, &len) == initrd);
	if (initrd)
		FUZZ_CHECK(len == 8 && fdt64_ld((const fdt64_t *)v) == p->initrd_start);
	FUZZ_CHECK(count_prop(work, chosen, DT_PROP_INITRD_END, &v, &len) == initrd);
	if (efi_done) {
		FUZZ_CHECK(count_prop(work, chosen, DT_PROP_UEFI_SYSTAB, &v, &len) >= 1);
		FUZZ_CHECK(len == 8 && fdt64_ld((const fdt64_t *)v) == p->systab);
		FUZZ_CHECK(count_prop(work, chosen, DT_PROP_UEFI_MMAP_START, &v, &len) >= 1);
		FUZZ_CHECK(len == 8 && fdt64_ld((const fdt64_t *)v) == p->initrd_end);
	}
	check_no_seeds(work, chosen);
	mark = fuzz_errors;
	FUZZ_CHECK(dt_read_seeds(work, &seeds) == 0);
	FUZZ_CHECK(seeds.has_kaslr_seed == (p->kaslr_seed != 0) && seeds.kaslr_seed == p->kaslr_seed);
	FUZZ_CHECK(seeds.rng_seed_len == p->rng_len && !memcmp(seeds.rng_seed, p->rng, p->rng_len));

	/* Editing /chosen changes neither the console nor PSCI. */
	r = dt_find_uart(work, &uart);
	FUZZ_CHECK(r == uart_r);
	if (!r)
		FUZZ_CHECK(uart.pa == uart0->pa && uart.size == uart0->size && uart.type == uart0->type);
	r = dt_psci_conduit(work, &psci);
	FUZZ_CHECK(r == psci_r && (r || psci == psci0));
out:
	free(work);
	free(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct plan p;
	struct dt_seeds seeds;
	struct dt_uart uart;
	enum dt_psci_conduit psci = 0;
	uint8_t *blob;
	size_t n;
	unsigned mark;
	int r, uart_r, psci_r;

	fuzz_log_reset();
	read_plan(&in, &p);
	n = in.n;
	blob = aligned_alloc(8, (n + 7) & ~(size_t)7);
	if (!blob)
		abort();
	/* Exactly n readable bytes matter to dt_validate: it is told max_size = n. */
	memcpy(blob, in.p, n);

	mark = fuzz_errors;
	r = dt_validate(blob, n, WHAT);
	if (r) {
		FUZZ_CHECK(r == KB_EINVAL || r == KB_ERANGE || r == KB_EUNSUPP || r == KB_ECORRUPT);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
		goto out;
	}
	FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(fdt_totalsize(blob) <= n && fdt_check_full(blob, n) == 0);
	FUZZ_CHECK(fdt_off_mem_rsvmap(blob) % 8 == 0 && fdt_off_dt_struct(blob) % 4 == 0);

	FUZZ_CHECK(dt_read_seeds(blob, &seeds) == 0);
	FUZZ_CHECK(seeds.rng_seed_len <= DT_RNG_SEED_MAX && seeds.rng_seed_len <= seeds.rng_seed_dt_len);
	FUZZ_CHECK(!seeds.has_kaslr_seed || seeds.kaslr_seed != 0);
	mark = fuzz_errors;
	uart_r = dt_find_uart(blob, &uart);
	FUZZ_CHECK(uart_r == 0 || uart_r == KB_ENOENT || uart_r == KB_EINVAL || uart_r == KB_EUNSUPP);
	FUZZ_CHECK(uart_r ? fuzz_errors_since(mark) == 1 : fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(uart_r || (uart.node > 0 && uart.type <= DT_UART_16550));
	mark = fuzz_errors;
	psci_r = dt_psci_conduit(blob, &psci);
	FUZZ_CHECK(psci_r == 0 || psci_r == KB_ENOENT || psci_r == KB_EINVAL);
	FUZZ_CHECK(psci_r ? fuzz_errors_since(mark) == 1 : fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(psci_r || psci == DT_PSCI_HVC || psci == DT_PSCI_SMC);

	edit_and_finish(blob, n, &p, &uart, uart_r, psci_r, psci);

	/* The firmware's own blob, refilled in place as when kaslboot returns to the firmware,
	 * then wiped in place as when it commits (it stays where the firmware put it). */
	uint32_t total = fdt_totalsize(blob);
	unsigned refilled;
	mark = fuzz_errors;
	FUZZ_CHECK(dt_refill_seeds(blob, refill_fill, NULL, &refilled) == 0 &&
		   fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(fdt_totalsize(blob) == total);
	FUZZ_CHECK(check_refilled(blob) == refilled);
	FUZZ_CHECK(dt_validate(blob, n, WHAT) == 0);
	mark = fuzz_errors;
	FUZZ_CHECK(dt_wipe_seeds(blob) == 0 && fuzz_errors_since(mark) == 0);
	FUZZ_CHECK(fdt_totalsize(blob) == total);
	check_no_seeds(blob, -1);
	FUZZ_CHECK(dt_validate(blob, n, WHAT) == 0);
	FUZZ_CHECK(dt_read_seeds(blob, &seeds) == 0 && !seeds.has_kaslr_seed && !seeds.rng_seed_len);
out:
	free(blob);
	return 0;
}
