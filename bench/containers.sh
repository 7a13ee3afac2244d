#!/usr/bin/env bash
# Audits N running containers (default 200) with `seawall containers` (Native AOT) on this machine's dockerd, and
# compares with what a docker-bench-security style audit costs on the same containers: it runs `docker inspect`
# once per container per check (section 5 has 25 inspect-based checks in docker-bench 1.6.0), so the bench times one
# such pass over every container and multiplies, and times one `docker inspect` of all containers as the floor any
# API client pays. docker-bench itself is not packaged in Debian and this machine is offline, so it is not run.
# Usage: bench/containers.sh [N] [RUNS]   SEAWALL_BIN=path skips the publish; KEEP=1 leaves the containers running.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
runs=${2:-5}
docker info >/dev/null 2>&1 || { echo "bench: no Docker daemon; start it with .ci/services start" >&2; exit 1; }
out=$(mktemp -d /tmp/seawall-containers-bench.XXXXXX)
prefix=seawall-bench-$$
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    docker ps -aq --filter "name=$prefix-" | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  rm -rf "$out"
}
trap cleanup EXIT
if [ -n "${SEAWALL_BIN:-}" ]; then
  seawall=$SEAWALL_BIN
else
  echo "publishing seawall (Native AOT)..." >&2
  dotnet publish src/Seawall.Cli -c Release -o "$out/bin" >/dev/null
  seawall="$out/bin/seawall"
fi

# The smallest image that runs: this machine's sleep and its libraries.
mkdir -p "$out/root/bin"
cp -L /bin/sleep "$out/root/bin/"
for lib in $(ldd /bin/sleep | grep -o '/[^ ]*'); do mkdir -p "$out/root$(dirname "$lib")"; cp -L "$lib" "$out/root$lib"; done
tar -C "$out/root" -cf "$out/sleep.tar" .
docker import "$out/sleep.tar" seawall-bench/sleep:1 >/dev/null

echo "starting $count containers..." >&2
start=$(date +%s)
# A mix of the shapes the checks judge: defaults, hardened, added capabilities, host PID, a bind mount.
seq "$count" | xargs -P 4 -I{} sh -c '
  case $(( {} % 4 )) in
    0) opts="--network none" ;;
    1) opts="--network none --read-only --cap-drop ALL --security-opt no-new-privileges --user 1000:1000 --memory 64m --pids-limit 50" ;;
    2) opts="--network none --cap-add NET_ADMIN --restart on-failure:3" ;;
    3) opts="--network none --pid host -v /etc/hostname:/data/hostname:ro" ;;
  esac
  docker run -d --name '"$prefix"'-{} $opts seawall-bench/sleep:1 /bin/sleep infinity >/dev/null'
echo "started in $(( $(date +%s) - start )) s" >&2
running=$(docker ps -q --filter "name=$prefix-" | wc -l)

measure() { /usr/bin/time -f "%e %M" -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr" || true; cat "$out/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
"$seawall" containers --format json -o "$out/warm.json" --quiet || true
: > "$out/seawall"
for _ in $(seq "$runs"); do
  measure "$seawall" containers --format json --include-passed -o "$out/containers.json" --quiet >> "$out/seawall"
done
audited=$(grep -c '"class": "containers"' "$out/containers.json" || true)
kernel=$(grep -c '"kernelChecked": true' "$out/containers.json" || true)
findings=$(grep -c '"checkId"' "$out/containers.json" || true)

ids=$(docker ps -q --filter "name=$prefix-")
floor=$(measure docker inspect $ids)
one_pass_start=$(date +%s.%N)
for id in $ids; do docker inspect --format '{{ .HostConfig.Privileged }}' "$id" >/dev/null; done
one_pass=$(awk -v s="$one_pass_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
bench_estimate=$(awk -v p="$one_pass" 'BEGIN { printf "%.1f", p * 25 }')

sw=$(cut -d' ' -f1 "$out/seawall" | median); swmem=$(cut -d' ' -f2 "$out/seawall" | median)
echo
echo "host: $(hostname), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F), $(docker version --format '{{.Server.Version}}') $running of $count containers running"
printf '%-44s %10s %10s\n' what "wall (s)" "peak (MB)"
printf '%-44s %10s %10s\n' "seawall containers (median of $runs)" "$sw" "$(( swmem / 1024 ))"
printf '%-44s %10s %10s\n' "docker inspect of all (one call, the floor)" "${floor%% *}" "$(( ${floor##* } / 1024 ))"
printf '%-44s %10s %10s\n' "one docker inspect per container (1 check)" "$one_pass" "-"
printf '%-44s %10s %10s\n' "docker-bench style, 25 checks (estimate)" "$bench_estimate" "-"
echo "seawall audited $audited containers ($kernel checked against /proc), $findings findings; target < 2 s"
echo "ratio seawall / docker-bench-style estimate: $(awk -v a="$sw" -v b="$bench_estimate" 'BEGIN { printf "%.4f", a / b }'); seawall / one docker inspect of all: $(awk -v a="$sw" -v b="${floor%% *}" 'BEGIN { printf "%.2f", a / b }')"
