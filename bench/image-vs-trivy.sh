#!/usr/bin/env bash
# Times `seawall image --input` against Trivy on the same archive, cold (empty cache) and warm (second run),
# with peak memory, and prints the ratios. Usage: bench/image-vs-trivy.sh [ARCHIVE] [RUNS]
# Default archive: the ~1.3 GB four-layer image bench/fixtures/make-large.sh builds from this machine's files.
# Seawall runs as the Native AOT binary users get; Trivy is the cdxgen build (see DEVELOPERS.md), offline.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:-/var/tmp/seawall-fixtures/large.tar}
runs=${2:-3}
[ -s "$archive" ] || bench/fixtures/make-large.sh "$archive"
trivy=$(command -v trivy-cdxgen || true)
[ -n "$trivy" ] || { echo "bench: trivy-cdxgen not found; run .ci/install" >&2; exit 1; }

out=$(mktemp -d /tmp/seawall-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "publishing seawall (Native AOT)..." >&2
dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null

# One measurement: wall seconds and peak RSS (KB) of a command, from GNU time.
measure() { /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }; cat "$out/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A wall mem
run_tool() { # name, cache-dir-maker, command...
  local name=$1; shift
  : > "$out/cold"; : > "$out/warm"
  for _ in $(seq "$runs"); do
    rm -rf "$out/cache"; mkdir -p "$out/cache"
    sync; measure "$@" >> "$out/cold"
    measure "$@" >> "$out/warm"
  done
  wall[$name-cold]=$(cut -d' ' -f1 "$out/cold" | median); mem[$name-cold]=$(cut -d' ' -f2 "$out/cold" | median)
  wall[$name-warm]=$(cut -d' ' -f1 "$out/warm" | median); mem[$name-warm]=$(cut -d' ' -f2 "$out/warm" | median)
}

run_tool seawall "$out/bin/seawall" image --input "$archive" --format cyclonedx --cache-dir "$out/cache" --quiet -o "$out/seawall.cdx.json"
run_tool trivy "$trivy" image --input "$archive" --format cyclonedx --skip-db-update --offline-scan --cache-dir "$out/cache" --quiet -o "$out/trivy.cdx.json"

size=$(du -m "$archive" | cut -f1)
pkgs_s=$(grep -o '"purl"' "$out/seawall.cdx.json" | wc -l); pkgs_t=$(grep -o '"purl"' "$out/trivy.cdx.json" | wc -l)
echo
echo "archive: $archive (${size} MB), median of $runs runs, $(nproc) cores, $(date -u +%F)"
printf '%-8s %-6s %10s %12s\n' tool cache "wall (s)" "peak (MB)"
for k in seawall-cold seawall-warm trivy-cold trivy-warm; do
  printf '%-8s %-6s %10s %12s\n' "${k%-*}" "${k#*-}" "${wall[$k]}" "$(( ${mem[$k]} / 1024 ))"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "ratio seawall/trivy: cold $(ratio "${wall[seawall-cold]}" "${wall[trivy-cold]}") (target <= 0.20), warm $(ratio "${wall[seawall-warm]}" "${wall[trivy-warm]}"); seawall warm ${wall[seawall-warm]} s (target < 0.3 s); peak $(( ${mem[seawall-cold]} / 1024 )) MB (target < 150 MB)"
echo "purls: seawall $pkgs_s, trivy $pkgs_t"
