#!/usr/bin/env bash
# Times `seawall host` (Native AOT) against `lynis audit system --quick` on this machine, and prints the ratio.
# Both only read; Lynis writes its log and report under the bench's temporary folder, not /var/log.
# Usage: bench/host-vs-lynis.sh [RUNS]   (median of RUNS seawall runs, default 5; Lynis runs once: it takes minutes)
# SEAWALL_BIN=path skips the publish.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v lynis >/dev/null || { echo "bench: lynis not found; run .ci/install" >&2; exit 1; }
out=$(mktemp -d /tmp/seawall-host-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
if [ -n "${SEAWALL_BIN:-}" ]; then
  seawall=$SEAWALL_BIN
else
  echo "publishing seawall (Native AOT)..." >&2
  dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null
  seawall="$out/bin/seawall"
fi
measure() { /usr/bin/time -f "%e %M" -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr" || true; cat "$out/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$out/seawall"
for _ in $(seq "$runs"); do
  measure "$seawall" host --format json --include-passed --cache-dir "$out/cache" -o "$out/host.json" >> "$out/seawall"
done
checks=$(grep -o '"checkId"' "$out/host.json" | wc -l)
lynis_time=$(measure lynis audit system --quick --no-colors --logfile "$out/lynis.log" --report-file "$out/lynis.dat")

sw=$(cut -d' ' -f1 "$out/seawall" | median); swmem=$(cut -d' ' -f2 "$out/seawall" | median)
ly=${lynis_time%% *}; lymem=${lynis_time##* }
echo
echo "host: $(hostname), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
printf '%-8s %10s %12s\n' tool "wall (s)" "peak (MB)"
printf '%-8s %10s %12s\n' seawall "$sw" "$(( swmem / 1024 ))"
printf '%-8s %10s %12s\n' lynis "$ly" "$(( lymem / 1024 ))"
echo "ratio seawall/lynis: $(awk -v a="$sw" -v b="$ly" 'BEGIN { printf "%.3f", a / b }'); seawall $sw s (target < 2 s); seawall findings listed: $checks"
