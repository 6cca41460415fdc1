#!/usr/bin/env bash
# The staged path as separate processes, with the reduce run by DuckDB from
# docs/reduce.sql, against winnow clean: the corpus, the ledger and the stats (but for
# the figures of memory) must be byte-identical.
# usage: interop/staged.sh WINNOW CORPUS SHARDS...   (after npm ci in interop/)
set -euo pipefail
w=$(realpath "$1"); in=$(realpath "$2"); shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$w" clean "$in" -o "$work/clean.parquet" --jsonl "$work/clean.jsonl" --removed "$work/clean-removed.parquet" --stats "$work/clean-stats.json" -q
strip() { python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("counts_spool_bytes", "index_bytes", "sketched", "index_bytes_by_table", "index_entries_by_table"):
    s.pop(k, None)
print(json.dumps(s, sort_keys=True))' "$1"; }
for n in "$@"; do
  d=$work/$n
  for i in $(seq 0 $((n - 1))); do "$w" fingerprint "$in" --shard "$i/$n" -o "$d/fp" -q; done
  node "$root/interop/reduce-sql.mjs" "$root/docs/reduce.sql" "$d/counts.parquet" "$d/fp" >/dev/null
  for i in $(seq 0 $((n - 1))); do "$w" apply "$in" --shard "$i/$n" --counts "$d/counts.parquet" -o "$d/judged" -q; done
  "$w" place "$d/judged" --counts "$d/counts.parquet" -o "$d/corpus.parquet" --jsonl "$d/corpus.jsonl" \
    --removed "$d/removed.parquet" --stats "$d/stats.json" -q
  cmp "$work/clean.parquet" "$d/corpus.parquet"
  cmp "$work/clean.jsonl" "$d/corpus.jsonl"
  cmp "$work/clean-removed.parquet" "$d/removed.parquet"
  [ "$(strip "$work/clean-stats.json")" = "$(strip "$d/stats.json")" ] || { echo "staged: $n shards: the stats differ"; exit 1; }
  echo "staged path, $n shards, DuckDB reduce: corpus, ledger and stats byte-identical to clean's ($(basename "$in"))"
done
