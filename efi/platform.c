/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/console.h"
#include "efi/exit.h"
#include "efi/file.h"
#include "efi/devpath.h"
#include "efi/dt_fixup.h"
#include "efi/firmware.h"
#include "efi/gop.h"
#include "efi/memory.h"
#include "efi/platform.h"
#include "efi/status.h"
#include "efi/start_image.h"
#include "efi/tpm.h"
#include "efi/verify.h"
#include "lib/err.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/utf16.h"

/* EFI timer periods are in 100 ns units (UEFI 2.10, EFI_BOOT_SERVICES.SetTimer). */
#define TIMER_TICKS_PER_MS 10000ULL
/* Longest variable name kaslboot uses, in characters ("LoaderConfigTimeoutOneShot"). */
#define VAR_NAME_MAX 64

/* SIMPLE_TEXT_INPUT scan codes (UEFI 2.10 table 12.2). */
#define SCAN_CODE_UP    0x01
#define SCAN_CODE_DOWN  0x02
#define SCAN_CODE_RIGHT 0x03
#define SCAN_CODE_LEFT  0x04
#define SCAN_CODE_HOME  0x05
#define SCAN_CODE_END   0x06
#define SCAN_CODE_DELETE 0x08
#define SCAN_CODE_ESC   0x17

static EFI_GUID rng_protocol_guid = EFI_RNG_PROTOCOL_GUID;

static void guid_to_efi(const struct kb_guid *g, EFI_GUID *out)
{
	out->Data1 = g->d1;
	out->Data2 = g->d2;
	out->Data3 = g->d3;
	for (int i = 0; i < 8; i++)
		out->Data4[i] = g->d4[i];
}

static int var_name(const char *name, CHAR16 *w)
{
	return utf16_from_utf8(name, (uint16_t *)w, VAR_NAME_MAX) < 0 ? KB_EINVAL : 0;
}

static int var_get(void *ctx, const struct kb_guid *guid, const char *name, void *buf,
		   size_t *size, uint32_t *attrs)
{
	CHAR16 w[VAR_NAME_MAX];
	EFI_GUID g;
	UINT32 a = 0;
	UINTN n = *size;
	(void)ctx;
	if (var_name(name, w))
		return KB_EINVAL;
	guid_to_efi(guid, &g);
	EFI_STATUS s = uefi_call_wrapper(RT->GetVariable, 5, w, &g, &a, &n, buf);
	*size = n;
	if (attrs)
		*attrs = a;
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}

static int var_set(void *ctx, const struct kb_guid *guid, const char *name, uint32_t attrs,
		   const void *buf, size_t size)
{
	CHAR16 w[VAR_NAME_MAX];
	EFI_GUID g;
	(void)ctx;
	if (var_name(name, w))
		return KB_EINVAL;
	guid_to_efi(guid, &g);
	EFI_STATUS s = uefi_call_wrapper(RT->SetVariable, 5, w, &g, attrs, size, (void *)buf);
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}

static int rng(void *ctx, void *buf, size_t len)
{
	EFI_RNG_PROTOCOL *p = NULL;
	(void)ctx;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_protocol_guid, NULL,
					(void **)&p)) || !p)
		return KB_ENOENT;
	/* NULL algorithm: the platform's default, as the kernel's EFI stub asks. */
	EFI_STATUS s = uefi_call_wrapper(p->GetRNG, 4, p, NULL, len, buf);
	if (EFI_ERROR(s))
		return log_warn_ret(KB_EIO, "EFI_RNG_PROTOCOL failed: %s", efi_status_text(s));
	return 0;
}

static enum kb_key_kind scan_kind(UINT16 scan)
{
	switch (scan) {
	case SCAN_CODE_UP: return KB_KEY_UP;
	case SCAN_CODE_DOWN: return KB_KEY_DOWN;
	case SCAN_CODE_LEFT: return KB_KEY_LEFT;
	case SCAN_CODE_RIGHT: return KB_KEY_RIGHT;
	case SCAN_CODE_HOME: return KB_KEY_HOME;
	case SCAN_CODE_END: return KB_KEY_END;
	case SCAN_CODE_ESC: return KB_KEY_ESC;
	case SCAN_CODE_DELETE: return KB_KEY_DELETE;
	default: return KB_KEY_OTHER;
	}
}

static int read_key(void *ctx, unsigned timeout_ms, struct kb_key *key)
{
	EFI_INPUT_KEY k;
	(void)ctx;
	key->kind = KB_KEY_TIMEOUT;
	key->ch = 0;
	if (timeout_ms) {
		EFI_EVENT timer, events[2];
		UINTN which = 0;
		if (EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &timer)))
			return KB_EIO;
		uefi_call_wrapper(BS->SetTimer, 3, timer, TimerRelative,
				  timeout_ms * TIMER_TICKS_PER_MS);
		events[0] = ST->ConIn->WaitForKey;
		events[1] = timer;
		EFI_STATUS s = uefi_call_wrapper(BS->WaitForEvent, 3, 2, events, &which);
		uefi_call_wrapper(BS->CloseEvent, 1, timer);
		if (EFI_ERROR(s) || which == 1)
			return 0;
	}
	if (EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &k)))
		return 0;
	if (k.ScanCode) {
		key->kind = scan_kind(k.ScanCode);
	} else {
		key->kind = KB_KEY_CHAR;
		key->ch = k.UnicodeChar;
	}
	return 0;
}

/* kaslboot's watchdog code (UEFI 2.10 7.5: codes 0..0xffff are the firmware's). */
#define KASLBOOT_WATCHDOG_CODE 0x10000

static int set_watchdog(void *ctx, unsigned seconds)
{
	(void)ctx;
	EFI_STATUS s = uefi_call_wrapper(BS->SetWatchdogTimer, 4, seconds, KASLBOOT_WATCHDOG_CODE,
					 0, NULL);
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}

static int console_write(void *ctx, const char *utf8)
{
	(void)ctx;
	EFI_STATUS st = console_output(utf8, strlen(utf8));
	return EFI_ERROR(st) ? efi_status_to_kb(st) : 0;
}

static int console_clear(void *ctx)
{
	(void)ctx;
	EFI_STATUS st = uefi_call_wrapper(ST->ConOut->ClearScreen, 1, ST->ConOut);
	return EFI_ERROR(st) ? efi_status_to_kb(st) : 0;
}

/* The attribute the console had before the first highlight, restored after each. */
static UINTN console_normal_attr;
static bool console_normal_saved;

static int console_highlight(void *ctx, bool on)
{
	(void)ctx;
	if (!console_normal_saved) {
		console_normal_attr = ST->ConOut->Mode ? (UINTN)ST->ConOut->Mode->Attribute :
					EFI_TEXT_ATTR(EFI_LIGHTGRAY, EFI_BLACK);
		console_normal_saved = true;
	}
	/* Reverse video: the normal background colour as foreground and vice versa
	 * (UEFI 2.10 12.4.7: bits 0-3 foreground, 4-6 background). */
	UINTN fg = console_normal_attr & 0x0f, bg = (console_normal_attr >> 4) & 0x07;
	UINTN attr = on ? EFI_TEXT_ATTR(bg, fg & 0x07) : console_normal_attr;
	EFI_STATUS st = uefi_call_wrapper(ST->ConOut->SetAttribute, 2, ST->ConOut, attr);
	return EFI_ERROR(st) ? efi_status_to_kb(st) : 0;
}

static int install_config_table(void *ctx, const struct kb_guid *guid, void *table)
{
	EFI_GUID g;
	(void)ctx;
	guid_to_efi(guid, &g);
	EFI_STATUS s = uefi_call_wrapper(BS->InstallConfigurationTable, 2, &g, table);
	return EFI_ERROR(s) ? efi_status_to_kb(s) : 0;
}

const struct kb_platform efi_platform = {
	.ctx = NULL,
	.memmap_get = efi_memmap_get,
	.memmap_free = efi_memmap_free,
	.alloc_at = efi_alloc_at,
	.alloc_below = efi_alloc_below,
	.free_pages = efi_free_pages,
	.pool_alloc = efi_pool_alloc,
	.pool_free = efi_pool_free,
	.file_open = efi_file_open,
	.file_read = efi_file_read,
	.file_close = efi_file_close,
	.dir_list = efi_dir_list,
	.file_write = efi_file_write,
	.file_rename = efi_file_rename,
	.file_open_rw = efi_file_open_rw,
	.file_rewrite = efi_file_rewrite,
	.var_get = var_get,
	.var_set = var_set,
	.verify_image = efi_verify_image,
	.rng = rng,
	.read_key = read_key,
	.set_watchdog = set_watchdog,
	.console_write = console_write,
	.console_clear = console_clear,
	.console_highlight = console_highlight,
	.gop_mode = efi_gop_mode,
	.tpm_active_banks = efi_tpm_active_banks,
	.tpm_measure = efi_tpm_measure,
	.tpm_measure_pe = efi_tpm_measure_pe,
	.tpm_event_log = efi_tpm_event_log,
	.dt_fixup = efi_dt_fixup,
	.install_config_table = install_config_table,
	.start_image = efi_start_image,
	.exit_boot_services = efi_exit_boot_services,
};

int efi_platform_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	efi_exit_set_image(image, st);
	efi_verify_set_image(image);
	efi_start_set_image(image);
	efi_devpath_set_image(image);
	return efi_fs_init(image);
}

void efi_platform_fini(void)
{
	efi_fs_close();
}
