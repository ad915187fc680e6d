/* SPDX-License-Identifier: BSD-2-Clause */
/* Turning libfdt's negative FDT_ERR_* codes into kaslboot's enum kb_err, so every dtb/
 * function can propagate one error convention. */
#ifndef KASLBOOT_DTB_FDT_ERROR_H
#define KASLBOOT_DTB_FDT_ERROR_H

/* fdt_err is a libfdt return value (0 or -FDT_ERR_*). Returns 0 or a negative enum kb_err:
 * NOSPACE -> KB_ENOMEM (the caller's buffer is too small), NOTFOUND -> KB_ENOENT,
 * BADMAGIC/BADVERSION/BADVALUE/BADNCELLS/ALIGNMENT -> KB_EINVAL, everything that means a
 * damaged blob (TRUNCATED, BADSTRUCTURE, BADLAYOUT, BADOFFSET, INTERNAL...) -> KB_ECORRUPT. */
int dt_kb_err(int fdt_err);

/* A failed write or delete of /chosen/<prop>: logs the one error line ("the DT buffer is
 * full" for NOSPACE, libfdt's message otherwise) and returns dt_kb_err(fdt_err). */
int dt_chosen_prop_failed(const char *prop, int fdt_err);

#endif
