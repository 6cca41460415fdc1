#!/usr/bin/env bash
# Quality against corpus size: winnow clean on labelled gen_corpus corpora of growing
# size (../shared/bench/gen_corpus.py --labels, mostly new text), each scored by
# ../shared/bench/score_gen.py, with the body paragraphs lost counted by the reason
# winnow gave. A rule whose false positives grow with the corpus shows here as a
# body_lost that grows from one size to the next.
# usage: bench/scale_quality.sh [SIZES...]   sizes in MB (default 20 200 1000)
# Corpora are built once into $WINNOW_BENCH_DIR (default /tmp/winnow-bench), with seeds
# of their own, not the speed benchmark's: 9 for 20 MB, 1 for 200 MB, 11 for 1 GB, 12
# for 3 GB (the corpora the README's figures come from), the size itself for others.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${WINNOW_SHARED:-$root/../shared}
dir=${WINNOW_BENCH_DIR:-/tmp/winnow-bench}
mkdir -p "$dir"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(20 200 1000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/winnow" "$root/cmd/winnow"
for mb in "${sizes[@]}"; do
  case $mb in 20) seed=9 ;; 200) seed=1 ;; 1000) seed=11 ;; 3000) seed=12 ;; *) seed=$mb ;; esac
  f=$dir/labelled$mb.jsonl
  if [ ! -s "$f" ] || [ ! -s "$f.labels" ]; then
    python3 "$shared/bench/gen_corpus.py" --target-mb "$mb" --seed $seed --out "$f" --labels "$f.labels" >&2
  fi
  echo "== gen_corpus $mb MB (seed $seed), $(wc -l < "$f") documents"
  "$work/winnow" clean "$f" -o "$work/out.parquet" --removed "$work/removed.jsonl" -q
  python3 "$shared/bench/score_gen.py" "$f.labels" "$work/removed.jsonl" | sed 's/^/  /'
  python3 - "$f.labels" "$work/removed.jsonl" <<'PY'
import collections, json, sys
kinds = {}
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    if d["doc"] == "orig":
        kinds[d["id"]] = d["p"]
lost = collections.Counter()
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    p = kinds.get(r["doc_id"])
    if p is not None and 0 <= r["index"] < len(p) and p[r["index"]] == "body":
        lost[r["reason"]] += 1
print("  body paragraphs lost, by reason:", dict(lost.most_common()) or "none")
PY
done
