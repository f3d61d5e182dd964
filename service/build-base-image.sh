#!/usr/bin/env bash
# Builds a Debian bookworm image with a headless JRE 17 and jemalloc, straight from Debian
# packages with debootstrap, and imports it into the local Docker engine. For machines
# with no image registry; anywhere else the Dockerfile's default Temurin base works as is.
#
#   service/build-base-image.sh [IMAGE]     (default cnn-service-base:bookworm-jre17)
# Reuses the image when it already exists. Takes about 4 minutes. Needs root, debootstrap
# and a Debian mirror, taken from apt's own configuration unless DEBIAN_MIRROR is set.
set -euo pipefail
image="${1:-cnn-service-base:bookworm-jre17}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image already exists"
  exit 0
fi
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found; set DEBIAN_MIRROR" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=openjdk-17-jre-headless,libjemalloc2,ca-certificates \
  bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import \
  -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image" >/dev/null
echo "built $image"
