#!/usr/bin/env bash
# Time winnow clean end to end (JSONL in, Parquet out, both passes) against a floor that
# only reads, decodes and writes the text as zstd Parquet, on the same input.
# usage: bench/run.sh CORPUS.jsonl[.zst] [extra winnow clean flags...]
# Build a corpus first: bench/make_corpus.sh 100 /tmp/bench100.jsonl
#
# RUNS=N alternates the floor and winnow N times and adds, after the runs, each
# figure's min-median-max and winnow's wall over the floor's in each pair: this
# machine's speed drifts from minute to minute, and the floor drifts with it. The
# system time is printed apart: on the virtual machines of this project, writing to a
# page the host has not backed yet costs several times the copy (README, benchmarks).
# Last, the speed of the normalizer on English text, one core: the floor is mostly
# zstd and copies, and does not show a processor that runs winnow's byte-at-a-time
# code slower (731 MB/s on the machine of the README's fast-stretch figures, 310-408
# on the Zen 3 of the latest session). NORMBENCH=0 leaves it out.
set -euo pipefail
in=${1:?corpus}; shift
runs=${RUNS:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/winnow" "$root/cmd/winnow"
go build -o "$work/floor" "$root/bench/floor"
size=$(stat -c %s "$in")
cat "$in" >/dev/null # into the page cache
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; }
  read -r wall user sys rss < "$work/$name.time"
  echo "$name $wall $user $sys $rss" >> "$work/times"
  python3 - "$name" "$size" "$wall" "$user" "$sys" "$rss" <<'PY'
import sys
name, size, wall, user, sys_, rss = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
cpu = user + sys_
print(f"{name:7} {size/1e6:8.1f} MB  {wall:7.2f} s wall  {cpu:7.2f} s cpu ({cpu/(size/1e9):6.1f} s/GB, {sys_:.2f} s system)  {size/1e6/wall:7.1f} MB/s  {rss/1024:7.1f} MiB peak RSS")
PY
}
echo "input: $in ($(nproc) cores)"
for _ in $(seq "$runs"); do
  measure floor "$work/floor" "$in" "$work/floor.parquet"
  measure winnow "$work/winnow" clean "$in" -o "$work/out.parquet" -q "$@"
done
python3 - "$work/times" "$size" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
size = int(sys.argv[2])
runs = {n: [list(map(float, r[1:])) for r in rows if r[0] == n] for n in ("floor", "winnow")}
ratios = sorted(w[0] / f[0] for f, w in zip(runs["floor"], runs["winnow"]))
if len(ratios) == 1:
    print(f"ratio winnow/floor: {ratios[0]:.2f}")
    sys.exit()
span = lambda xs, fmt: "-".join(fmt % x for x in (min(xs), st.median(xs), max(xs)))
print(f"{len(ratios)} alternated runs, min-median-max:")
for name, r in runs.items():
    wall = [x[0] for x in r]
    cpu = [x[1] + x[2] for x in r]
    print(f"{name:7} {span(wall, '%.2f')} s wall  {span(cpu, '%.2f')} s cpu ({span([x[2] for x in r], '%.2f')} system)  "
          f"{span([size / 1e6 / w for w in wall], '%.0f')} MB/s  {span([x[3] / 1024 for x in r], '%.0f')} MiB peak RSS")
print(f"ratio winnow/floor (wall, each pair): {span(ratios, '%.2f')}")
PY
if [ "${NORMBENCH:-1}" != 0 ]; then
  (cd "$root" && go test -run XXX -bench 'NormalizeScripts/ascii$' -benchtime 2s -count 3 ./dedup) |
    awk '/MB\/s/ {for (i = 1; i < NF; i++) if ($(i+1) == "MB/s") v = v (v ? " " : "") $i}
         END {print "normalizer, English, one core (3 runs): " v " MB/s"}'
fi
