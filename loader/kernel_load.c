/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/kernel_load.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "loader/file_load.h"
#include "formats/gzip.h"
#include "formats/image_pe.h"
#include "loader/kaslr.h"
#include "loader/kaslr_claim.h"
#include "loader/measure.h"
#include "loader/phase_time.h"
#include "formats/zboot.h"

/* A compressed kernel file is held in memory while it is inflated; Debian's is ~10 MiB. */
#define COMPRESSED_KERNEL_MAX (512ULL << 20)

static uint8_t gzip_arena_mem[GZIP_ARENA_SIZE] __attribute__((aligned(16)));

/* The slot: at the kernel's own alignment (image_placement_align), random unless the
 * header's flags bit 3 is clear, which asks for the lowest one ("as close as possible to
 * the base of DRAM", booting.rst). */
static int claim_slot(const struct kb_platform *pf, const char *path,
		      const struct image_info *info, const void *head, size_t head_len,
		      bool random, struct drbg *rng, struct kb_allocs *allocs,
		      struct loaded_kernel *out)
{
	/* The map as it is now: a compressed file was just allocated, and a slot drawn from an
	 * older snapshot could already be taken (and its count would be a lie). */
	struct memmap map;
	int rc = pf->memmap_get(pf->ctx, &map);
	if (rc)
		return rc;
	out->align = image_placement_align(info, image_pe_is_efi_stub(head, head_len));
	struct kaslr_request req = {
		.align = out->align,
		.offset = info->text_offset,
		.size = info->image_size,
		.max_addr = BOOT_IMAGE_PHYS_LIMIT,
	};
	struct kb_claim claim = { allocs, KB_MEM_CODE };
	rc = kaslr_claim(&map, &req, random && info->phys_anywhere, rng, KASLR_CLAIM_ATTEMPTS,
			 kb_claim, &claim, path, &out->base, &out->nslots);
	pf->memmap_free(pf->ctx, &map);
	if (rc == KB_ENOSPC)
		log_error("%s: no free %lu %s-aligned slot holds its %lu MiB", path,
			  (unsigned long)(out->align >= (1u << 20) ? out->align >> 20 : out->align >> 10),
			  out->align >= (1u << 20) ? "MiB" : "KiB",
			  (unsigned long)(info->image_size >> 20));
	if (rc)
		return rc;
	out->image = out->base + info->text_offset;
	return 0;
}

/* Secure Boot: the platform checks the signed PE in buf (exactly what will run).
 * *measured: the verifier put it into PCR 4 itself (loader/measure.h). */
static int verify(const struct kb_platform *pf, bool secure_boot, const void *buf, uint64_t len,
		  const char *path, bool *measured)
{
	struct measure_mark mark;
	*measured = false;
	if (!secure_boot)
		return 0;
	phase_enter(PHASE_VERIFY);
	measure_verify_begin(pf, &mark);
	int rc = pf->verify_image(pf->ctx, buf, (size_t)len, path);
	if (!rc)
		*measured = measure_verify_end(pf, &mark, path);
	phase_enter(PHASE_PLACE);
	return rc;
}

/* The file's first head_len bytes are in hdr already: they are copied to dst and the rest
 * is read straight after them, so no byte of the file is read twice. */
static int read_rest(const struct kb_platform *pf, void *fh, const uint8_t *hdr,
		     size_t head_len, uint8_t *dst, uint64_t size)
{
	memcpy(dst, hdr, head_len);
	if (size == head_len)
		return 0;
	phase_enter(PHASE_KERNEL_READ);
	int rc = pf->file_read(pf->ctx, fh, head_len, dst + head_len, size - head_len);
	phase_enter(PHASE_PLACE);
	return rc;
}

/* A gzip or zboot kernel: the whole file in pool memory, inflated into its slot. */
static int load_compressed(const struct kb_platform *pf, bool secure_boot, const char *path,
			   void *fh, uint64_t len, const uint8_t *file_hdr, size_t file_head_len,
			   bool random, struct drbg *rng, struct kb_allocs *allocs,
			   struct loaded_kernel *out)
{
	struct gzip_arena arena;
	static uint8_t hdr[IMAGE_PE_PROBE_LEN];
	int rc;
	if (out->format == KERNEL_FMT_GZIP && secure_boot)
		return log_error_ret(
			KB_EPERM,
			"%s: a gzip kernel carries no signature: refused under Secure Boot "
			"(use the signed Image or an EFI zboot image)",
			path);
	if (len > COMPRESSED_KERNEL_MAX)
		return log_error_ret(KB_ERANGE,
				     "%s: %lu bytes, more than the %lu this file may have", path,
				     (unsigned long)len, (unsigned long)COMPRESSED_KERNEL_MAX);
	uint8_t *file = pf->pool_alloc(pf->ctx, (size_t)len);
	if (!file)
		return log_error_ret(KB_ENOMEM, "%s: no memory for %lu bytes", path,
				     (unsigned long)len);
	rc = read_rest(pf, fh, file_hdr, file_head_len, file, len);
	if (rc)
		goto done;
	/* The zboot PE is what is signed: check it before trusting its payload. */
	bool measured = false;
	if (out->format == KERNEL_FMT_ZBOOT) {
		rc = verify(pf, secure_boot, file, len, path, &measured);
		if (rc)
			goto done;
	}
	/* The file as read from the ESP (a zboot PE as LoadImage would measure it, unless
	 * the verifier just did), before the Image inflated from it is measured too
	 * (loader/boot_linux.c): two PCR 4 events, as a 6.1 zboot kernel started by the
	 * firmware leaves (its LoadImage, then the zboot stub's LoadImage of the Image). */
	if (!measured)
		measure_kernel(pf, path, file, len);
	const uint8_t *gz = file;
	uint64_t gz_len = len;
	if (out->format == KERNEL_FMT_ZBOOT) {
		struct zboot_info z;
		rc = zboot_parse(file, len, &z, path);
		if (rc)
			goto done;
		gz = z.payload;
		gz_len = z.payload_size;
	}
	/* One pass over the stream, straight into the slot: the trailer's ISIZE is never
	 * trusted as a length (a cut or padded file lies there). The 64-byte header says how
	 * big the slot is; the first page (PE header: EFI stub or not, sections) decides the
	 * alignment and is checked against what really inflated. */
	gzip_arena_init(&arena, gzip_arena_mem, sizeof(gzip_arena_mem));
	rc = gzip_peek(gz, gz_len, hdr, IMAGE_HEADER_SIZE, &arena, path);
	if (rc)
		goto done;
	rc = image_header_validate(hdr, IMAGE_HEADER_SIZE, &out->info, path);
	if (rc)
		goto done;
	size_t head_len = out->info.image_size < sizeof(hdr) ? IMAGE_HEADER_SIZE : sizeof(hdr);
	if (head_len > IMAGE_HEADER_SIZE) {
		gzip_arena_init(&arena, gzip_arena_mem, sizeof(gzip_arena_mem));
		rc = gzip_peek(gz, gz_len, hdr, head_len, &arena, path);
		if (rc)
			goto done;
	}
	rc = claim_slot(pf, path, &out->info, hdr, head_len, random, rng, allocs, out);
	if (rc)
		goto done;
	size_t produced = 0;
	gzip_arena_init(&arena, gzip_arena_mem, sizeof(gzip_arena_mem));
	phase_enter(PHASE_INFLATE);
	rc = gzip_inflate(gz, gz_len, (void *)(uintptr_t)out->image, out->info.image_size,
			  &produced, &arena, path);
	phase_enter(PHASE_PLACE);
	if (!rc)
		rc = image_pe_check_length(hdr, head_len, produced, path);
	if (rc) {
		kb_free(allocs, out->image);
		goto done;
	}
	out->file_bytes = produced;
done:
	pf->pool_free(pf->ctx, file);
	return rc;
}

/* A plain Image: validated, its slot claimed, then read straight into it. */
static int load_image(const struct kb_platform *pf, bool secure_boot, const char *path,
		      void *fh, uint64_t size, const uint8_t *hdr, size_t head_len,
		      bool random, struct drbg *rng, struct kb_allocs *allocs,
		      struct loaded_kernel *out)
{
	int rc = image_header_validate(hdr, size, &out->info, path);
	if (rc)
		return rc;
	rc = image_pe_check_length(hdr, head_len, size, path);
	if (rc)
		return rc;
	rc = claim_slot(pf, path, &out->info, hdr, head_len, random, rng, allocs, out);
	if (rc)
		return rc;
	rc = read_rest(pf, fh, hdr, head_len, (uint8_t *)(uintptr_t)out->image, size);
	/* Verified where it will run: nothing can change it between check and use. */
	if (!rc)
		rc = verify(pf, secure_boot, (void *)(uintptr_t)out->image, size, path,
			    &out->measured);
	if (rc) {
		kb_free(allocs, out->image);
		return rc;
	}
	out->file_bytes = size;
	return 0;
}

int kernel_load(const struct kb_platform *pf, bool secure_boot, const char *path,
		bool random, struct drbg *rng, struct kb_allocs *allocs, struct loaded_kernel *out)
{
	static uint8_t hdr[IMAGE_PE_PROBE_LEN];
	uint64_t size;
	void *fh;
	int rc;

	memset(out, 0, sizeof(*out));
	phase_enter(PHASE_KERNEL_READ);
	rc = kb_file_open(pf, path, &fh, &size);
	if (rc) {
		phase_enter(PHASE_PLACE);
		return rc;
	}
	size_t head_len = size < sizeof(hdr) ? (size_t)size : sizeof(hdr);
	if (size < IMAGE_HEADER_SIZE) {
		log_error("%s: %lu bytes, too small to be a kernel", path, (unsigned long)size);
		rc = KB_EINVAL;
		goto done;
	}
	rc = pf->file_read(pf->ctx, fh, 0, hdr, head_len);
	phase_enter(PHASE_PLACE);
	if (rc)
		goto done;
	out->format = kernel_format_detect(hdr, head_len);
	switch (out->format) {
	case KERNEL_FMT_IMAGE:
		rc = load_image(pf, secure_boot, path, fh, size, hdr, head_len, random, rng, allocs,
				out);
		break;
	case KERNEL_FMT_GZIP:
	case KERNEL_FMT_ZBOOT:
		rc = load_compressed(pf, secure_boot, path, fh, size, hdr, head_len, random, rng,
				     allocs, out);
		break;
	default:
		log_error("%s: not an arm64 Linux kernel (%s)", path,
			  kernel_format_name(out->format));
		rc = KB_EINVAL;
	}
done:
	phase_enter(PHASE_KERNEL_READ);
	pf->file_close(pf->ctx, fh);
	phase_enter(PHASE_PLACE);
	return rc;
}
