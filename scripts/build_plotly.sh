#!/usr/bin/env bash
# Rebuild static/vendor/plotly/plotly.min.js: plotly.js with only the trace types the site
# draws (scatter, bar, heatmap), from the npm registry's plotly.js at the version the
# installed plotly.py writes figures for. The versions are pinned in scripts/plotly/
# (package.json and its package-lock.json); indicators/apps.py checks the banner's version
# against plotly.py's at start-up. Needs node and npm; writes nothing outside the repo but
# the scratch folder /tmp/parkplan-plotly-build. Usage: scripts/build_plotly.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/static/vendor/plotly"
# A fixed folder: the bundle names its inlined stylesheet after the file's absolute path, so
# the same path gives the same bytes on every machine.
WORK=/tmp/parkplan-plotly-build
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

want="$("$ROOT/.venv/bin/python" -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')"
pinned="$(node -p "require('$ROOT/scripts/plotly/package.json').dependencies['plotly.js']")"
if [ "$want" != "$pinned" ]; then
  echo "plotly.py expects plotly.js $want but scripts/plotly/package.json pins $pinned: update the pin and run 'npm install --package-lock-only' there" >&2
  exit 1
fi

echo "==> Installing plotly.js $pinned and esbuild (npm ci, pinned by scripts/plotly/package-lock.json)"
cp "$ROOT"/scripts/plotly/{package.json,package-lock.json,index.js,build.js} "$WORK/"
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "==> Bundling"
(cd "$WORK" && node build.js "$WORK/plotly.min.js")
mkdir -p "$OUT"
cp "$WORK/plotly.min.js" "$OUT/plotly.min.js"
cp "$WORK/node_modules/plotly.js/LICENSE" "$OUT/LICENSE"
printf '%s %s bytes, %s bytes gzipped\n' "$OUT/plotly.min.js" "$(wc -c <"$OUT/plotly.min.js")" "$(gzip -6c "$OUT/plotly.min.js" | wc -c)"
