#!/usr/bin/env bash
# Redaction figures (issue 13): the share of clean-corpus lines the redactor changes (false
# positives, target <= 1 %), the planted-secret corpus counts, throughput on 1 MiB of log, and the
# cost of building the process's Redactor from the workspace's known values (per command, per attempt).
#   bench/redaction-fp.sh          figures
#   bench/redaction-fp.sh --show   also every changed clean line (redacted), to tune the rules
#   bench/redaction-fp.sh --quick  fewer repetitions in section 3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -o test-compile >&2 2>/dev/null || mvn -q -B test-compile >&2
cpfile="$root/target/bench-classpath.txt"
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2 2>/dev/null \
  || mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2
cp="$root/target/test-classes:$root/target/classes:$(cat "$cpfile")"
# The JVM flags the `engine` launcher uses, so the figures are those of the real CLI.
jopts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
echo "1. False positives on the clean corpus (src/test/resources/redact/clean + shared/fixtures/v2-homelab)"
java "${jopts[@]}" -cp "$cp" dev.engine.redact.RedactionFalsePositives "$@" | sed 's/^/   /'
echo
echo "2. Planted-secret corpus (src/test/resources/redact/planted) and throughput"
java "${jopts[@]}" -cp "$cp" dev.engine.redact.RedactionBench | sed 's/^/   /'
echo
echo "3. Building the process's Redactor from the workspace's known values, and what it adds per attempt"
echo "   (small: a context map only; large: the corpora's workspace files copied 8 times)"
java "${jopts[@]}" -cp "$cp" dev.engine.bench.RedactionOverheadBench "$@" | sed 's/^/   /'
