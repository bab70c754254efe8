#!/usr/bin/env bash
# Time the README's first command on a fresh clone: the install (venv + packages) and the foresight loop
# separately, then the loop once more on the same store (embeddings come from the cache).
#
#   bash bench/first_run.sh [WORKDIR]        # default: a new temporary folder, removed afterwards
#
# The loop runs as `make demo DEMO_ARGS=--no-serve` (the README's first command without starting the
# servers, so that the script ends). pip's download cache is bypassed (PIP_NO_CACHE_DIR=1) so that the
# install time is what a fresh machine sees; set PIP_NO_CACHE_DIR=0 to measure with a warm cache.
# Prints figures only; it asserts nothing.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
KEEP=1
if [[ $# -ge 1 ]]; then WORK=$1; mkdir -p "$WORK"; else WORK=$(mktemp -d); KEEP=0; fi
cleanup() { if [[ $KEEP == 0 ]]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT
export PIP_NO_CACHE_DIR=${PIP_NO_CACHE_DIR:-1}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

git clone --quiet "$SRC" "$WORK/foresight"
cd "$WORK/foresight"

t0=$(now)
make install > "$WORK/install.log" 2>&1
t1=$(now)
make demo DEMO_ARGS=--no-serve > "$WORK/demo-1.log" 2>&1
t2=$(now)
make demo DEMO_ARGS=--no-serve > "$WORK/demo-2.log" 2>&1
t3=$(now)

echo "fresh clone of $SRC at $(git rev-parse --short HEAD) in $WORK"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %6s s\n' "install (venv, torch CPU, packages)" "$(secs "$t0" "$t1")"
printf '%-44s %6s s\n' "first loop (make demo --no-serve)" "$(secs "$t1" "$t2")"
printf '%-44s %6s s\n' "repeated loop (cached embeddings)" "$(secs "$t2" "$t3")"
echo "per-step times of each loop (from its summary):"
grep -h -A4 "^ *time " "$WORK/demo-1.log" "$WORK/demo-2.log" || true
