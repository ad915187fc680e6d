#include <efi.h>
#include <efilib.h>

#include "efi/menu.h"
#include "lib/libc.h"
#include "lib/log.h"

/* EFI timer periods are in 100 ns units (UEFI 2.10, EFI_BOOT_SERVICES.SetTimer). */
#define TIMER_ONE_SECOND 10000000ULL
/* Digits choose entries 1..9: the menu shows at most that many. */
#define MENU_MAX_SHOWN 9

enum key_result { KEY_NONE, KEY_TIMEOUT, KEY_ENTER, KEY_DIGIT, KEY_OTHER };

/* Waits up to one second for a key. */
static enum key_result wait_key(EFI_EVENT timer, unsigned *digit)
{
	EFI_EVENT events[2] = { ST->ConIn->WaitForKey, timer };
	UINTN which = 0;
	EFI_INPUT_KEY key;

	uefi_call_wrapper(BS->SetTimer, 3, timer, TimerRelative, TIMER_ONE_SECOND);
	if (EFI_ERROR(uefi_call_wrapper(BS->WaitForEvent, 3, 2, events, &which)) || which == 1)
		return KEY_TIMEOUT;
	if (EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &key)))
		return KEY_NONE;
	if (key.UnicodeChar == CHAR_CARRIAGE_RETURN || key.UnicodeChar == CHAR_LINEFEED)
		return KEY_ENTER;
	if (key.UnicodeChar >= '1' && key.UnicodeChar <= '9') {
		*digit = key.UnicodeChar - '1';
		return KEY_DIGIT;
	}
	return KEY_OTHER;
}

static bool key_waiting(void)
{
	return uefi_call_wrapper(BS->CheckEvent, 1, ST->ConIn->WaitForKey) == EFI_SUCCESS;
}

void menu_run(struct boot_config *bc)
{
	const struct kb_loader_conf *c = &bc->conf;
	unsigned shown = bc->n_order < MENU_MAX_SHOWN ? bc->n_order : MENU_MAX_SHOWN;
	unsigned left = c->timeout_sec, digit = 0;
	bool counting = c->menu == KB_MENU_TIMEOUT;
	EFI_EVENT timer;

	if (c->menu == KB_MENU_DISABLED || (c->menu == KB_MENU_TIMEOUT && left == 0) ||
	    (c->menu == KB_MENU_HIDDEN && !key_waiting()) || bc->n_order < 1)
		return;
	if (EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &timer))) {
		log_warn("no timer for the boot menu: booting the default");
		return;
	}
	log_info("boot menu: press 1-%u to choose, Enter for the default", shown);
	for (unsigned i = 0; i < shown; i++) {
		const struct kb_entry *e = &bc->entries[bc->order[i]];
		log_info("  %u) %s%s", i + 1, e->title[0] ? e->title : e->id, i ? "" : " (default)");
	}
	for (;;) {
		if (counting)
			log_info("booting the default in %u s", left);
		enum key_result k = wait_key(timer, &digit);
		if (k == KEY_ENTER)
			break;
		if (k == KEY_DIGIT && digit < shown) {
			unsigned chosen = bc->order[digit];
			memmove(&bc->order[1], &bc->order[0], digit * sizeof(bc->order[0]));
			bc->order[0] = chosen;
			break;
		}
		if (k == KEY_OTHER || k == KEY_DIGIT)
			counting = false;
		if (k == KEY_TIMEOUT && counting && --left == 0)
			break;
	}
	uefi_call_wrapper(BS->CloseEvent, 1, timer);
	log_info("menu: booting '%s'", bc->entries[bc->order[0]].id);
}
