#!/usr/bin/env bash
# Copies the models shipped in the image into a model store volume. A volume mounted at
# /model-store hides the image's own /model-store: on Kubernetes a new cluster would serve
# no model at all, and under docker-compose a volume made by an older image lacks the models
# shipped since (Docker fills only a new volume). Run by the Deployment's init container and
# by docker-compose's seed-model-store, with the volume mounted elsewhere:
#
#   seed-model-store.sh /model-store /seed
#
# Only versions the store lacks are copied: a version that is there, shipped or trained,
# is never touched, so restarts and upgrades keep what users made. Each version is copied
# into a hidden folder next to its place and renamed into it, the way the service writes
# versions, so a replica never sees half a model; when several replicas start at once on
# a shared volume, the first rename wins and the others drop their copy.
set -euo pipefail
src="${1:?usage: seed-model-store.sh SOURCE TARGET}"
dst="${2:?usage: seed-model-store.sh SOURCE TARGET}"
[ -d "$dst" ] && [ -w "$dst" ] || { echo "seed-model-store: $dst is not a writable folder" >&2; exit 1; }

shopt -s nullglob
for version in "$src"/*/*/; do
  version="${version%/}"
  name="$(basename "$(dirname "$version")")"
  v="$(basename "$version")"
  [ -f "$version/model.json" ] || continue
  target="$dst/$name/$v"
  if [ -e "$target" ]; then
    echo "seed-model-store: $name version $v is already there, left as it is"
    continue
  fi
  mkdir -p "$dst/$name"
  # copies that a killed init container left behind ten minutes ago or more
  find "$dst/$name" -maxdepth 1 -name ".seed-$v-*" -mmin +10 -exec rm -rf {} + 2>/dev/null || true
  tmp="$(mktemp -d "$dst/$name/.seed-$v-XXXXXX")"
  cp -R "$version/." "$tmp/"
  chmod 755 "$tmp"
  if mv -T "$tmp" "$target" 2>/dev/null; then
    echo "seed-model-store: copied $name version $v"
  else
    rm -rf "$tmp"
    echo "seed-model-store: $name version $v appeared meanwhile, left as it is"
  fi
done
