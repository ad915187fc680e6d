/* SPDX-License-Identifier: BSD-2-Clause */
/* The outer BOOTAA64.EFI's .sbat section (pe/unpack.lds): shim 15.3 and newer refuse to
 * start an image without one. CSV as shim's SBAT.md specifies and systemd-boot writes it:
 * the "sbat" line names the format's version, the kaslboot line its generation (1: no
 * revocation yet; raise it when a release must revoke older ones) and version. */
#include "version.h"

__attribute__((used, section(".sbat"))) static const char sbat[] =
	"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
	"kaslboot,1,kaslboot,kaslboot," KASLBOOT_VERSION ",-\n";
