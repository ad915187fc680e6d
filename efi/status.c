/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>

#include "efi/status.h"
#include "lib/err.h"
#include "lib/fmt.h"

const char *efi_status_text(EFI_STATUS s)
{
	static char other[40];
	switch (s) {
	case EFI_SUCCESS: return "success";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_BAD_BUFFER_SIZE: return "bad buffer size";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_NOT_READY: return "not ready";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_WRITE_PROTECTED: return "write protected";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_VOLUME_FULL: return "volume full";
	case EFI_NO_MEDIA: return "no media";
	case EFI_MEDIA_CHANGED: return "media changed";
	case EFI_NOT_FOUND: return "not found";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_TIMEOUT: return "timeout";
	case EFI_ABORTED: return "aborted";
	case EFI_SECURITY_VIOLATION: return "security violation";
	case EFI_COMPROMISED_DATA: return "compromised data";
	default:
		kfmt_snprintf(other, sizeof(other), "status 0x%lx", (unsigned long)s);
		return other;
	}
}

int efi_status_to_kb(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS: return KB_OK;
	case EFI_NOT_FOUND: return KB_ENOENT;
	case EFI_OUT_OF_RESOURCES: case EFI_VOLUME_FULL: return KB_ENOSPC;
	case EFI_BUFFER_TOO_SMALL: return KB_ENOMEM;
	case EFI_SECURITY_VIOLATION: case EFI_ACCESS_DENIED: case EFI_WRITE_PROTECTED:
		return KB_EPERM;
	case EFI_UNSUPPORTED: return KB_EUNSUPP;
	case EFI_INVALID_PARAMETER: return KB_EINVAL;
	case EFI_VOLUME_CORRUPTED: case EFI_COMPROMISED_DATA: return KB_ECORRUPT;
	default: return KB_EIO;
	}
}

EFI_STATUS kb_to_efi_status(int rc)
{
	switch (rc) {
	case KB_OK: return EFI_SUCCESS;
	case KB_ENOENT: return EFI_NOT_FOUND;
	case KB_ENOMEM: case KB_ENOSPC: return EFI_OUT_OF_RESOURCES;
	case KB_EPERM: return EFI_SECURITY_VIOLATION;
	case KB_EUNSUPP: return EFI_UNSUPPORTED;
	case KB_EIO: return EFI_DEVICE_ERROR;
	case KB_ECORRUPT: return EFI_COMPROMISED_DATA;
	default: return EFI_LOAD_ERROR;
	}
}
