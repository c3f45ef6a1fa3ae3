#!/usr/bin/env bash
# Benchmarks of the engine's cost next to the work it drives. Prints figures and ratios.
#   bench/run.sh           full run (writes a 2 GB log for the fingerprint figure; ~10 min)
#   bench/run.sh --quick   smaller sizes and fewer repetitions
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -DskipTests package test-compile >&2
cp="$root/target/test-classes:$root/target/engine.jar"
# The JVM flags the `engine` launcher uses, so in-process figures are those of the real CLI.
jopts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
java "${jopts[@]}" -cp "$cp" dev.engine.bench.Bench "$@"

echo
echo "3. CLI latency (wall time of a separate process, median of 10 after 3 warm-up)"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
git -C "$home" init -q -b main
{
  echo "stages:"
  for s in vms talos infra apps ingress obs; do printf '  %s:\n    command: "true"\n' "$s"; done
} > "$home/context_map.yaml"
mkdir -p "$home/state"
for i in $(seq 1 10000); do
  printf '{"time":"2026-11-22T03:49:%02d.000Z","stage":"talos","event":"attempt_finished","details":{"attempt":%d,"outcome":"failed"}}\n' $((i % 60)) "$i"
done > "$home/state/audit.jsonl"
printf '{"vms":"green","talos":"failed","infra":"idle","apps":"idle","ingress":"idle","obs":"idle"}\n' > "$home/state/stage_status.json"
printf 'state/\nlogs/\n' > "$home/.gitignore"
git -C "$home" add -A && git -C "$home" -c user.name=bench -c user.email=bench@localhost commit -qm "bench home"
jar="$root/target/engine.jar"
time_cmd() { # label, java options..., -- engine args...  (runs $jar)
  local label="$1"; shift
  local opts=(); while [ "$1" != "--" ]; do opts+=("$1"); shift; done; shift
  local xs=()
  for i in 1 2 3; do java "${opts[@]}" -jar "$jar" --workspace "$home" "$@" >/dev/null; done
  for i in $(seq 1 10); do
    s=$(date +%s%N); java "${opts[@]}" -jar "$jar" --workspace "$home" "$@" >/dev/null; e=$(date +%s%N)
    xs+=($(( (e - s) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${xs[@]}" | sort -n))
  printf '   %-52s median %5d ms  min %5d  max %5d\n' "$label" "${sorted[5]}" "${sorted[0]}" "${sorted[9]}"
}
floor="$(mktemp -d)"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$floor/Hello.java"
javac -d "$floor" "$floor/Hello.java"
time_java() { # label, java args... (no --workspace: a bare JVM start for reference)
  local label="$1"; shift
  local xs=()
  for i in 1 2 3; do java "$@" >/dev/null; done
  for i in $(seq 1 10); do
    s=$(date +%s%N); java "$@" >/dev/null; e=$(date +%s%N)
    xs+=($(( (e - s) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${xs[@]}" | sort -n))
  printf '   %-52s median %5d ms  min %5d  max %5d\n' "$label" "${sorted[5]}" "${sorted[0]}" "${sorted[9]}"
}
time_java "JVM floor: hello world (launcher flags)" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$floor" Hello
time_cmd "engine status, full jar, plain JVM (before)" -Xshare:auto -- status
time_cmd "engine status, full jar, launcher flags (C1, SerialGC)" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -- status
jsa="$root/target/engine-bench.jsa"
java -XX:ArchiveClassesAtExit="$jsa" -jar "$jar" --workspace "$home" status >/dev/null 2>&1 || true
if [ -f "$jsa" ]; then
  time_cmd "engine status, full jar, flags + AppCDS" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile="$jsa" -- status
fi
time_launcher() { # label, engine args...
  local label="$1"; shift
  local xs=()
  for i in 1 2 3; do "$root/engine" --workspace "$home" "$@" >/dev/null; done
  for i in $(seq 1 10); do
    s=$(date +%s%N); "$root/engine" --workspace "$home" "$@" >/dev/null; e=$(date +%s%N)
    xs+=($(( (e - s) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${xs[@]}" | sort -n))
  printf '   %-52s median %5d ms  min %5d  max %5d\n' "$label" "${sorted[5]}" "${sorted[0]}" "${sorted[9]}"
}
time_launcher "./engine status (what users run: launcher, CDS)" status
time_cmd "engine --help, full jar, plain JVM (before)" -Xshare:auto -- --help
time_launcher "./engine --help (launcher, CDS)" --help
rm -rf "$floor"

quick=0; for a in "$@"; do [ "$a" = "--quick" ] && quick=1; done

echo
echo "4. Patch check + AI-branch commit on a large repository (median after 2 warm-ups)"
if [ "$quick" = 1 ]; then
  java -cp "$cp" dev.engine.bench.PatchCommitBench 2000 400 5
else
  java -cp "$cp" dev.engine.bench.PatchCommitBench 10000 2000 9
fi

echo
echo "5. Case-file build (20 files x 2,000 lines) and the talos case next to the bash loop's prompt"
java -cp "$cp" dev.engine.escalation.casefile.CaseFileBench 24000 | sed 's/^/   /'

echo
echo "6. Memory of engine watch (3 fake stages with success checks, 10 ms interval)"
if [ "$quick" = 1 ]; then
  java -cp "$cp" dev.engine.bench.WatchMemoryBench 100 1000 | sed 's/^/   /'
else
  java -cp "$cp" dev.engine.bench.WatchMemoryBench 100 1000 10000 | sed 's/^/   /'
fi
echo "   the same with the console's board open in a (simulated) browser:"
java -cp "$cp" dev.engine.bench.WatchMemoryBench --console 100 1000 | sed 's/^/   /'

echo
echo "6b. Console pages on a home with 10,000 audit lines (engine console through the launcher)"
java -cp "$cp" dev.engine.bench.ConsoleBench "$([ "$quick" = 1 ] && echo 20 || echo 50)" | sed 's/^/   /'

echo
echo "7. Stage world sync on a 10,000-file repository: the git clone against the manifest checkout it replaced"
rounds=9; [ "$quick" = 1 ] && rounds=3
big="$(mktemp -d)"
old="$(mktemp -d)"
java -cp "$cp" dev.engine.bench.CloneSyncBench make "$big/repo"
# The manifest checkout as it was at bc131e6, compiled on its own (it is no longer in the engine).
mkdir -p "$old/src/dev/engine/git" "$old/classes"
for f in StageCheckout CheckoutManifest Materializer TreeEntries SafeTree Warnings IgnoredFiles CheckoutSource AiBranchException; do
  git -C "$root" show "bc131e6:src/main/java/dev/engine/git/$f.java" > "$old/src/dev/engine/git/$f.java"
done
cp "$root/bench/OldCheckout.java" "$old/src/dev/engine/git/"
javac -nowarn -d "$old/classes" -cp "$root/target/engine.jar" "$old"/src/dev/engine/git/*.java
java "${jopts[@]}" -cp "$old/classes:$root/target/engine.jar" dev.engine.git.OldCheckout "$big/repo" "$rounds"
java "${jopts[@]}" -cp "$cp" dev.engine.bench.CloneSyncBench measure "$big/repo" "$rounds"
rm -rf "$big" "$old"

echo
echo "8. Fingerprints on the real-failure corpus (src/test/resources/fingerprint/real: kinds x runs from public issue threads)"
java "${jopts[@]}" -cp "$cp" dev.engine.fingerprint.RealFailureCorpus | sed 's/^/   /'
