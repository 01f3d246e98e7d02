#!/usr/bin/env bash
# The base image for the API and nginx images, made from Debian's own packages (Docker Hub is not reachable
# here): `debootstrap --variant=minbase bookworm` into a folder, then `docker import` as local/debian:bookworm.
# Reused when the tag exists (BASE_IMAGE_REBUILD=1 makes it again). Root only (debootstrap needs it).
# The Debian mirror is the one apt uses on this host (/etc/apt/sources.list*), or DEBIAN_MIRROR if set.
set -euo pipefail

TAG="${BASE_IMAGE:-local/debian:bookworm}"
SUITE=bookworm
DOCKER="${DOCKER:-docker}"

if [ "${BASE_IMAGE_REBUILD:-0}" != 1 ] && "$DOCKER" image inspect "$TAG" >/dev/null 2>&1; then
    echo "base image $TAG is present: reused"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "error: building $TAG needs root (debootstrap); run as root or load the image another way" >&2
    exit 2
fi
command -v debootstrap >/dev/null || { echo "error: debootstrap is missing (apt-get install debootstrap)" >&2; exit 2; }

# The mirror apt uses here: the first Debian archive URI (one-line or deb822 format), and its security archive.
sources() { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; }
MIRROR="${DEBIAN_MIRROR:-$(sources | grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ')}"
SECURITY="${DEBIAN_SECURITY_MIRROR:-$(sources | grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian-security/?( |$)' | head -n1 | tr -d ' ')}"
[ -n "$MIRROR" ] || { echo "error: no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR" >&2; exit 2; }

ROOTFS="$(mktemp -d /tmp/base-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap $SUITE (minbase) from the host's Debian mirror into $ROOTFS"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
    || { tail -n 20 "$ROOTFS.log" >&2; rm -f "$ROOTFS.log"; exit 1; }
rm -f "$ROOTFS.log"

# The same suites the host uses, so images built on this base get Debian's security updates too.
{
    echo "deb $MIRROR $SUITE main"
    echo "deb $MIRROR $SUITE-updates main"
    [ -z "$SECURITY" ] || echo "deb $SECURITY $SUITE-security main"
} >"$ROOTFS/etc/apt/sources.list"
# No package caches or lists in the image; apt in a Dockerfile fetches its lists and removes them again.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*

tar --numeric-owner -C "$ROOTFS" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --message "debootstrap --variant=minbase $SUITE" - "$TAG" >/dev/null
echo "base image $TAG: $("$DOCKER" image inspect -f '{{.Size}}' "$TAG") bytes"
