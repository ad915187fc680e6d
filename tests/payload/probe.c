/* SPDX-License-Identifier: BSD-2-Clause */
/* The MMU-on probe payload: entered by kaslboot as docs/protocol.md "Entry state" says, it
 * checks every promise of the protocol from the inside and prints one machine-readable
 * line, then powers the machine off:
 *
 *   PROBE: result=pass|fail el=N virt=0x.. phys=0x.. linear=0x.. checks=P/T failed=a,b
 *
 * Lines starting "probe: " before it give the detail of each failure. Any exception
 * prints "PROBE: exception ..." instead (see start.S). */
#include <stdbool.h>
#include <stdint.h>

#include <kaslboot/protocol.h>

#include "probe_console.h"
#include "probe_fdt.h"
#include "probe_hw.h"
#include "probe_lib.h"
#include "probe_walk.h"

#define HIDDEN __attribute__((visibility("hidden")))

/* The kaslboot,* /chosen properties, the layout version and the alignments and sizes
 * checked below are the protocol's (include/kaslboot/protocol.h). */
/* The EFI memory map handoff (Linux's names, drivers/firmware/efi/fdtparams.c). */
#define CHOSEN_MMAP_START "linux,uefi-mmap-start"
#define CHOSEN_MMAP_SIZE "linux,uefi-mmap-size"
#define CHOSEN_MMAP_DESC_SIZE "linux,uefi-mmap-desc-size"

#define T1SZ_48BIT (64ull - KASLBOOT_VA_BITS) /* TCR_EL1.T1SZ for the protocol's high half */
#define CURRENTEL_EL_SHIFT 2           /* CurrentEL.EL, bits[3:2] */
#define DAIF_ALL (0xfull << 6)         /* PSTATE.{D,A,I,F} as read from DAIF, bits[9:6] */
#define SCTLR_M (1ull << 0)            /* SCTLR_EL1 (Arm ARM D19.2): MMU on */
#define SCTLR_C (1ull << 2)            /* data cacheable */
#define SCTLR_I (1ull << 12)           /* instruction cacheable */
#define SCTLR_EE (1ull << 25)          /* big-endian data: must be clear */
#define TCR_T1SZ_SHIFT 16
#define TCR_T1SZ_MASK 0x3full
#define TCR_TG1_SHIFT 30
#define TCR_TG1_4K 2ull

/* EFI_MEMORY_DESCRIPTOR (UEFI 2.10 7.2): Type u32 at 0, PhysicalStart at 8,
 * NumberOfPages at 24, Attribute at 32; EFI_MEMORY_WB = 0x8. */
#define EFI_DESC_TYPE 0
#define EFI_DESC_PHYS 8
#define EFI_DESC_PAGES 24
#define EFI_DESC_ATTR 32
#define EFI_DESC_MIN_SIZE 40
#define EFI_PAGE_SIZE 4096ull /* NumberOfPages counts 4 KiB pages, whatever the granule */
#define EFI_MEMORY_WB 0x8ull
#define EFI_LOADER_CODE 1
#define EFI_LOADER_DATA 2
#define EFI_BOOT_SERVICES_CODE 3
#define EFI_BOOT_SERVICES_DATA 4
#define EFI_CONVENTIONAL_MEMORY 7
#define EFI_ACPI_RECLAIM_MEMORY 9
#define EFI_PERSISTENT_MEMORY 14

/* Bounds on what the probe will walk, so a corrupt map cannot keep it busy forever. */
#define MAX_MMAP_BYTES (1ull << 20)
#define MAX_PATH 256

extern char __image_start[] HIDDEN, __rodata_start[] HIDDEN, __data_start[] HIDDEN,
	__image_end[] HIDDEN;

/* Relocated pointers: one in the read-only segment (.data.rel.ro), one in data. If the
 * loader skipped or mis-applied a relocation they do not point at themselves. */
static const void *const reloc_self_ro = &reloc_self_ro;
static const void *reloc_self_rw = &reloc_self_rw;
/* Read through volatile so GCC cannot fold the comparison with the known initializer. */
#define READ_ONCE_PTR(x) ((uint64_t)*(const void *const volatile *)&(x))

struct layout {
	uint64_t version, image_phys, image_virt, image_size, linear, fixmap_base, fixmap_size,
		uart_virt, stack_top, stack_size, idmap_base, idmap_size;
};

static struct layout lay;
static enum psci_conduit conduit;
static struct line failed_names;
static unsigned checks_total, checks_failed;
static bool in_exception;

static void power_off(void)
{
	psci_system_off(conduit);
	for (;;)
		__asm__ volatile("wfi");
}

void probe_exception(uint64_t vector, uint64_t esr, uint64_t far, uint64_t elr) HIDDEN;
void probe_exception(uint64_t vector, uint64_t esr, uint64_t far, uint64_t elr)
{
	struct line l = { .n = 0 };

	if (in_exception) /* a fault while reporting one: stop quietly */
		for (;;)
			__asm__ volatile("wfi");
	in_exception = true;
	line_str(&l, "PROBE: exception ESR=");
	line_hex(&l, esr);
	line_str(&l, " FAR=");
	line_hex(&l, far);
	line_str(&l, " ELR=");
	line_hex(&l, elr);
	line_str(&l, " vector=");
	line_dec(&l, vector);
	line_emit(&l);
	power_off();
}

/* One detail line for a failure; returns false so callers can `return fail(...)`. */
static bool fail(const char *check, const char *what, uint64_t value)
{
	struct line l = { .n = 0 };

	line_str(&l, "probe: FAIL ");
	line_str(&l, check);
	line_str(&l, ": ");
	line_str(&l, what);
	line_str(&l, " ");
	line_hex(&l, value);
	line_emit(&l);
	return false;
}

static void record(const char *name, bool ok)
{
	checks_total++;
	if (ok)
		return;
	if (checks_failed++)
		line_str(&failed_names, ",");
	line_str(&failed_names, name);
}

/* What a virtual range must look like. */
struct want {
	bool write, exec, any_write; /* any_write: do not check writability */
	enum walk_memtype memtype;
	bool check_pa;
	uint64_t pa;                 /* PA of the range's first byte, when check_pa */
};

static bool hw_agrees(const char *name, uint64_t va, const struct walk *w, bool any_write)
{
	uint64_t par = at_s1e1r(va), parw;

	if (par & PAR_F)
		return fail(name, "AT S1E1R faults where the tables map, at", va);
	if ((par & PAR_PA_MASK) != (w->pa & ~(KASLBOOT_PAGE_SIZE - 1)))
		return fail(name, "AT S1E1R and the table walk disagree on the PA of", va);
	if (any_write)
		return true;
	parw = at_s1e1w(va);
	if (w->writable && (parw & PAR_F))
		return fail(name, "AT S1E1W faults on a writable mapping at", va);
	if (!w->writable && (!(parw & PAR_F) || par_fault_kind(parw) != FSC_PERMISSION))
		return fail(name, "AT S1E1W gives no permission fault on a read-only mapping at", va);
	return true;
}

/* Every leaf mapping of [va, va + size) through TTBR1 is checked against *want with the
 * software walk and cross-checked with AT; steps by whole blocks so a large linear map
 * costs one check per block. */
static bool check_range(const char *name, uint64_t va, uint64_t size, const struct want *want)
{
	uint64_t start = va, end = va + size;

	if (end < va)
		return fail(name, "range wraps at", va);
	while (va < end) {
		struct walk w;

		walk_ttbr1(va, lay.linear, &w);
		if (w.error)
			return fail(name, w.error, va);
		if (!w.mapped)
			return fail(name, "not mapped at", va);
		if (!w.af)
			return fail(name, "access flag clear at", va);
		if (!want->any_write && w.writable != want->write)
			return fail(name, want->write ? "not writable at" : "writable at", va);
		if (w.executable != want->exec)
			return fail(name, want->exec ? "not executable at" : "executable at", va);
		if (w.memtype != want->memtype)
			return fail(name, "wrong memory type (MAIR attribute) at", va);
		if (want->check_pa && w.pa != want->pa + (va - start))
			return fail(name, "maps to the wrong physical address at", va);
		if (!hw_agrees(name, va, &w, want->any_write))
			return false;
		if (w.leaf_va + w.leaf_size < va) /* the last leaf of the address space */
			break;
		va = w.leaf_va + w.leaf_size;
	}
	return true;
}

static bool get_layout(const struct pfdt *dt, int chosen)
{
	static const struct { const char *name; uint64_t *dst; } props[] = {
		{ KASLBOOT_CHOSEN_LAYOUT_VERSION, &lay.version },
		{ KASLBOOT_CHOSEN_IMAGE_PHYS_BASE, &lay.image_phys },
		{ KASLBOOT_CHOSEN_IMAGE_VIRT_BASE, &lay.image_virt },
		{ KASLBOOT_CHOSEN_IMAGE_SIZE, &lay.image_size },
		{ KASLBOOT_CHOSEN_LINEAR_MAP_OFFSET, &lay.linear },
		{ KASLBOOT_CHOSEN_FIXMAP_BASE, &lay.fixmap_base },
		{ KASLBOOT_CHOSEN_FIXMAP_SIZE, &lay.fixmap_size },
		{ KASLBOOT_CHOSEN_UART_VIRT_BASE, &lay.uart_virt },
		{ KASLBOOT_CHOSEN_STACK_TOP, &lay.stack_top },
		{ KASLBOOT_CHOSEN_STACK_SIZE, &lay.stack_size },
		{ KASLBOOT_CHOSEN_IDMAP_BASE, &lay.idmap_base },
		{ KASLBOOT_CHOSEN_IDMAP_SIZE, &lay.idmap_size },
	};
	bool ok = true;

	for (unsigned i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		uint32_t len = 0;
		const void *p = pfdt_prop(dt, chosen, props[i].name, &len);

		if (p && len == KASLBOOT_CHOSEN_VALUE_SIZE)
			*props[i].dst = pfdt_be64(p);
		else
			ok = false; /* reported once the console works, if it does */
	}
	return ok;
}

static bool is_pl011(const struct pfdt *dt, int node)
{
	static const char want[] = "arm,pl011";
	uint32_t len = 0, i = 0;
	const char *c = pfdt_prop(dt, node, "compatible", &len);

	while (c && i < len) { /* a stringlist: NUL-separated strings */
		uint32_t n = 0;

		while (i + n < len && c[i + n])
			n++;
		if (n == sizeof(want) - 1 && probe_memeq(c + i, want, n))
			return true;
		i += n + 1;
	}
	return false;
}

/* The physical address of the console UART named by /chosen/stdout-path (a path or an
 * alias, optionally ":options"), which must be a PL011. */
static bool stdout_uart_pa(const struct pfdt *dt, int chosen, uint64_t *pa)
{
	uint32_t len = 0, plen = 0;
	const char *path = pfdt_prop(dt, chosen, "stdout-path", &len);
	size_t n = 0, parent_len;
	uint64_t acells = 2, scells = 1; /* DTSpec 2.3.5 defaults */
	const uint8_t *reg;
	int node, parent;

	if (!path)
		return fail("uart", "no /chosen/stdout-path", 0);
	while (n < len && path[n] && path[n] != ':')
		n++;
	if (n && path[0] != '/') { /* an alias: /aliases/<name> holds the path */
		char alias[MAX_PATH];
		int aliases = pfdt_node(dt, "/aliases", 8);

		if (n >= sizeof(alias))
			return fail("uart", "stdout-path alias too long", n);
		memcpy(alias, path, n);
		alias[n] = 0;
		path = pfdt_prop(dt, aliases, alias, &len);
		if (!path)
			return fail("uart", "stdout-path alias not in /aliases", 0);
		n = 0;
		while (n < len && path[n])
			n++;
	}
	node = pfdt_node(dt, path, n);
	if (node < 0)
		return fail("uart", "stdout-path node not found", 0);
	if (!is_pl011(dt, node))
		return fail("uart", "stdout-path node is not arm,pl011", 0);
	parent_len = n;
	while (parent_len > 1 && path[parent_len - 1] != '/')
		parent_len--;
	if (parent_len > 1)
		parent_len--; /* drop the '/' unless the parent is the root */
	parent = pfdt_node(dt, path, parent_len);
	pfdt_prop_uint(dt, parent, "#address-cells", &acells);
	pfdt_prop_uint(dt, parent, "#size-cells", &scells);
	reg = pfdt_prop(dt, node, "reg", &plen);
	if (!reg || (acells != 1 && acells != 2) || plen < 4 * (acells + scells))
		return fail("uart", "bad reg on the stdout-path node, length", plen);
	*pa = acells == 2 ? pfdt_be64(reg) : pfdt_be32(reg);
	return true;
}

static enum psci_conduit find_conduit(const struct pfdt *dt)
{
	uint32_t len = 0;
	const char *m = pfdt_prop(dt, pfdt_node(dt, "/psci", 5), "method", &len);

	if (m && len >= 4 && probe_memeq(m, "hvc", 4))
		return PSCI_HVC;
	if (m && len >= 4 && probe_memeq(m, "smc", 4))
		return PSCI_SMC;
	return PSCI_NONE;
}

/* RAM as the protocol defines it (= mm_memmap_is_ram, the types Linux's efi-init.c
 * treats as usable System RAM), when the descriptor is EFI_MEMORY_WB. */
static bool is_ram_type(uint32_t type)
{
	return type == EFI_LOADER_CODE || type == EFI_LOADER_DATA ||
	       type == EFI_BOOT_SERVICES_CODE || type == EFI_BOOT_SERVICES_DATA ||
	       type == EFI_CONVENTIONAL_MEMORY || type == EFI_ACPI_RECLAIM_MEMORY ||
	       type == EFI_PERSISTENT_MEMORY;
}

/* The linear map: every WB RAM range of the EFI memory map at PA + offset, never
 * executable, writable except the aliases of the payload's text and rodata (read-only or
 * absent there). */
static bool check_linear(const struct pfdt *dt, int chosen)
{
	uint64_t start, size, desc_size, ro_lo = lay.image_phys,
		 ro_hi = lay.image_phys + (uint64_t)(__data_start - __image_start);
	const uint8_t *map;
	unsigned ranges = 0;

	if (!pfdt_prop_uint(dt, chosen, CHOSEN_MMAP_START, &start) ||
	    !pfdt_prop_uint(dt, chosen, CHOSEN_MMAP_SIZE, &size) ||
	    !pfdt_prop_uint(dt, chosen, CHOSEN_MMAP_DESC_SIZE, &desc_size))
		return fail("linear", "missing linux,uefi-mmap-* in /chosen", 0);
	if (desc_size < EFI_DESC_MIN_SIZE || size > MAX_MMAP_BYTES || desc_size > size)
		return fail("linear", "implausible EFI memory map size / descriptor size", size);
	map = (const uint8_t *)(start + lay.linear);
	{
		struct want w = { .write = true, .memtype = MEM_NORMAL_WB, .check_pa = true, .pa = start };
		if (!check_range("linear", start + lay.linear, size, &w))
			return fail("linear", "EFI memory map not readable through the linear map at PA", start);
	}
	for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
		const uint8_t *d = map + off;
		uint32_t type;
		uint64_t pa, pages, attr, end;

		memcpy(&type, d + EFI_DESC_TYPE, sizeof(type));
		memcpy(&pa, d + EFI_DESC_PHYS, sizeof(pa));
		memcpy(&pages, d + EFI_DESC_PAGES, sizeof(pages));
		memcpy(&attr, d + EFI_DESC_ATTR, sizeof(attr));
		if (!is_ram_type(type) || !(attr & EFI_MEMORY_WB) || !pages)
			continue;
		ranges++;
		end = pa + pages * EFI_PAGE_SIZE;
		/* Split around the read-only alias of the image's text+rodata. */
		for (uint64_t p = pa; p < end;) {
			bool in_ro = p >= ro_lo && p < ro_hi;
			uint64_t stop = in_ro ? (end < ro_hi ? end : ro_hi)
					      : (p < ro_lo && ro_lo < end ? ro_lo : end);

			if (in_ro) {
				/* Absent or read-only, never writable or executable. */
				for (uint64_t q = p; q < stop; q += KASLBOOT_PAGE_SIZE) {
					struct walk w;

					walk_ttbr1(q + lay.linear, lay.linear, &w);
					if (w.mapped && (w.writable || w.executable))
						return fail("linear", "writable or executable alias of the image text at PA", q);
					if (!(at_s1e1w(q + lay.linear) & PAR_F))
						return fail("linear", "AT S1E1W succeeds on the text alias at PA", q);
				}
			} else {
				struct want w = { .write = true, .memtype = MEM_NORMAL_WB, .check_pa = true, .pa = p };

				if (!check_range("linear", p + lay.linear, stop - p, &w))
					return false;
			}
			p = stop;
		}
	}
	if (!ranges)
		return fail("linear", "no RAM ranges in the EFI memory map", 0);
	return true;
}

static bool check_stack(uint64_t entry_sp)
{
	struct want rw = { .write = true, .memtype = MEM_NORMAL_WB };
	uint64_t guard = lay.stack_top - lay.stack_size - KASLBOOT_GUARD_SIZE, par;
	struct walk w;

	if (entry_sp != lay.stack_top || entry_sp % KASLBOOT_STACK_ALIGN)
		return fail("stack", "entry SP is not the 16-byte aligned kaslboot,stack-top; SP", entry_sp);
	if (lay.stack_size < KASLBOOT_STACK_SIZE_MIN || lay.stack_size % KASLBOOT_PAGE_SIZE)
		return fail("stack", "stack-size is not a multiple of 4 KiB >= 64 KiB:", lay.stack_size);
	if (!check_range("stack", lay.stack_top - lay.stack_size, lay.stack_size, &rw))
		return false;
	par = at_s1e1r(guard);
	walk_ttbr1(guard, lay.linear, &w);
	if (!(par & PAR_F) || par_fault_kind(par) != FSC_TRANSLATION || w.mapped)
		return fail("stack", "the guard page below the stack is mapped at", guard);
	return true;
}

static bool check_image(void)
{
	uint64_t base = (uint64_t)__image_start;
	uint64_t text = (uint64_t)(__rodata_start - __image_start);
	uint64_t ro_end = (uint64_t)(__data_start - __image_start);
	uint64_t end = (uint64_t)(__image_end - __image_start);
	struct want rx = { .exec = true, .memtype = MEM_NORMAL_WB, .check_pa = true, .pa = lay.image_phys };
	struct want ro = { .memtype = MEM_NORMAL_WB, .check_pa = true, .pa = lay.image_phys + text };
	struct want rw = { .write = true, .memtype = MEM_NORMAL_WB, .check_pa = true,
			   .pa = lay.image_phys + ro_end };
	bool ok = true;

	record("text", check_range("text", base, text, &rx));
	record("rodata", check_range("rodata", base + text, ro_end - text, &ro));
	record("data", check_range("data", base + ro_end, end - ro_end, &rw));
	if (lay.image_size < end)
		ok = fail("image", "kaslboot,image-size smaller than the image:", lay.image_size);
	return ok;
}

static bool check_ttbr0(void)
{
	uint64_t par = at_s1e1r(lay.idmap_base);

	if ((par & PAR_F) || (par & PAR_PA_MASK) != (lay.idmap_base & ~(KASLBOOT_PAGE_SIZE - 1)))
		return fail("ttbr0", "the trampoline is not identity mapped at", lay.idmap_base);
	if (lay.image_phys + KASLBOOT_PAGE_SIZE <= lay.idmap_base ||
	    lay.image_phys >= lay.idmap_base + lay.idmap_size) {
		if (!(at_s1e1r(lay.image_phys) & PAR_F))
			return fail("ttbr0", "TTBR0 maps more than the trampoline: the image at PA", lay.image_phys);
	}
	return true;
}

void probe_main(uint64_t dt_va, uint64_t other_regs, uint64_t entry_sp, uint64_t entry_daif) HIDDEN;
void probe_main(uint64_t dt_va, uint64_t other_regs, uint64_t entry_sp, uint64_t entry_daif)
{
	struct pfdt dt;
	struct line l = { .n = 0 };
	uint64_t el = READ_SYSREG(currentel) >> CURRENTEL_EL_SHIFT;
	uint64_t sctlr = READ_SYSREG(sctlr_el1), tcr = READ_SYSREG(tcr_el1), uart_pa = 0;
	uint64_t pc = (uint64_t)__image_start;
	bool layout_ok, uart_ok;
	int chosen;

	/* Without a DT there is no console and no PSCI conduit: nothing to report with. */
	if (at_s1e1r(dt_va) & PAR_F || !pfdt_init(&dt, (const void *)dt_va))
		power_off();
	conduit = find_conduit(&dt);
	chosen = pfdt_node(&dt, "/chosen", 7);
	layout_ok = get_layout(&dt, chosen);
	if (!lay.uart_virt)
		power_off();
	console_set_uart(lay.uart_virt);

	record("el", el == 1 || fail("el", "entered at EL", el));
	record("daif", (entry_daif & DAIF_ALL) == DAIF_ALL || fail("daif", "DAIF not all masked:", entry_daif));
	record("regs", other_regs == 0 || fail("regs", "x1..x30 not all zero: OR =", other_regs));
	record("sctlr", ((sctlr & (SCTLR_M | SCTLR_C | SCTLR_I)) == (SCTLR_M | SCTLR_C | SCTLR_I) &&
			 !(sctlr & SCTLR_EE)) || fail("sctlr", "SCTLR_EL1 M/C/I not set or EE set:", sctlr));
	record("tcr", (((tcr >> TCR_T1SZ_SHIFT) & TCR_T1SZ_MASK) == T1SZ_48BIT &&
		       ((tcr >> TCR_TG1_SHIFT) & 3) == TCR_TG1_4K) ||
			      fail("tcr", "TTBR1 half is not 48-bit/4 KiB: TCR_EL1", tcr));
	record("layout", (layout_ok && lay.version == KASLBOOT_LAYOUT_VERSION &&
			  !(lay.image_phys % KASLBOOT_IMAGE_ALIGN) &&
			  !(lay.image_virt % KASLBOOT_IMAGE_ALIGN)) ||
				 fail("layout", "kaslboot,* /chosen properties missing, wrong version or "
					  "image base not 2 MiB aligned; version", lay.version));
	record("pc", pc == lay.image_virt || fail("pc", "running at a base other than image-virt-base:", pc));
	record("reloc", (READ_ONCE_PTR(reloc_self_ro) == (uint64_t)&reloc_self_ro &&
			 READ_ONCE_PTR(reloc_self_rw) == (uint64_t)&reloc_self_rw) ||
				fail("reloc", "a relocated pointer does not point at itself:",
				     READ_ONCE_PTR(reloc_self_ro)));
	record("image", check_image());
	record("stack", check_stack(entry_sp));
	{
		struct want dtw = { .any_write = true, .memtype = MEM_NORMAL_WB };
		uint64_t dt_page = dt_va & ~(KASLBOOT_PAGE_SIZE - 1);

		record("fixmap", (dt_va >= lay.fixmap_base && dt_va - lay.fixmap_base < lay.fixmap_size &&
				  lay.uart_virt >= lay.fixmap_base &&
				  lay.uart_virt - lay.fixmap_base < lay.fixmap_size &&
				  check_range("fixmap", dt_page, dt_va + dt.size - dt_page, &dtw)) ||
					 fail("fixmap", "DT or UART outside the fixmap; DT at", dt_va));
	}
	record("chosen", chosen >= 0 || fail("chosen", "no /chosen in the DT at", dt_va));
	uart_ok = stdout_uart_pa(&dt, chosen, &uart_pa);
	if (uart_ok) {
		struct want dev = { .write = true, .memtype = MEM_DEVICE, .check_pa = true, .pa = uart_pa };
		uart_ok = check_range("uart", lay.uart_virt, 1, &dev);
	}
	record("uart", uart_ok);
	record("linear", check_linear(&dt, chosen));
	record("ttbr0", check_ttbr0());
	record("psci", conduit != PSCI_NONE || fail("psci", "no /psci method hvc or smc", 0));

	line_str(&l, "PROBE: result=");
	line_str(&l, checks_failed ? "fail" : "pass");
	line_str(&l, " el=");
	line_dec(&l, el);
	line_str(&l, " virt=");
	line_hex(&l, pc);
	line_str(&l, " phys=");
	line_hex(&l, at_s1e1r(pc) & PAR_PA_MASK); /* where the image really is */
	line_str(&l, " linear=");
	line_hex(&l, lay.linear);
	line_str(&l, " checks=");
	line_dec(&l, checks_total - checks_failed);
	line_str(&l, "/");
	line_dec(&l, checks_total);
	line_str(&l, " failed=");
	failed_names.buf[failed_names.n] = 0;
	line_str(&l, failed_names.buf);
	line_emit(&l);
	power_off();
}
