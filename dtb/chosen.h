/* SPDX-License-Identifier: BSD-2-Clause */
/* The /chosen node: every property kaslboot writes there, what it means and who reads it.
 * docs/protocol.md cites the kaslboot,* list below. All integers are big-endian (DTSpec
 * 2.2.4: a <u32> or <u64> property value is stored big-endian).
 *
 * Linux boot protocol (read by drivers/of/fdt.c early_init_dt_scan_chosen()):
 *   bootargs              string   the kernel command line, NUL-terminated.
 *   linux,initrd-start    u64      physical address of the first initrd byte.
 *   linux,initrd-end      u64      physical address one past the last byte (exclusive).
 *   kaslr-seed            u64      8 random bytes; the kernel derives its virtual offset
 *                                  from it and zeroes the property. Absent = no seed.
 *   rng-seed              bytes    random bytes fed to the kernel's RNG; the kernel
 *                                  replaces the property with NOPs after reading.
 *
 * EFI handoff (read by drivers/firmware/efi/fdtparams.c; values may be 4 or 8 bytes; if
 * linux,uefi-system-table is present and any of the other five is missing, the kernel
 * disables EFI altogether, so they are always written together):
 *   linux,uefi-system-table    u64  physical address of the EFI system table.
 *   linux,uefi-mmap-start      u64  physical address of the final EFI memory map.
 *   linux,uefi-mmap-size       u32  its size in bytes.
 *   linux,uefi-mmap-desc-size  u32  the size of one descriptor (the firmware's stride).
 *   linux,uefi-mmap-desc-ver   u32  EFI_MEMORY_DESCRIPTOR_VERSION (1).
 *   linux,uefi-secure-boot     u32  enum efi_secureboot_mode of include/linux/efi.h:
 *                                   1 unknown, 2 disabled, 3 enabled.
 *
 * kaslboot MMU-on protocol (issue 5; read by the payload through the fixmap; the names
 * are KASLBOOT_CHOSEN_* in include/kaslboot/protocol.h). Each is a u64; virtual addresses
 * are in the TTBR1 (high) half; all are written together by dt_set_kaslboot_layout():
 *   kaslboot,layout-version    the version of this list, KASLBOOT_LAYOUT_VERSION.
 *   kaslboot,image-phys-base   physical address of the image's first byte (2 MiB aligned).
 *   kaslboot,image-virt-base   virtual address the image runs at (2 MiB aligned, random).
 *   kaslboot,image-size        bytes mapped from image-virt-base (all PT_LOAD segments).
 *   kaslboot,linear-map-offset VA - PA of the linear map: RAM at PA p is at p + offset
 *                              (mod 2^64), read-write and never executable.
 *   kaslboot,fixmap-base       virtual address of the fixmap's first byte.
 *   kaslboot,fixmap-size       its size in bytes.
 *   kaslboot,uart-virt-base    the console UART's registers in the fixmap (0: no UART).
 *   kaslboot,stack-top         initial SP (16-byte aligned; the stack grows down from it).
 *   kaslboot,stack-size        usable stack bytes below stack-top; the page below them is
 *                              an unmapped guard page.
 *   kaslboot,idmap-base        physical (= virtual, TTBR0) base of the identity-mapped
 *                              handoff trampoline.
 *   kaslboot,idmap-size        its size in bytes.
 */
#ifndef KASLBOOT_DTB_CHOSEN_H
#define KASLBOOT_DTB_CHOSEN_H

#include <stddef.h>
#include <stdint.h>

#define DT_CHOSEN_PATH "/chosen"

#define DT_PROP_BOOTARGS     "bootargs"
#define DT_PROP_INITRD_START "linux,initrd-start"
#define DT_PROP_INITRD_END   "linux,initrd-end"
#define DT_PROP_KASLR_SEED   "kaslr-seed"
#define DT_PROP_RNG_SEED     "rng-seed"
#define DT_PROP_STDOUT_PATH  "stdout-path"
/* The pre-DTSpec spelling some firmware still writes. */
#define DT_PROP_LINUX_STDOUT_PATH "linux,stdout-path"

/* arm64 COMMAND_LINE_SIZE (arch/arm64/include/uapi/asm/setup.h): the kernel copies at most
 * this many bytes, NUL included, and silently cuts the rest. */
#define DT_CMDLINE_MAX 2048u
/* The kernel reads kaslr-seed as exactly one u64 (arch/arm64/kernel/pi/kaslr_early.c). */
#define DT_KASLR_SEED_SIZE 8u
/* kaslboot's bound on rng-seed (the kernel takes any length): ample for a 256-bit seed. */
#define DT_RNG_SEED_MAX 512u

/* Offset of /chosen, created empty under the root if missing. Returns the node offset
 * (>= 0) or a negative enum kb_err (KB_ENOMEM when the buffer is full). */
int dt_chosen_offset(void *fdt);

/* Every setter below leaves exactly one copy of its property (or none when it removes
 * it): libfdt accepts a firmware /chosen with two properties of one name, and a copy left
 * behind would be what the kernel reads once the first is gone.
 *
 * Replaces the firmware's bootargs with the entry's options (kaslboot owns the command
 * line; the firmware's is never merged in). NULL or "" removes bootargs. Longer than
 * DT_CMDLINE_MAX - 1 characters: KB_ERANGE, since Linux would silently truncate. */
int dt_set_bootargs(void *fdt, const char *cmdline);

/* linux,initrd-start/-end as u64 cells (drivers/of/fdt.c reads 1 or 2 cells), end
 * exclusive. start == end removes both (no initrd); start > end is KB_ERANGE. */
int dt_set_initrd(void *fdt, uint64_t start, uint64_t end);

/* kaslr-seed as 8 big-endian bytes. 0 removes it: the kernel treats a zero seed as none,
 * and removing it makes "no KASLR seed" explicit (nokaslr, kaslr off). */
int dt_set_kaslr_seed(void *fdt, uint64_t seed);

/* rng-seed with len bytes from seed (at most DT_RNG_SEED_MAX). len == 0 removes it. */
int dt_set_rng_seed(void *fdt, const void *seed, size_t len);

/* Deletes every /memreserve/ entry, as the EFI stub's update_fdt() does ("kernel will use
 * the UEFI memory map"): in EFI mode RAM comes from that map, where memory the firmware
 * keeps is typed reserved or runtime, while the kernel would still honour a stale entry
 * (one for a DT copy the firmware no longer uses, say) and lose that memory. Doing what
 * the stub does also means a machine that boots Linux through its stub sees the same
 * reservations under kaslboot. /reserved-memory nodes are kept (the stub keeps them).
 * Returns 0 (the number deleted goes to the debug log) or a negative enum kb_err. */
int dt_delete_memreserve(void *fdt);

#endif
