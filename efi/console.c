/* SPDX-License-Identifier: BSD-2-Clause */
/* The firmware console: kaslboot's text (UTF-8: log lines from lib/log.c, config titles,
 * the menu) converted to the UCS-2 SimpleTextOutput takes. Once boot services are gone,
 * output stops here (the handoff code prints its last line before ExitBootServices). */
#include <efi.h>

#include "efi/console.h"
#include "efi/firmware.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/utf16.h"

/* Bytes of UTF-8 converted at a time (each fits in as many CHAR16s, plus the NUL): a
 * usual log line goes out in one OutputString. */
#define CONSOLE_CHUNK 256

static EFI_SIMPLE_TEXT_OUT_PROTOCOL *con_out;
static EFI_HANDLE panic_image;

/* One chunk of at most CONSOLE_CHUNK bytes, cut by the caller at a character boundary. */
static EFI_STATUS output_chunk(const char *s, size_t len)
{
	char part[CONSOLE_CHUNK + 1];
	CHAR16 w[CONSOLE_CHUNK + 1];
	memcpy(part, s, len);
	part[len] = 0;
	if (utf16_from_utf8(part, (uint16_t *)w, CONSOLE_CHUNK + 1) < 0) {
		/* Not UTF-8 (or outside UCS-2, which has no glyph for it): ASCII as it is,
		 * the rest as '?', a marker rather than a wrong glyph. */
		for (size_t i = 0; i <= len; i++)
			w[i] = (unsigned char)part[i] < 0x80 ? (unsigned char)part[i] : '?';
	}
	return uefi_call_wrapper(con_out->OutputString, 2, con_out, w);
}

EFI_STATUS console_output(const char *utf8, size_t len)
{
	EFI_STATUS first = EFI_SUCCESS;
	if (!con_out)
		return EFI_NOT_READY;
	while (len) {
		size_t n = len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK;
		/* Never split a character: back up over continuation bytes (10xxxxxx). */
		while (n < len && n > 1 && ((unsigned char)utf8[n] & 0xc0) == 0x80)
			n--;
		EFI_STATUS st = output_chunk(utf8, n);
		if (!EFI_ERROR(first))
			first = st;
		utf8 += n;
		len -= n;
	}
	return first;
}

static void console_sink(const char *text, size_t len)
{
	console_output(text, len);
}

/* lib/panic.h's way out while boot services are up: back to the firmware's boot manager. */
static void console_panic_exit(void)
{
	if (con_out && panic_image)
		uefi_call_wrapper(BS->Exit, 4, panic_image, EFI_ABORTED, 0, NULL);
}

void console_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	con_out = st->ConOut;
	panic_image = image;
	log_set_sink(console_sink);
	panic_set_exit(console_panic_exit);
}

void console_detach(void)
{
	/* After ExitBootServices the protocol must not be called. */
	con_out = NULL;
	log_set_sink(NULL);
}
