#!/usr/bin/env bash
# Does each start-up measure still earn its place? Interleaved A/B rounds of `engine status`
# (6 stages, 10,000 audit lines) with the launcher's JVM flags and a CDS archive per variant:
#   full      target/engine.jar (what non-read-only commands use)
#   lean      the full jar without the libraries read-only commands never load (model client,
#             Kotlin, OkHttp, SSH, tokenizer, metrics, templates), as the lean jar the launcher
#             used for status/audit/review until this measure dropped it (24 ms of 497)
#   picojar   the full jar with picocli taken from its released binary jar instead of being
#             compiled from its sources with ours (pom.xml, "picocli-sources")
# Rounds alternate the variants so a noisy neighbour hits all of them alike. Prints median and
# minimum per variant and the differences. Usage: bench/startup-ab.sh [rounds, default 21]
set -euo pipefail
command -v zip >/dev/null || { echo 'startup-ab: needs zip (apt-get install zip)' >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-21}"
cd "$root"
mvn -q -B -o -DskipTests package >&2 || mvn -q -B -DskipTests package >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
home="$work/home"
mkdir -p "$home/state"
git -C "$home" init -q -b main
{
  echo "stages:"
  for s in vms talos infra apps ingress obs; do printf '  %s:\n    command: "true"\n' "$s"; done
} > "$home/context_map.yaml"
for i in $(seq 1 10000); do
  printf '{"time":"2026-11-22T03:49:%02d.000Z","stage":"talos","event":"attempt_finished","details":{"attempt":%d,"outcome":"failed"}}\n' $((i % 60)) "$i"
done > "$home/state/audit.jsonl"
printf '{"vms":"green","talos":"failed","infra":"idle","apps":"idle","ingress":"idle","obs":"idle"}\n' > "$home/state/stage_status.json"
printf 'state/\nlogs/\n' > "$home/.gitignore"
git -C "$home" add -A && git -C "$home" -c user.name=bench -c user.email=bench@localhost commit -qm "bench home"

picocli_jar="$(find "${HOME}/.m2/repository/info/picocli/picocli" -name "picocli-$(sed -n 's:.*<picocli.version>\(.*\)</picocli.version>.*:\1:p' pom.xml).jar" | head -1)"
cp target/engine.jar "$work/nopico.jar"
zip -q -d "$work/nopico.jar" 'picocli/*' >/dev/null
cp target/engine.jar "$work/lean.jar"
zip -q -d "$work/lean.jar" 'com/openai/*' 'kotlin/*' 'okhttp3/*' 'okio/*' 'com/jcraft/*' 'com/knuddels/*' 'io/prometheus/*' \
  'io/swagger/*' 'gg/jte/*' >/dev/null

flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m -Xlog:disable)
declare -A cpath=(
  [full]="-cp $root/target/engine.jar"
  [lean]="-cp $work/lean.jar"
  [picojar]="-cp $work/nopico.jar:$picocli_jar"
)
variants=(full lean picojar)
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  (cd "$home" && java -XX:ArchiveClassesAtExit="$work/$v.jsa" "${flags[@]}" ${cpath[$v]} dev.engine.cli.Main status >/dev/null 2>&1)
done
declare -A times
for r in $(seq 1 "$rounds"); do
  for v in "${variants[@]}"; do
    s=$(date +%s%N)
    # shellcheck disable=SC2086
    (cd "$home" && java "${flags[@]}" -XX:SharedArchiveFile="$work/$v.jsa" ${cpath[$v]} dev.engine.cli.Main status >/dev/null)
    e=$(date +%s%N)
    [ "$r" -le 2 ] && continue # warm-up
    times[$v]+="$(( (e - s) / 1000000 )) "
  done
done
echo "engine status, $((rounds - 2)) interleaved rounds after 2 warm-up, launcher flags + CDS per variant (load: $(cut -d' ' -f1-3 /proc/loadavg))"
declare -A med
for v in "${variants[@]}"; do
  mapfile -t sorted < <(printf '%s\n' ${times[$v]} | sort -n)
  n=${#sorted[@]}
  med[$v]=${sorted[$((n / 2))]}
  printf '   %-8s median %4d ms  min %4d  max %4d\n' "$v" "${med[$v]}" "${sorted[0]}" "${sorted[$((n - 1))]}"
done
printf '   lean jar saves %d ms over the full jar; picocli from sources saves %d ms over its binary jar\n' \
  $((med[full] - med[lean])) $((med[picojar] - med[full]))
