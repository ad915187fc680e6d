/* SPDX-License-Identifier: BSD-2-Clause */
#include "dtb/compatible.h"

#include <string.h>
#include <libfdt.h>

const char *dt_root_compatible(const void *fdt, int index)
{
	int len;
	const char *s = fdt_stringlist_get(fdt, 0, "compatible", index, &len);
	return s && len > 0 ? s : NULL;
}

#define DT_ROOT_OFFSET 0 /* the root node is the structure block's first (DTSpec 5.4) */

/* The root's first "compatible" string of a blob not validated as a whole (a UKI section):
 * its header must hold within len; libfdt bounds-checks the reads after it. */
static const char *first_compatible(const void *fdt, size_t len)
{
	int plen;
	if (!fdt || len < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > len)
		return NULL;
	const char *c = fdt_getprop(fdt, DT_ROOT_OFFSET, "compatible", &plen);
	return c && plen > 0 && memchr(c, 0, (size_t)plen) ? c : NULL;
}

bool dt_root_compatible_match(const void *fw_fdt, size_t fw_len, const void *dtb, size_t dtb_len)
{
	const char *a = first_compatible(fw_fdt, fw_len);
	const char *b = first_compatible(dtb, dtb_len);
	return a && b && !strcmp(a, b);
}

/* One path component from a compatible string's side: no separator, no dot names. */
static bool safe_component(const char *s, size_t n)
{
	if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == '\\' || s[i] == ',')
			return false;
	return true;
}

bool dt_compatible_path(const char *dir, const char *compatible, char *out, size_t size)
{
	static const char ext[] = ".dtb";
	const char *comma = strchr(compatible, ',');
	size_t dl = strlen(dir), cl = strlen(compatible);
	out[0] = 0;
	if (!comma)
		return false;
	size_t vl = (size_t)(comma - compatible), bl = cl - vl - 1;
	if (!safe_component(compatible, vl) || !safe_component(comma + 1, bl))
		return false;
	while (dl && dir[dl - 1] == '/')
		dl--;
	/* dir "/" vendor "/" board ".dtb" NUL */
	if (dl + 1 + cl + sizeof(ext) > size)
		return false;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, compatible, cl + 1);
	out[dl + 1 + vl] = '/';
	memcpy(out + dl + 1 + cl, ext, sizeof(ext));
	return true;
}
