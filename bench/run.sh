#!/usr/bin/env bash
# Time winnow clean end to end (JSONL in, Parquet out, both passes) against a floor that
# only reads, decodes and writes the text as zstd Parquet, on the same input.
# usage: bench/run.sh CORPUS.jsonl[.zst] [extra winnow clean flags...]
# Build a corpus first: bench/make_corpus.sh 100 /tmp/bench100.jsonl
set -euo pipefail
in=${1:?corpus}; shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/winnow" "$root/cmd/winnow"
go build -o "$work/floor" "$root/bench/floor"
size=$(stat -c %s "$in")
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; }
  read -r wall user sys rss < "$work/$name.time"
  python3 - "$name" "$size" "$wall" "$user" "$sys" "$rss" <<'PY'
import sys
name, size, wall, user, sys_, rss = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
cpu = user + sys_
print(f"{name:7} {size/1e6:8.1f} MB  {wall:7.2f} s wall  {cpu:7.2f} s cpu ({cpu/(size/1e9):6.1f} s/GB)  {size/1e6/wall:7.1f} MB/s  {rss/1024:7.1f} MiB peak RSS")
PY
  echo "$wall" > "$work/$name.wall"
}
echo "input: $in ($(nproc) cores)"
measure floor "$work/floor" "$in" "$work/floor.parquet"
measure winnow "$work/winnow" clean "$in" -o "$work/out.parquet" -q "$@"
python3 -c "print(f'ratio winnow/floor: {float(open(\"$work/winnow.wall\").read())/float(open(\"$work/floor.wall\").read()):.2f}')"
