#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the demo ESP image with mtools (no loop mounts, no root needed): BUILD OUT
#   \EFI\BOOT\BOOTAA64.EFI   kaslboot (the removable-media path firmware boots by itself)
#   \loader\loader.conf      esp/loader.conf
#   \loader\entries\*.conf   esp/entries/*.conf
#   \Image, \initrd.img      Debian's cloud kernel and the demo initramfs
set -euo pipefail
BUILD=$1 OUT=$2
here=$(cd "$(dirname "$0")" && pwd)
DEPS=$BUILD/deps
bash "$here/mkinitramfs.sh" "$DEPS" "$BUILD/initrd.img"

kernel=$(readlink -f "$DEPS/Image")
# 64 MiB spare: tests add kernels and payloads to copies of this image.
need_kib=$(( ( $(stat -c %s "$kernel") + $(stat -c %s "$BUILD/initrd.img") ) / 1024 + 65536 ))
size_kib=$(( (need_kib + 8191) / 8192 * 8192 ))
tmp=$OUT.tmp
rm -f "$tmp"
mkfs.vfat -C -n KASLBOOT "$tmp" "$size_kib" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
mcopy -i "$tmp" "$BUILD/BOOTAA64.EFI" ::/EFI/BOOT/BOOTAA64.EFI
mcopy -i "$tmp" "$here/loader.conf" ::/loader/loader.conf
for e in "$here"/entries/*.conf; do mcopy -i "$tmp" "$e" "::/loader/entries/$(basename "$e")"; done
mcopy -i "$tmp" "$kernel" ::/Image
mcopy -i "$tmp" "$BUILD/initrd.img" ::/initrd.img
mv "$tmp" "$OUT"
echo "esp: $OUT ($size_kib KiB)"
