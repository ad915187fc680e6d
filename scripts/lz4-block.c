/* SPDX-License-Identifier: BSD-2-Clause */
/* The build's LZ4 tool, on Debian's liblz4 (liblz4-dev):
 *   lz4-block c IN OUT        one LZ4 block of IN at LZ4HC's highest level (LZ4HC_CLEVEL_MAX)
 *   lz4-block d IN OUT SIZE   IN decoded by LZ4_decompress_safe() into exactly SIZE bytes
 * The Makefile compresses BOOTAA64.EFI's body with `c` (efi/unpack/ decodes it with
 * lib/lz4_block.c); scripts/pe-check.py decodes it again with `d`, liblz4 being the
 * reference. The block format has no header: the sizes travel beside it. */
#include <lz4.h>
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, int *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > LZ4_MAX_INPUT_SIZE ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "lz4-block: %s: cannot read it (or over %d bytes)\n", path,
			LZ4_MAX_INPUT_SIZE);
		exit(1);
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "lz4-block: %s: short read\n", path);
		exit(1);
	}
	fclose(f);
	*len = (int)n;
	return buf;
}

static void spit(const char *path, const char *buf, int len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, (size_t)len, f) != (size_t)len || fclose(f)) {
		fprintf(stderr, "lz4-block: %s: cannot write it\n", path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int in_len, out_len;
	char *in, *out;

	if (argc == 4 && !strcmp(argv[1], "c")) {
		in = slurp(argv[2], &in_len);
		out = malloc((size_t)LZ4_compressBound(in_len) + 1);
		out_len = out ? LZ4_compress_HC(in, out, in_len, LZ4_compressBound(in_len),
						LZ4HC_CLEVEL_MAX) :
				0;
		if (out_len <= 0) {
			fprintf(stderr, "lz4-block: %s: LZ4_compress_HC failed\n", argv[2]);
			return 1;
		}
	} else if (argc == 5 && !strcmp(argv[1], "d")) {
		long size = strtol(argv[4], NULL, 0);

		in = slurp(argv[2], &in_len);
		out = malloc(size > 0 ? (size_t)size : 1);
		out_len = out && size >= 0 && size <= LZ4_MAX_INPUT_SIZE ?
				  LZ4_decompress_safe(in, out, in_len, (int)size) :
				  -1;
		if (out_len != size) {
			fprintf(stderr, "lz4-block: %s: decodes to %d bytes, not %ld\n", argv[2],
				out_len, size);
			return 1;
		}
	} else {
		fprintf(stderr, "usage: lz4-block c IN OUT | lz4-block d IN OUT SIZE\n");
		return 2;
	}
	spit(argv[3], out, out_len);
	return 0;
}
