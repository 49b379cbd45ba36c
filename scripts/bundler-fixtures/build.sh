#!/usr/bin/env bash
# Builds one fixture project with the real bundler and writes its fixture.
#
#   scripts/bundler-fixtures/build.sh <build> [--seed S] [--out FILE] [--no-crosscheck]
#
# <build>: vite8 vite7 vite8-manifest esbuild webpack5 cra angular
# Work happens in $BUNDLERS_WORK (default /tmp/bundlers)/<project>; nothing is
# built inside the repo. Without --seed it builds seed "a", writes
# test/testdata/bundlers/<build>.json, then builds seed "b" (same source
# names, different content) and runs crosscheck.mjs on the two listings.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
WORK="${BUNDLERS_WORK:-/tmp/bundlers}"
BUILD="${1:?usage: build.sh <build> [--seed S] [--out FILE] [--no-crosscheck]}"; shift
SEED=""; OUT=""; CROSS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) SEED="$2"; shift 2;;
    --out) OUT="$2"; shift 2;;
    --no-crosscheck) CROSS=0; shift;;
    *) echo "unknown arg $1" >&2; exit 2;;
  esac
done

if [ -z "$SEED" ]; then
  "$0" "$BUILD" --seed a --out "${OUT:-$REPO/test/testdata/bundlers/$BUILD.json}"
  if [ "$CROSS" = 1 ]; then
    "$0" "$BUILD" --seed b --out "$WORK/$BUILD-b.fixture.json"
    node "$HERE/crosscheck.mjs" "$WORK/$BUILD-a.listing.json" "$WORK/$BUILD-b.listing.json"
  fi
  exit 0
fi
OUT="${OUT:-$WORK/$BUILD-$SEED.fixture.json}"

case "$BUILD" in
  vite8|vite8-manifest) PROJ=vite8; TPL=vite8; FLAVOR=react;;
  vite7) PROJ=vite7; TPL=vite7; FLAVOR=react;;
  esbuild) PROJ=esbuild; TPL=esbuild; FLAVOR=react;;
  webpack5) PROJ=webpack5; TPL=webpack5; FLAVOR=react;;
  cra) PROJ=cra; TPL=cra; FLAVOR=react;;
  angular) PROJ=angular; TPL=angular; FLAVOR=angular;;
  *) echo "unknown build $BUILD" >&2; exit 2;;
esac
P="$WORK/$PROJ"
mkdir -p "$P"
cp -r "$HERE/templates/$TPL/." "$P/"
case "$TPL" in vite*) cp "$HERE/templates/shared/vite-fixture-meta.js" "$P/";; esac
cd "$P"
if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi

rm -rf public dist build fixture-meta.json meta.json stats.json
GEN_ARGS=(--flavor "$FLAVOR" --seed "$SEED")
case "$BUILD" in
  webpack5) GEN_ARGS+=(--chunk-names);;
  cra) GEN_ARGS+=(--entry index.js);;
esac
node "$HERE/gen-src.mjs" "$P" "${GEN_ARGS[@]}"
node "$HERE/gen-public.mjs" "$P/public"
[ -f "$P/index.public.html" ] && cp "$P/index.public.html" "$P/public/index.html"   # CRA keeps its HTML template in public/

case "$BUILD" in
  vite8-manifest) FIXTURE_MANIFEST=1 npx vite build;;
  vite8|vite7) FIXTURE_MANIFEST=0 npx vite build;;
  esbuild) npm run build --silent;;
  webpack5) npx webpack --mode production --json stats.json;;
  cra) npx react-scripts build --stats && mv build/bundle-stats.json stats.json;;
  angular) npx ng build --configuration production --stats-json;;
esac

node "$HERE/write-fixture.mjs" "$BUILD" "$P" --seed "$SEED" --out "$OUT" \
  --listing "$WORK/$BUILD-$SEED.listing.json"
