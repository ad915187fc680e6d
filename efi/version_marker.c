/* SPDX-License-Identifier: BSD-2-Clause */
/* A greppable version marker in the PE's .rodata, in the form systemd-boot uses:
 * "#### LoaderInfo: kaslboot <version> ####". kaslboot-install --update reads it to compare
 * the installed loader with a new one, and bootctl shows it for binaries on the ESP.
 * Nothing references it: `used` keeps the compiler from dropping it, and its own section,
 * kept by pe/kaslboot.lds, keeps --gc-sections from dropping it. */
#include "version.h"

__attribute__((used, section(".rodata.kaslboot_version"))) static const char version_marker[] =
	"#### LoaderInfo: kaslboot " KASLBOOT_VERSION " ####";
