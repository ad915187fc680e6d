/* SPDX-License-Identifier: BSD-2-Clause */
/* The `devicetree-overlay` path, as a boot takes it (loader/devicetree.c): dt_validate the
 * (hostile) .dtbo file, take its measured parts, apply it with dt_overlay_apply to a base
 * tree opened into a buffer with some free space. The input is one byte (the free space
 * beyond the base, in 64-byte steps) followed by the overlay, in an 8-aligned block of
 * which dt_validate is told exactly the overlay's length. The base is built here: a root
 * with a model and a /leds node with a phandle and a __symbols__ label, so overlays that
 * target a path and overlays that target a label both apply.
 * Invariants:
 * - validation refuses with exactly one error line, or accepts;
 * - the measured parts of an accepted overlay lie inside the bytes it was given;
 * - dt_overlay_apply returns 0 with no line logged and leaves a tree libfdt's full check
 *   accepts, within its buffer, that still has the base's /leds; or it returns an error
 *   with exactly one error line (KB_ENOMEM when the buffer is full). */
#include <libfdt.h>

#include "dtb/buffer.h"
#include "dtb/measured_parts.h"
#include "dtb/overlay.h"
#include "dtb/validate.h"
#include "fuzz.h"
#include "lib/err.h"

#define WHAT       "fuzz overlay"
#define BASE_MAX   4096
#define SLACK_STEP 64

static uint64_t base_buf[BASE_MAX / 8];

/* The base tree, once. */
static const void *base(void)
{
	static bool made;
	void *b = base_buf;
	if (made)
		return b;
	FUZZ_CHECK(fdt_create(b, BASE_MAX) == 0);
	FUZZ_CHECK(fdt_finish_reservemap(b) == 0);
	FUZZ_CHECK(fdt_begin_node(b, "") == 0);
	FUZZ_CHECK(fdt_property_u32(b, "#address-cells", 2) == 0);
	FUZZ_CHECK(fdt_property_u32(b, "#size-cells", 2) == 0);
	FUZZ_CHECK(fdt_property_string(b, "model", "fuzz base") == 0);
	FUZZ_CHECK(fdt_property_string(b, "compatible", "linux,dummy-virt") == 0);
	FUZZ_CHECK(fdt_begin_node(b, "chosen") == 0 && fdt_end_node(b) == 0);
	FUZZ_CHECK(fdt_begin_node(b, "leds") == 0);
	FUZZ_CHECK(fdt_property_u32(b, "phandle", 1) == 0);
	FUZZ_CHECK(fdt_property_string(b, "status", "disabled") == 0);
	FUZZ_CHECK(fdt_end_node(b) == 0);
	FUZZ_CHECK(fdt_begin_node(b, "__symbols__") == 0);
	FUZZ_CHECK(fdt_property_string(b, "leds", "/leds") == 0);
	FUZZ_CHECK(fdt_end_node(b) == 0);
	FUZZ_CHECK(fdt_end_node(b) == 0);
	FUZZ_CHECK(fdt_finish(b) == 0);
	made = true;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct dt_part parts[DT_MEASURED_PARTS];
	const void *b = base();
	size_t room = (fdt_totalsize(b) + (size_t)fuzz_u8(&in) * SLACK_STEP + 7) & ~(size_t)7;
	size_t n = in.n;
	uint8_t *ovl = aligned_alloc(8, (n + 7) & ~(size_t)7);
	void *work = aligned_alloc(8, room);
	unsigned mark;
	int r;

	fuzz_log_reset();
	if (!ovl || !work)
		abort();
	memcpy(ovl, in.p, n);
	mark = fuzz_errors;
	r = dt_validate(ovl, n, WHAT);
	if (r) {
		FUZZ_CHECK(r == KB_EINVAL || r == KB_ERANGE || r == KB_EUNSUPP || r == KB_ECORRUPT);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
		goto out;
	}
	FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	dt_measured_parts(ovl, parts);
	for (int i = 0; i < DT_MEASURED_PARTS; i++)
		FUZZ_CHECK((const uint8_t *)parts[i].at >= ovl &&
			   (const uint8_t *)parts[i].at + parts[i].len <= ovl + n);

	FUZZ_CHECK(dt_open_valid(b, "fuzz base", work, room) == 0);
	mark = fuzz_errors;
	unsigned lines = fuzz_lines;
	r = dt_overlay_apply(work, ovl, WHAT);
	if (r) {
		FUZZ_CHECK(r < 0);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
		goto out;
	}
	FUZZ_CHECK(fuzz_lines == lines);
	FUZZ_CHECK(fdt_totalsize(work) <= room);
	FUZZ_CHECK(fdt_check_full(work, fdt_totalsize(work)) == 0);
	FUZZ_CHECK(fdt_path_offset(work, "/leds") >= 0);
out:
	free(ovl);
	free(work);
	return 0;
}
