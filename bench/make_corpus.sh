#!/usr/bin/env bash
# Build a benchmark corpus of about SIZE_MB megabytes of JSONL (and its .zst) from the
# Reuters articles and outlet templates of ../shared, by running make_corpus.py with
# successive seeds and giving every record a fresh id.
# usage: bench/make_corpus.sh SIZE_MB OUT.jsonl
set -euo pipefail
size_mb=${1:?size in MB}; out=${2:?output .jsonl}
here=$(cd "$(dirname "$0")" && pwd)
shared=${WINNOW_SHARED:-$here/../../shared}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: > "$out.tmp"
seed=1
while [ "$(stat -c %s "$out.tmp")" -lt $((size_mb * 1000000)) ]; do
  python3 "$shared/eval/make_corpus.py" "$shared/data/reuters21578.jsonl.gz" \
    "$shared/eval/dev_outlets.json" "$tmp/s" --seed=$seed >/dev/null
  python3 - "$tmp/s/corpus.jsonl" "$seed" >> "$out.tmp" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    r["id"] = f"s{sys.argv[2]}/{r['id']}"
    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
  seed=$((seed + 1))
done
mv "$out.tmp" "$out"
command -v zstd >/dev/null && zstd -q -f -T0 "$out" -o "$out.zst" || echo "zstd not installed: no $out.zst" >&2
ls -l "$out"*
