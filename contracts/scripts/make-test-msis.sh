#!/bin/sh
# Builds the small .msi files the MSI reader and the pack tests use, with Debian's wixl (apt-get install wixl),
# and prints what msiinfo sees in each so the reader's results can be cross-checked by hand.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../test/fixtures/msi"
mkdir -p "$out"
cd "$here/msi"
wixl -a x64 -o "$out/machine-service.msi" machine-service.wxs
wixl -a x86 -o "$out/per-user.msi" per-user.wxs
wixl -a x86 -o "$out/dual-purpose.msi" dual-purpose.wxs
for msi in "$out"/*.msi; do
  echo "== $(basename "$msi")"
  msiinfo suminfo "$msi" | grep -E 'Revision number|Template'
  msiinfo export "$msi" Property | tail -n +4
done
