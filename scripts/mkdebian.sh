#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Debian 12 arm64 system that tests/integration/test_debian_e2e.py boots: a GPT
# disk with an ESP (FAT) and an ext4 root, on which kaslboot was installed by
# kaslboot-install and the Debian kernel's entry was written by kaslboot's hooks through
# systemd's kernel-install, as on a real machine. Needs root (chroot, mounts), mmdebstrap
# and qemu-user-static (arm64 maintainer scripts run under binfmt_misc).
#
#   mkdebian.sh kernels CACHE           print "OLD NEW": the two kernel packages used
#   mkdebian.sh rootfs CACHE            CACHE/rootfs-<hash>/, built once per recipe
#   mkdebian.sh disk CACHE WORK OUT     OUT: the disk image (WORK: scratch space)
#
# The cached rootfs holds only Debian's packages, no kaslboot, so it is cached under
# CACHE keyed by a hash of its recipe (the function below): only the first run, or a
# changed recipe, pays for mmdebstrap. `disk` then installs kaslboot and the kernel into a
# copy of it, every run, so that what is tested is this tree's installer and hooks.
set -euo pipefail
# Debian's own tools only: mmdebstrap runs a Python filter per package, and a python3 shim
# earlier in PATH (pyenv) would cost seconds each.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
GUEST=$REPO/tests/integration/debian
MIRRORS=(
  "deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main"
)
ESP_MIB=320            # two cloud kernels with their initrds, and room to spare
ROOT_MIB=2048
ROOT_LABEL=debian-root
ESP_LABEL=ESP

log() { echo "mkdebian: $*" >&2; }
die() { echo "mkdebian: error: $*" >&2; exit 1; }

# The recipe of the cached rootfs. Its text is hashed: edit it and the cache rebuilds.
# minbase plus what the test needs: systemd as init, udev, efibootmgr, bootctl (Debian 12
# ships it in systemd-boot; its hooks stay idle, as systemd-boot is never installed on the
# ESP), initramfs-tools and what Debian's kernel packages depend on. The kernels are not in
# it: `disk` installs them after kaslboot, so that kaslboot's hooks write their entries.
build_rootfs() {
  local out=$1
  # shellcheck disable=SC2016
  mmdebstrap --architectures=arm64 --variant=minbase \
    --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='APT::Install-Recommends "false"' \
    --include=systemd,systemd-sysv,udev,efibootmgr,systemd-boot,initramfs-tools,kmod,linux-base,zstd,e2fsprogs \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id' \
    bookworm "$out" "${MIRRORS[@]}"
}

# qemu-aarch64 for the chroot: binfmt_misc mounted and the handler registered (with the F
# flag, as qemu-user-static's binfmt.d file asks, so that it works inside the chroot).
ensure_binfmt() {
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && return 0
  [ -e /proc/sys/fs/binfmt_misc/register ] ||
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
    die "cannot mount binfmt_misc: arm64 programs cannot run on this machine"
  if [ -x /lib/systemd/systemd-binfmt ]; then
    /lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf
  elif command -v update-binfmts >/dev/null; then
    update-binfmts --enable qemu-aarch64
  fi
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
    die "qemu-aarch64 is not registered with binfmt_misc (is qemu-user-static installed?)"
}

rootfs_dir() {
  local cache=$1 hash
  hash=$(declare -f build_rootfs | cat - <(printf '%s\n' "${MIRRORS[@]}") | sha256sum | cut -c1-16)
  echo "$cache/rootfs-$hash"
}

cmd_rootfs() {
  local cache=$1 dir
  mkdir -p "$cache"
  dir=$(rootfs_dir "$cache")
  if [ -d "$dir" ]; then echo "$dir"; return 0; fi
  ensure_binfmt
  log "building $dir with mmdebstrap (once per recipe)"
  rm -rf "$cache"/rootfs-*
  # A directory, not a tarball: copying it is quicker than unpacking one.
  build_rootfs "$dir.tmp" >&2
  mv "$dir.tmp" "$dir"
  echo "$dir"
}

# The two kernels: OLD is installed when the image is made, NEW later, by the guest. NEW
# must sort after OLD (BLS: the newest version boots by default). Preferred: two ABIs of
# the cloud flavour (a real upgrade, e.g. 6.1.0-50-cloud-arm64 -> 6.1.0-57-cloud-arm64);
# with one ABI in the archive, OLD is the generic flavour, which sorts before "cloud".
kernel_pkgs() {
  local all old new
  all=$(apt-cache show linux-image-cloud-arm64:arm64 linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//' |
        grep -E '^linux-image-[0-9.]+-[0-9]+-(cloud-)?arm64$' | sort -uV)
  [ -n "$all" ] || die "apt knows no linux-image-*-arm64 (dpkg --add-architecture arm64; apt-get update)"
  new=$(printf '%s\n' "$all" | tail -n1)
  old=$(printf '%s\n' "$all" | grep -- '-cloud-arm64$' | head -n1)
  if [ "$old" = "$new" ]; then
    old=$(printf '%s\n' "$all" | grep -vx -- "$new" | tail -n1)
  fi
  { [ -n "$old" ] && [ "$old" != "$new" ]; } || die "the archive offers one arm64 kernel only: $all"
  echo "$old $new"
}

# .deb files into CACHE/debs (kept: later runs download nothing).
fetch_deb() {
  local debs=$1 pkg=$2
  ls "$debs/${pkg}"_*_arm64.deb >/dev/null 2>&1 && return 0
  mkdir -p "$debs"
  (cd "$debs" && { apt-get download -qq "$pkg:arm64" 2>/dev/null ||
                   { apt-get update -qq && apt-get download -qq "$pkg:arm64"; }; })
}
deb_of() { find "$1" -maxdepth 1 -name "${2}_*_arm64.deb" | sort | head -n1; }

mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
}

in_root() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive SYSTEMD_RELAX_ESP_CHECKS=1 chroot "$root" "$@"
}

cmd_disk() {
  local cache=$1 work=$2 out=$3 base old new debs mid
  base=$(cmd_rootfs "$cache")
  read -r old new < <(kernel_pkgs)
  debs=$cache/debs
  fetch_deb "$debs" "$old"
  fetch_deb "$debs" "$new"
  ensure_binfmt
  [ -f "$REPO/build/BOOTAA64.EFI" ] || die "build/BOOTAA64.EFI missing (make efi)"

  rm -rf "$work" && mkdir -p "$work"
  root=$work/root
  trap cleanup EXIT
  log "copying $(basename "$base")"
  cp -a "$base" "$root"

  # What an installer would have written: identity, file systems, kernel command line.
  mid=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "$mid" >"$root/etc/machine-id"
  echo kaslboot-e2e >"$root/etc/hostname"
  cat >"$root/etc/fstab" <<EOF
LABEL=$ROOT_LABEL  /          ext4  errors=remount-ro  0 1
LABEL=$ESP_LABEL          /boot/efi  vfat  umask=0077         0 0
EOF
  mkdir -p "$root/etc/kernel"
  echo "root=LABEL=$ROOT_LABEL ro console=ttyAMA0" >"$root/etc/kernel/cmdline"
  # initrds with the modules this virtual machine needs rather than Debian's "most": under
  # emulation, update-initramfs spends minutes copying modules one process at a time.
  echo MODULES=list >"$root/etc/initramfs-tools/conf.d/kaslboot-e2e.conf"
  printf '%s\n' virtio_pci virtio_blk >>"$root/etc/initramfs-tools/modules"
  # The serial console belongs to the report; no login prompt on it.
  ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyAMA0.service"
  install -D -m 0755 "$GUEST/kaslboot-e2e" "$root/usr/local/sbin/kaslboot-e2e"
  install -D -m 0644 "$GUEST/kaslboot-e2e.service" "$root/etc/systemd/system/kaslboot-e2e.service"
  mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
  ln -sf ../kaslboot-e2e.service "$root/etc/systemd/system/multi-user.target.wants/kaslboot-e2e.service"
  mkdir -p "$root/root/debs"
  cp "$(deb_of "$debs" "$new")" "$root/root/debs/"
  printf 'OLD=%s\nNEW=%s\n' "${old#linux-image-}" "${new#linux-image-}" >"$root/root/debs/versions"

  # The ESP is a tmpfs at /boot/efi while the kernel is installed, so that kernel-install
  # sees a mount point there (90-loaderentry writes paths relative to it); its files then
  # go into the FAT file system.
  mkdir -p "$root/boot/efi"
  mount -t tmpfs -o size=${ESP_MIB}m,mode=0700 kaslboot-esp "$root/boot/efi"; mounts+=("$root/boot/efi")
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  mount --bind /dev "$root/dev"; mounts+=("$root/dev")

  log "make install DESTDIR=<image>; kaslboot-install --esp-path <image>/boot/efi --root <image>"
  make -s -C "$REPO" install DESTDIR="$root" >&2
  SYSTEMD_RELAX_ESP_CHECKS=1 "$root/usr/bin/kaslboot-install" --esp-path "$root/boot/efi" \
    --root "$root" --efi "$root/usr/lib/kaslboot/kaslbootaa64.efi" --no-variables >&2

  log "dpkg -i $old (its hooks write the entry, under qemu-user)"
  cp "$(deb_of "$debs" "$old")" "$root/tmp/"
  in_root dpkg -i "/tmp/$(basename "$(deb_of "$debs" "$old")")" >&2
  rm -f "$root"/tmp/*.deb
  ls "$root/boot/efi/loader/entries/$mid-${old#linux-image-}.conf" >/dev/null ||
    die "the hooks wrote no entry for $old"

  log "file systems and the disk"
  local esp_img=$work/esp.part root_img=$work/root.part
  mkfs.vfat -F 32 -n "$ESP_LABEL" -C "$esp_img" $((ESP_MIB * 1024)) >/dev/null
  MTOOLS_SKIP_CHECK=1 mcopy -s -p -i "$esp_img" "$root"/boot/efi/* ::/
  cleanup; mounts=()
  truncate -s ${ROOT_MIB}M "$root_img"
  mkfs.ext4 -q -L "$ROOT_LABEL" -d "$root" "$root_img"
  rm -f "$out"
  truncate -s $((1 + ESP_MIB + ROOT_MIB + 1))M "$out"
  sgdisk -n 1:2048:+${ESP_MIB}M -t 1:EF00 -c 1:ESP \
            -n 2:0:+${ROOT_MIB}M -t 2:8305 -c 2:root "$out" >/dev/null
  dd if="$esp_img" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
  dd if="$root_img" of="$out" bs=1M seek=$((1 + ESP_MIB)) conv=notrunc,sparse status=none
  rm -rf "$root" "$esp_img" "$root_img"
  log "$out: kaslboot, $old installed, $new in /root/debs"
}

case ${1:-} in
kernels) kernel_pkgs ;;
rootfs) cmd_rootfs "$2" ;;
disk) cmd_disk "$2" "$3" "$4" ;;
*) echo "usage: $0 kernels|rootfs CACHE|disk CACHE WORK OUT" >&2; exit 2 ;;
esac
