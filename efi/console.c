/* The firmware console as the portable log sink: ASCII lines from lib/log.c are widened
 * to UCS-2 for SimpleTextOutput. Once boot services are gone, output stops here (the
 * handoff code prints its last line before ExitBootServices). */
#include <efi.h>

#include "efi/console.h"
#include "efi/firmware.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/panic.h"

static EFI_SIMPLE_TEXT_OUT_PROTOCOL *con_out;
static EFI_HANDLE panic_image;

static void console_sink(const char *text, size_t len)
{
	CHAR16 wide[128];
	size_t n = 0;

	if (!con_out)
		return;
	for (size_t i = 0; i < len; i++) {
		/* Bytes outside ASCII (a config file in UTF-8) print as '?': the firmware
		 * console is UCS-2 and a wrong glyph is worse than a marker. */
		unsigned char c = (unsigned char)text[i];
		wide[n++] = c < 0x80 ? c : '?';
		if (n == sizeof(wide) / sizeof(wide[0]) - 1) {
			wide[n] = 0;
			uefi_call_wrapper(con_out->OutputString, 2, con_out, wide);
			n = 0;
		}
	}
	wide[n] = 0;
	if (n)
		uefi_call_wrapper(con_out->OutputString, 2, con_out, wide);
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
