#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Debian arm64 system that tests/integration/test_debian_e2e.py boots: a GPT
# disk with an ESP (FAT) and an ext4 root, on which kaslboot was installed by
# kaslboot-install and the Debian kernel's entry was written by kaslboot's hooks through
# systemd's kernel-install, as on a real machine. SUITE (environment) picks the release:
# trixie (Debian 13, systemd 257, Linux 6.12; the default) or bookworm (Debian 12, systemd
# 252, Linux 6.1). Needs root (chroot, mounts), mmdebstrap and qemu-user-static (arm64
# maintainer scripts run under binfmt_misc). Packages come from the mirror this machine's
# apt uses (scripts/debian-mirror.sh): the project names none.
#
#   mkdebian.sh kernels CACHE           print "OLD NEW": the two kernel packages used
#   mkdebian.sh rootfs CACHE            CACHE/rootfs-SUITE-<hash>/, built once per recipe
#   mkdebian.sh rootfs-dir CACHE        print that directory's name, build nothing
#   mkdebian.sh disk CACHE WORK OUT     OUT: the disk image (WORK: scratch space)
#
# The cached rootfs holds only Debian's packages, no kaslboot, so it is cached under
# CACHE keyed by a hash of its recipe (the function below, the suite and the mirror): only
# the first run, or a changed recipe, pays for mmdebstrap. `disk` then installs kaslboot
# and the kernel into a copy of it, every run, so that what is tested is this tree's
# installer and hooks.
set -euo pipefail
# Debian's own tools only: mmdebstrap runs a Python filter per package, and a python3 shim
# earlier in PATH (pyenv) would cost seconds each.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
GUEST=$REPO/tests/integration/debian
SUITE=${SUITE:-trixie}
case $SUITE in
bookworm | trixie) ;;
*) echo "mkdebian: error: SUITE=$SUITE: bookworm or trixie" >&2; exit 2 ;;
esac
read -r MIRROR SECURITY_MIRROR < <(bash "$HERE/debian-mirror.sh")
MIRRORS=(
  "deb $MIRROR $SUITE main"
  "deb $MIRROR $SUITE-updates main"
  "deb $SECURITY_MIRROR $SUITE-security main"
)
ESP_MIB=320            # three cloud kernels (one unsigned) with their initrds, and room to spare
# Debian 13's machine boots with Secure Boot on and Debian's snakeoil test keys enrolled
# (qemu-run.py --secure-boot): the user's own key is that db key, which qemu-efi-aarch64
# ships with a passphrase the kernel hooks cannot type (README.Debian: "snakeoil").
case $SUITE in trixie) SECURE_BOOT=1 ;; *) SECURE_BOOT=0 ;; esac
SNAKEOIL_KEY=/usr/share/qemu-efi-aarch64/PkKek-1-snakeoil.key
SNAKEOIL_CERT=/usr/share/qemu-efi-aarch64/PkKek-1-snakeoil.pem
SNAKEOIL_PASS=snakeoil
# Where the guest keeps that key, root's only (as sbctl keeps its keys under /var/lib/sbctl).
GUEST_KEY_DIR=/etc/secureboot
ROOT_MIB=2048
ROOT_LABEL=debian-root
ESP_LABEL=ESP

log() { echo "mkdebian: $*" >&2; }
die() { echo "mkdebian: error: $*" >&2; exit 1; }

# The recipe of the cached rootfs. Its text is hashed: edit it and the cache rebuilds.
# minbase plus what the test needs: systemd as init, udev, efibootmgr, bootctl,
# initramfs-tools and what Debian's kernel packages depend on. bootctl: Debian 12 ships it
# in systemd-boot (whose hooks stay idle, as systemd-boot is never installed on the ESP),
# Debian 13 in systemd-boot-tools (no hooks). Debian 13 also gets what a user signing
# their own kernels and sealing secrets to the TPM installs: sbsigntool,
# systemd-cryptenroll (systemd-cryptsetup, cryptsetup-bin) and the TSS libraries systemd
# loads for the TPM. The kernels are not in it: `disk` installs them after kaslboot, so
# that kaslboot's hooks write their entries.
build_rootfs() {
  local out=$1 pkgs=systemd,systemd-sysv,udev,efibootmgr,initramfs-tools,kmod,linux-base,zstd,e2fsprogs
  case $SUITE in
  bookworm) pkgs+=,systemd-boot ;;
  trixie) pkgs+=,systemd-boot-tools,sbsigntool,systemd-cryptsetup,cryptsetup-bin,libtss2-esys-3.0.2-0t64,libtss2-rc0t64,libtss2-mu-4.0.1-0t64,libtss2-tcti-device0t64 ;;
  esac
  # shellcheck disable=SC2016
  mmdebstrap --architectures=arm64 --variant=minbase \
    --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='APT::Install-Recommends "false"' \
    --include="$pkgs" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id' \
    "$SUITE" "$out" "${MIRRORS[@]}"
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
    die "qemu-aarch64 is not registered with binfmt_misc (is qemu-user-static installed? Debian 13: qemu-user-binfmt)"
}

rootfs_dir() {
  local cache=$1 hash
  hash=$(declare -f build_rootfs | cat - <(printf '%s\n' "${MIRRORS[@]}") | sha256sum | cut -c1-16)
  echo "$cache/rootfs-$SUITE-$hash"
}

cmd_rootfs() {
  local cache=$1 dir
  mkdir -p "$cache"
  dir=$(rootfs_dir "$cache")
  if [ -d "$dir" ]; then echo "$dir"; return 0; fi
  ensure_binfmt
  log "building $dir with mmdebstrap (once per recipe)"
  rm -rf "$cache"/rootfs-"$SUITE"-*
  # A directory, not a tarball: copying it is quicker than unpacking one.
  build_rootfs "$dir.tmp" >&2
  mv "$dir.tmp" "$dir"
  echo "$dir"
}

# The two kernels: OLD is installed when the image is made, NEW later, by the guest. NEW
# must sort after OLD (BLS: the newest version boots by default). Preferred: two ABIs of
# the cloud flavour (a real upgrade, e.g. 6.1.0-50-cloud-arm64 -> 6.1.0-57-cloud-arm64 in
# Debian 12, 6.12.117+deb13-cloud-arm64 -> 6.12.118+deb13-cloud-arm64 in Debian 13); with
# one ABI in the archive, OLD is the generic flavour, which sorts before "cloud". The
# suite's package lists and .deb files are apt-suite.sh's, kept under CACHE/apt.
apt_suite() { bash "$HERE/apt-suite.sh" "$@"; }
kernel_pkgs() {
  local cache=$1 all old new
  all=$(apt_suite --show "$SUITE" arm64 "$cache/apt" linux-image-cloud-arm64 linux-image-arm64 2>/dev/null |
        sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//' |
        grep -E '^linux-image-[0-9.]+(-[0-9]+|\+deb[0-9]+)-(cloud-)?arm64$' | sort -uV)
  [ -n "$all" ] || die "$SUITE offers no linux-image-*-arm64 (apt-suite.sh --show $SUITE arm64 ...)"
  new=$(printf '%s\n' "$all" | tail -n1)
  old=$(printf '%s\n' "$all" | grep -- '-cloud-arm64$' | head -n1)
  if [ "$old" = "$new" ]; then
    old=$(printf '%s\n' "$all" | grep -vx -- "$new" | tail -n1)
  fi
  { [ -n "$old" ] && [ "$old" != "$new" ]; } || die "the archive offers one arm64 kernel only: $all"
  echo "$old $new"
}

# The .deb of a package (downloaded once, kept: later runs download nothing).
deb_of() { apt_suite --deb "$SUITE" arm64 "$1/apt" "$2"; }

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
  local cache=$1 work=$2 out=$3 base old new old_deb new_deb mid
  base=$(cmd_rootfs "$cache")
  read -r old new < <(kernel_pkgs "$cache")
  old_deb=$(deb_of "$cache" "$old")
  new_deb=$(deb_of "$cache" "$new")
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
  cp "$new_deb" "$root/root/debs/"
  printf 'OLD=%s\nNEW=%s\nSECURE_BOOT=%s\n' "${old#linux-image-}" "${new#linux-image-}" "$SECURE_BOOT" \
    >"$root/root/debs/versions"

  # The ESP is a tmpfs at /boot/efi while the kernel is installed, so that kernel-install
  # sees a mount point there (90-loaderentry writes paths relative to it); its files then
  # go into the FAT file system.
  mkdir -p "$root/boot/efi"
  mount -t tmpfs -o size=${ESP_MIB}m,mode=0700 kaslboot-esp "$root/boot/efi"; mounts+=("$root/boot/efi")
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  mount --bind /dev "$root/dev"; mounts+=("$root/dev")

  log "make install DESTDIR=<image>; kaslboot-install --esp-path <image>/boot/efi --root <image>"
  make -s -C "$REPO" install DESTDIR="$root" >&2
  local sign=()
  if [ "$SECURE_BOOT" = 1 ]; then
    install -d -m 0700 "$root$GUEST_KEY_DIR"
    openssl pkey -in "$SNAKEOIL_KEY" -passin "pass:$SNAKEOIL_PASS" -out "$root$GUEST_KEY_DIR/db.key"
    chmod 0600 "$root$GUEST_KEY_DIR/db.key"
    cp "$SNAKEOIL_CERT" "$root$GUEST_KEY_DIR/db.crt"
    sign=(--sign-key "$root$GUEST_KEY_DIR/db.key" --sign-cert "$root$GUEST_KEY_DIR/db.crt")
  fi
  SYSTEMD_RELAX_ESP_CHECKS=1 "$root/usr/bin/kaslboot-install" --esp-path "$root/boot/efi" \
    --root "$root" --efi "$root/usr/lib/kaslboot/kaslbootaa64.efi" --no-variables "${sign[@]}" >&2

  log "dpkg -i $old (its hooks write the entry, under qemu-user)"
  cp "$old_deb" "$root/tmp/"
  in_root dpkg -i "/tmp/$(basename "$old_deb")" >&2
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
kernels) kernel_pkgs "$2" ;;
rootfs) cmd_rootfs "$2" ;;
rootfs-dir) rootfs_dir "$2" ;;
disk) cmd_disk "$2" "$3" "$4" ;;
*) echo "usage: [SUITE=trixie|bookworm] $0 kernels|rootfs CACHE|disk CACHE WORK OUT" >&2; exit 2 ;;
esac
