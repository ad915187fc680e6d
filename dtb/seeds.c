#include "dtb/seeds.h"

#include <string.h>
#include <libfdt.h>

#include "dtb/fdt_error.h"
#include "lib/bytes.h"
#include "lib/err.h"
#include "lib/log.h"

/* kaslr-seed in the /chosen node at `chosen` (or the libfdt error that looking it up
 * gave); *len is the property's length when it is there. */
static int kaslr_seed_at(const void *fdt, int chosen, uint64_t *seed, int *len)
{
	const void *val;

	*seed = 0;
	*len = 0;
	if (chosen < 0)
		return chosen == -FDT_ERR_NOTFOUND ? KB_ENOENT : dt_kb_err(chosen);
	val = fdt_getprop(fdt, chosen, DT_PROP_KASLR_SEED, len);
	if (!val)
		return *len == -FDT_ERR_NOTFOUND ? KB_ENOENT : dt_kb_err(*len);
	if (*len != DT_KASLR_SEED_SIZE)
		return KB_EINVAL;
	*seed = get_be64(val);
	return KB_OK;
}

int dt_kaslr_seed(const void *fdt, uint64_t *seed)
{
	int len;

	if (fdt_check_header(fdt)) {
		*seed = 0;
		return KB_ECORRUPT;
	}
	return kaslr_seed_at(fdt, fdt_path_offset(fdt, DT_CHOSEN_PATH), seed, &len);
}

int dt_read_seeds(const void *fdt, struct dt_seeds *out)
{
	const uint8_t *val;
	int node, len;

	memset(out, 0, sizeof(*out));
	node = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	if (node < 0)
		return KB_OK; /* no /chosen: no seeds */

	if (kaslr_seed_at(fdt, node, &out->kaslr_seed, &len) == KB_EINVAL)
		log_warn("firmware DT /chosen/%s is %d bytes, not %u: ignored", DT_PROP_KASLR_SEED,
			 len, DT_KASLR_SEED_SIZE);
	out->has_kaslr_seed = out->kaslr_seed != 0;

	val = fdt_getprop(fdt, node, DT_PROP_RNG_SEED, &len);
	if (val && len > 0) {
		out->rng_seed_dt_len = (size_t)len;
		out->rng_seed_len = (size_t)len < DT_RNG_SEED_MAX ? (size_t)len : DT_RNG_SEED_MAX;
		memcpy(out->rng_seed, val, out->rng_seed_len);
		if (out->rng_seed_dt_len > out->rng_seed_len)
			log_warn("firmware DT /chosen/%s is %d bytes: using the first %u", DT_PROP_RNG_SEED,
				 len, DT_RNG_SEED_MAX);
	}
	return KB_OK;
}

/* Zeroes a property's value in place; returns 0 if it is absent. */
static int zero_prop(void *fdt, int node, const char *name)
{
	int len;
	void *val = fdt_getprop_w(fdt, node, name, &len);

	if (!val)
		return len == -FDT_ERR_NOTFOUND ? KB_OK : len;
	memset(val, 0, (size_t)len);
	return KB_OK;
}

int dt_wipe_seeds(void *fdt)
{
	int node = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	int err;

	if (node == -FDT_ERR_NOTFOUND)
		return KB_OK;
	if (node < 0) {
		log_error("DT: cannot wipe seeds: %s: %s", DT_CHOSEN_PATH, fdt_strerror(node));
		return dt_kb_err(node);
	}
	err = zero_prop(fdt, node, DT_PROP_KASLR_SEED);
	if (!err)
		err = zero_prop(fdt, node, DT_PROP_RNG_SEED);
	if (!err) {
		err = fdt_nop_property(fdt, node, DT_PROP_RNG_SEED);
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	if (err) {
		log_error("DT: cannot wipe /chosen seeds: %s", fdt_strerror(err));
		return dt_kb_err(err);
	}
	return KB_OK;
}
