/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/allocs.h"

#include "lib/err.h"
#include "lib/log.h"

void kb_allocs_init(struct kb_allocs *t, const struct kb_platform *pf)
{
	t->pf = pf;
	t->n = 0;
}

static int track(struct kb_allocs *t, uint64_t base, uint64_t bytes)
{
	if (t->n == KB_ALLOCS_MAX) {
		t->pf->free_pages(t->pf->ctx, base, bytes);
		return log_error_ret(KB_ENOMEM, "too many allocations in one boot attempt");
	}
	t->a[t->n].base = base;
	t->a[t->n].bytes = bytes;
	t->n++;
	return 0;
}

int kb_alloc_at(struct kb_allocs *t, uint64_t base, uint64_t bytes, enum kb_mem_kind kind)
{
	int rc = t->pf->alloc_at(t->pf->ctx, base, bytes, kind);
	return rc ? rc : track(t, base, bytes);
}

int kb_alloc_below(struct kb_allocs *t, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
		   uint64_t *base)
{
	int rc = t->pf->alloc_below(t->pf->ctx, bytes, max, kind, base);
	return rc ? rc : track(t, *base, bytes);
}

void kb_free(struct kb_allocs *t, uint64_t base)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (t->a[i].base != base)
			continue;
		t->pf->free_pages(t->pf->ctx, t->a[i].base, t->a[i].bytes);
		t->a[i] = t->a[--t->n];
		return;
	}
}

void kb_free_all(struct kb_allocs *t)
{
	while (t->n) {
		t->n--;
		t->pf->free_pages(t->pf->ctx, t->a[t->n].base, t->a[t->n].bytes);
	}
}

int kb_claim(uint64_t start, uint64_t size, void *ctx)
{
	struct kb_claim *c = ctx;
	return kb_alloc_at(c->allocs, start, size, c->kind);
}
