#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the demo initramfs (newc cpio, gzip) from Debian's busybox-static:arm64 and the
# efivarfs and TPM (tpm_tis_core, tpm_tis) modules of the demo kernel: DEPS OUT
set -euo pipefail
DEPS=$1 OUT=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,lib/modules}
cp "$DEPS/busybox/bin/busybox" "$root/bin/busybox"
for app in sh mount insmod cat grep cut sed tr od dmesg ls wc head tail poweroff printf echo awk sort \
           base64; do
  ln -s busybox "$root/bin/$app"
done
cp "$here/tests/initramfs/init" "$root/init"
# A module as busybox's insmod loads it: Debian 12 ships them plain, Debian 13 as .ko.xz.
module() {
  local m=$DEPS/modules/kernel/$1
  if [ -e "$m" ]; then
    cp "$m" "$root/lib/modules/"
  elif [ -e "$m.xz" ]; then
    xz -dc "$m.xz" > "$root/lib/modules/$(basename "$m")"
  else
    echo "mkinitramfs: no $m(.xz) in the demo kernel's modules" >&2
    exit 1
  fi
}
module fs/efivarfs/efivarfs.ko
# The TPM core is built in; the TIS driver that finds QEMU's tpm-tis-device is not.
module drivers/char/tpm/tpm_tis_core.ko
module drivers/char/tpm/tpm_tis.ko
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9n > "$OUT"
