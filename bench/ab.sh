#!/usr/bin/env bash
# Alternate two winnow binaries on one corpus and print each one's wall, CPU and peak RSS
# (min-median-max over the runs), and whether their outputs are byte-identical: the
# way to measure a change on a 2-core machine whose speed drifts from minute to minute.
# usage: bench/ab.sh OLD_BINARY NEW_BINARY CORPUS [RUNS] [extra winnow clean flags...]
# Both runs write the removed-paragraph ledger too (--removed), unless AB_REMOVED=0: then
# they run with clean's default outputs, as bench/run.sh does.
set -euo pipefail
a=${1:?old binary} b=${2:?new binary} in=${3:?corpus}; runs=${4:-5}; shift 4 || shift $#
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
size=$(stat -c %s "$in")
cat "$in" >/dev/null # into the page cache
for i in $(seq "$runs"); do
  for v in a b; do
    bin=${!v}
    rm=(--removed "$work/$v.removed.parquet")
    [ "${AB_REMOVED:-1}" = 0 ] && rm=()
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$bin" clean "$in" -o "$work/$v.parquet" \
      "${rm[@]}" -q "$@"
    echo "$v $(cat "$work/t")" >> "$work/times"
  done
done
python3 - "$work/times" "$size" "$a" "$b" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
size = int(sys.argv[2])
for v, name in (("a", sys.argv[3]), ("b", sys.argv[4])):
    r = [list(map(float, x[1:])) for x in rows if x[0] == v]
    wall = sorted(x[0] for x in r); cpu = sorted(x[1] + x[2] for x in r); rss = sorted(x[3] / 1024 for x in r)
    f = lambda xs, fmt: "-".join(fmt % x for x in (xs[0], st.median(xs), xs[-1]))
    mbs = sorted(size / 1e6 / w for w in wall)
    print(f"{name}: wall {f(wall, '%.2f')} s, {f(mbs, '%.0f')} MB/s, cpu {f(cpu, '%.2f')} s, peak RSS {f(rss, '%.0f')} MiB")
PY
if cmp -s "$work/a.parquet" "$work/b.parquet" && { [ "${AB_REMOVED:-1}" = 0 ] ||
  cmp -s "$work/a.removed.parquet" "$work/b.removed.parquet"; }; then
  echo "outputs: byte-identical"
else
  echo "outputs: DIFFER"
fi
