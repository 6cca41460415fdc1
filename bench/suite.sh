#!/usr/bin/env bash
# The benchmark suite in one run: winnow and the floor (bench/run.sh) on corpora of
# mostly new text (../shared/bench/gen_corpus.py, 200 MB seed 5 and 1 GB seed 6) and on
# the Reuters corpus that repeats each story (bench/make_corpus.sh, 100 MB).
# usage: bench/suite.sh [SIZES...]   sizes of gen_corpus corpora in MB (default 200 1000)
# Corpora are built once into $WINNOW_BENCH_DIR (default /tmp/winnow-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${WINNOW_SHARED:-$root/../shared}
dir=${WINNOW_BENCH_DIR:-/tmp/winnow-bench}
mkdir -p "$dir"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(200 1000)
seed=5
for mb in "${sizes[@]}"; do
  f=$dir/gen$mb.jsonl
  [ -s "$f" ] || python3 "$shared/bench/gen_corpus.py" --target-mb "$mb" --seed $seed --out "$f" >&2
  echo "== gen_corpus $mb MB (seed $seed): mostly new text"
  "$root/bench/run.sh" "$f"
  seed=$((seed + 1))
done
r=$dir/reuters100.jsonl
[ -s "$r" ] || "$root/bench/make_corpus.sh" 100 "$r" >&2
echo "== Reuters 100 MB: each story about 8 times"
"$root/bench/run.sh" "$r"
