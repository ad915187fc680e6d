#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs every Debian package kaslboot needs on the build machine, from Debian's archive
# only. Idempotent: a second run installs nothing and exits quickly. The arm64 packages whose
# files go into the PE or onto the ESP (gnu-efi, libfdt.a, libz.a, the demo kernel, busybox)
# are not installed: scripts/fetch-deps.sh unpacks them under build/deps (libfdt-dev:arm64
# conflicts with the host's libfdt-dev, and nothing of them belongs on the host).
set -euo pipefail

HOST_PKGS=(
  make gcc binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu   # cross toolchain for the PE
  libc6-dev-arm64-cross                                        # headers libfdt.h and zlib.h include
  qemu-system-arm qemu-efi-aarch64                             # qemu-system-aarch64 + AAVMF
  u-boot-qemu                                                  # U-Boot's UEFI, the other firmware
  mtools dosfstools                                            # ESP images without loop mounts
  device-tree-compiler libfdt-dev                              # dtc + host libfdt for dtb/ tests
  libcmocka-dev zlib1g-dev libssl-dev                                 # host unit tests
  liblz4-dev                                                   # BOOTAA64.EFI's LZ4 body; its tests
  clang                                                        # make fuzz (runtimes below)
  python3 python3-pytest python3-pexpect              # integration tests
  python3-pefile                                               # Debian 13 ukify (UKI tests)
  cpio gzip xz-utils git                                       # initramfs and payload handling
  sbsigntool openssl                                           # Secure Boot tests: snakeoil signing
  swtpm                                                        # measured-boot tests: a TPM 2.0
  systemd                                                      # kernel-install (installer tests)
  mmdebstrap arch-test                                         # the Debian arm64 e2e system
  gdisk e2fsprogs                                              # its GPT disk, ext4 root (mkfs -d)
  clang-format cppcheck shellcheck                             # make lint
)

# libFuzzer and the sanitizer runtimes of Debian's default clang: 14 in Debian 12, 19 in
# Debian 13 (their package names carry the version). qemu-aarch64 registered with
# binfmt_misc for the e2e chroot (scripts/mkdebian.sh): qemu-user-static in Debian 12; in
# Debian 13 that name is a transitional package for qemu-user with qemu-user-binfmt.
QEMU_USER=qemu-user-binfmt
case $(sed -n 's/^VERSION_ID="\{0,1\}\([0-9]*\).*/\1/p' /etc/os-release) in
12) CLANG_V=14 QEMU_USER=qemu-user-static ;;
13) CLANG_V=19 ;;
*) CLANG_V=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: clang-\([0-9]\+\)$/\1/p' | head -n1) ;;
esac
HOST_PKGS+=("$QEMU_USER")
[ -n "${CLANG_V:-}" ] && HOST_PKGS+=("libclang-rt-$CLANG_V-dev" "libfuzzer-$CLANG_V-dev")

missing() {
  local p out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
fi

need=$(missing "${HOST_PKGS[@]}")
if [ -n "$need" ]; then
  # Fresh lists: a machine's cached ones may be missing or name versions the archive
  # no longer has.
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $need
fi
