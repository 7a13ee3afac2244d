#!/usr/bin/env bash
# The advisory database's two budgets (issue 4): importing every OSV zip of ../shared/data/osv-db in at most 10 s,
# and looking up 10,000 packages in a small part of the matcher's 0.3 s.
#   import: `seawall db import <every all.zip>` with the Native AOT binary users get, into a fresh cache folder each
#           run: wall time, CPU time (user + sys) and peak RSS from GNU time, the database's size.
#   lookup: bench/advisory-db (Release) imports the same zips, then asks AdvisoryStore.LookupMany for 10,000 packages
#           (every package the zips name, padded with misses), reading every entry's ranges, as the matcher will.
# Usage: bench/advisory-db.sh [RUNS] [OSV_DB_DIR]   (median of RUNS, default 3; SEAWALL_BIN=path skips the publish)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
osvdb=$(realpath "${2:-../shared/data/osv-db}")
zips=("$osvdb"/*/all.zip)
[ -f "${zips[0]}" ] || { echo "bench: no <Ecosystem>/all.zip under $osvdb" >&2; exit 1; }

out=$(mktemp -d /tmp/seawall-advdb-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
if [ -n "${SEAWALL_BIN:-}" ]; then
  seawall=$SEAWALL_BIN
else
  echo "publishing seawall (Native AOT)..." >&2
  dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null
  seawall="$out/bin/seawall"
fi
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$out/wall"; : > "$out/cpu"; : > "$out/rss"
for run in $(seq "$runs"); do
  rm -rf "$out/cache"
  /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$seawall" db import "${zips[@]}" --cache-dir "$out/cache" --quiet >/dev/null
  read -r wall user sys rss < "$out/time"
  echo "$wall" >> "$out/wall"; awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }' >> "$out/cpu"; echo $((rss / 1024)) >> "$out/rss"
  echo "import run $run: ${wall} s wall, $(tail -1 "$out/cpu") s CPU, $(tail -1 "$out/rss") MB peak" >&2
done
db="$out/cache/db/seawall-advisories.db"
echo "import of ${#zips[@]} zips ($(for z in "${zips[@]}"; do basename "$(dirname "$z")"; done | paste -sd, -)): median $(median < "$out/wall") s wall, $(median < "$out/cpu") s CPU, $(median < "$out/rss") MB peak RSS (target <= 10 s)"
echo "database size: $(awk -v b="$(stat -c %s "$db")" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
"$seawall" db info --cache-dir "$out/cache" | sed -n '/^SOURCE/,$p'

echo "building the lookup harness..." >&2
dotnet build -c Release bench/advisory-db >/dev/null
dotnet bench/advisory-db/bin/Release/net10.0/Seawall.Bench.AdvisoryDb.dll "$osvdb" 1 | grep -E '^lookup'
