#!/usr/bin/env bash
# The staged path against winnow clean on one corpus: every stage timed (wall, CPU, peak
# RSS, MB/s of input), the sizes of what each stage writes, and the outputs compared
# byte for byte with clean's.
# usage: bench/staged.sh CORPUS.jsonl [SHARDS] [extra flags for every stage...]
# With the DuckDB Node package installed in interop/ (cd interop && npm ci), the reduce
# also runs from docs/reduce.sql on DuckDB.
set -euo pipefail
in=${1:?corpus}; shift
n=${1:-2}; [ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WINNOW_STAGED_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${WINNOW_STAGED_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
go build -o "$work/winnow" "$root/cmd/winnow"
w=$work/winnow
size=$(stat -c %s "$in")
measure() { # name, bytes of input, command...
  local name=$1 bytes=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall user sys rss < "$work/t"
  python3 - "$name" "$bytes" "$wall" "$user" "$sys" "$rss" <<'PY'
import sys
name, size, wall, user, sys_, rss = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
cpu = user + sys_
rate = f"{size/1e6/cpu:7.1f} MB/s/core" if cpu > 0 else ""
print(f"{name:22} {wall:7.2f} s wall {cpu:7.2f} s cpu {rate}  {rss/1024:7.1f} MiB peak RSS")
PY
}
du_mb() { du -sb "$@" | awk '{s+=$1} END {printf "%.1f MB", s/1e6}'; }
echo "input: $in ($(python3 -c "print(f'{$size/1e6:.1f}')") MB, $n shards, $(nproc) cores)"
measure "clean" "$size" "$w" clean "$in" -o "$work/clean.parquet" --removed "$work/clean-removed.parquet" --stats "$work/clean-stats.json" -q "$@"
rm -rf "$work/fp" "$work/judged"
for i in $(seq 0 $((n - 1))); do
  measure "fingerprint $i/$n" "$((size / n))" "$w" fingerprint "$in" --shard "$i/$n" -o "$work/fp" -q "$@"
done
echo "fingerprints: $(du_mb "$work"/fp/docs-*) of documents, $(du_mb "$work"/fp/paras-*) of paragraphs"
measure "reduce (Go)" "$size" "$w" reduce "$work/fp" -o "$work/counts.parquet" -q "$@"
echo "counts: $(du_mb "$work/counts.parquet")"
if [ -d "$root/interop/node_modules/@duckdb/node-api" ]; then
  measure "reduce (DuckDB SQL)" "$size" node "$root/interop/reduce-sql.mjs" "$root/docs/reduce.sql" "$work/counts-sql.parquet" "$work/fp"
  sed 's/^/  /' "$work/err"
fi
for i in $(seq 0 $((n - 1))); do
  measure "apply $i/$n" "$((size / n))" "$w" apply "$in" --shard "$i/$n" --counts "$work/counts.parquet" -o "$work/judged" -q "$@"
done
echo "judged: $(du_mb "$work"/judged/judged-*)"
measure "place" "$size" "$w" place "$work/judged" --counts "$work/counts.parquet" -o "$work/staged.parquet" \
  --removed "$work/staged-removed.parquet" --stats "$work/staged-stats.json" -q "$@"
cmp "$work/clean.parquet" "$work/staged.parquet" && cmp "$work/clean-removed.parquet" "$work/staged-removed.parquet" &&
  echo "corpus and ledger: byte-identical to clean's"
if [ -s "$work/counts-sql.parquet" ]; then
  rm -rf "$work/judged"
  for i in $(seq 0 $((n - 1))); do
    "$w" apply "$in" --shard "$i/$n" --counts "$work/counts-sql.parquet" -o "$work/judged" -q "$@"
  done
  "$w" place "$work/judged" --counts "$work/counts-sql.parquet" -o "$work/sql.parquet" --removed "$work/sql-removed.parquet" -q "$@"
  cmp "$work/clean.parquet" "$work/sql.parquet" && cmp "$work/clean-removed.parquet" "$work/sql-removed.parquet" &&
    echo "with the DuckDB counts: byte-identical to clean's"
fi
