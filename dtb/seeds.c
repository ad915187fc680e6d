/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/seeds.h"

#include <stdbool.h>
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

/* libfdt's checks accept a node holding two properties of one name, while every lookup by
 * name (fdt_getprop, fdt_delprop, fdt_nop_property) sees only the first. So seeds are found
 * by walking every property of the node. */
static bool is_seed_name(const char *name)
{
	return strcmp(name, DT_PROP_KASLR_SEED) == 0 || strcmp(name, DT_PROP_RNG_SEED) == 0;
}

/* How many properties of the node are called `name`; a negative libfdt error if the
 * walk fails. */
static int count_props(const void *fdt, int node, const char *name)
{
	int prop, n = 0, len;
	const char *pname;

	fdt_for_each_property_offset(prop, fdt, node) {
		if (!fdt_getprop_by_offset(fdt, prop, &pname, &len))
			return len;
		if (pname && strcmp(pname, name) == 0)
			n++;
	}
	return prop == -FDT_ERR_NOTFOUND ? n : prop;
}

static void warn_duplicates(const void *fdt, int node, const char *name)
{
	int n = count_props(fdt, node, name);

	if (n > 1)
		log_warn("firmware DT /chosen has %d %s properties: reading the first, wiping all",
			 n, name);
}

int dt_read_seeds(const void *fdt, struct dt_seeds *out)
{
	const uint8_t *val;
	int node, len;

	memset(out, 0, sizeof(*out));
	node = fdt_path_offset(fdt, DT_CHOSEN_PATH);
	if (node < 0)
		return KB_OK; /* no /chosen: no seeds */
	warn_duplicates(fdt, node, DT_PROP_KASLR_SEED);
	warn_duplicates(fdt, node, DT_PROP_RNG_SEED);

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

/* Zeroes every kaslr-seed and rng-seed of the node in place, then replaces every rng-seed
 * by NOPs. Returns 0 or a libfdt error. */
static int wipe_node(void *fdt, int node)
{
	const char *pname;
	const void *val;
	int prop, len, err;

	fdt_for_each_property_offset(prop, fdt, node) {
		val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
		if (!val)
			return len;
		if (pname && is_seed_name(pname))
			/* The value lies in the caller's writable blob. */
			memset((uint8_t *)fdt + ((const uint8_t *)val - (const uint8_t *)fdt), 0,
			       (size_t)len);
	}
	if (prop != -FDT_ERR_NOTFOUND)
		return prop;
	/* Each call NOPs the first rng-seed left; NOPs move nothing, so this ends. */
	while ((err = fdt_nop_property(fdt, node, DT_PROP_RNG_SEED)) == 0)
		;
	return err == -FDT_ERR_NOTFOUND ? 0 : err;
}

/* "chosen" or "chosen@<unit>" (the unit may be empty): what fdt_path_offset("/chosen")
 * may return. */
static bool is_chosen_name(const char *name, int len)
{
	return (len == 6 && memcmp(name, "chosen", 6) == 0) ||
	       (len >= 7 && memcmp(name, "chosen@", 7) == 0);
}

/* fn on every chosen node under the root, not only the first that lookups find: a second
 * one is still in the blob the OS can read. Returns 0 or the first libfdt error. */
static int for_each_chosen(void *fdt, int (*fn)(void *fdt, int node, void *arg), void *arg)
{
	const char *name;
	int node, len, err = 0;

	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, &len);
		if (!name) {
			err = len;
			break;
		}
		if (!is_chosen_name(name, len))
			continue;
		err = fn(fdt, node, arg);
		if (err)
			break;
	}
	if (!err && node != -FDT_ERR_NOTFOUND)
		err = node;
	return err;
}

static int wipe_chosen(void *fdt, int node, void *arg)
{
	(void)arg;
	return wipe_node(fdt, node);
}

int dt_wipe_seeds(void *fdt)
{
	int err = for_each_chosen(fdt, wipe_chosen, NULL);

	if (err)
		return log_error_ret(dt_kb_err(err), "DT: cannot wipe /chosen seeds: %s",
				     fdt_strerror(err));
	return KB_OK;
}

/* A generator that gives eight zero bytes this many times in a row is broken: the
 * kaslr-seed is then left zero, which the kernel takes as none. */
#define DT_REFILL_NONZERO_TRIES 4

struct refill {
	dt_seed_fill_fn fill;
	void *arg;
	unsigned count;
};

/* Overwrites every seed property's value of the node in place: the tree's layout does not
 * change, so the walk stays valid. */
static int refill_node(void *fdt, int node, void *arg)
{
	struct refill *r = arg;
	const char *pname;
	const void *val;
	int prop, len;

	fdt_for_each_property_offset(prop, fdt, node) {
		val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
		if (!val)
			return len;
		if (!pname || !is_seed_name(pname) || len <= 0)
			continue;
		/* The value lies in the caller's writable blob. */
		uint8_t *p = (uint8_t *)fdt + ((const uint8_t *)val - (const uint8_t *)fdt);
		bool kaslr = strcmp(pname, DT_PROP_KASLR_SEED) == 0;
		for (unsigned t = 0; t < DT_REFILL_NONZERO_TRIES; t++) {
			r->fill(r->arg, p, (size_t)len);
			if (!kaslr || !bytes_all_zero(p, (size_t)len))
				break;
		}
		r->count++;
	}
	return prop == -FDT_ERR_NOTFOUND ? 0 : prop;
}

int dt_refill_seeds(void *fdt, dt_seed_fill_fn fill, void *arg, unsigned *count)
{
	struct refill r = { fill, arg, 0 };
	int err = for_each_chosen(fdt, refill_node, &r);

	*count = r.count;
	if (err)
		return log_error_ret(dt_kb_err(err), "DT: cannot refill /chosen seeds: %s",
				     fdt_strerror(err));
	return KB_OK;
}
