#!/usr/bin/env python3
"""The dev corpus as bare, re-scraped JSONL: the copy-group test of winnow.

usage: dev_copies.py DEV_DIR OUT_DIR [--share 0.06] [--seed 1]

Reads DEV_DIR/corpus.jsonl and gold.jsonl (as ../shared/eval/make_corpus.py writes
them), drops every field but id, text and title (no source, no url), copies a share of
the original stories 1 to 3 more times (half of the copies exact, half without the
leading and trailing paragraphs the gold calls boilerplate: the site's header and
footer), and writes OUT_DIR/corpus.jsonl and gold.jsonl in a shuffled order. A copy's
gold entry names its original in dup_of, so ../shared/eval/score.py scores it. Stdlib
only; deterministic.
"""
import json, os, random, sys


def main():
    a = sys.argv[1:]
    opts = {"--share": 0.06, "--seed": 1}
    for k in list(opts):
        if k in a:
            i = a.index(k)
            opts[k] = type(opts[k])(a[i + 1])
            del a[i:i + 2]
    src, out = a
    r = random.Random(opts["--seed"])
    docs = [json.loads(l) for l in open(os.path.join(src, "corpus.jsonl"), encoding="utf-8")]
    gold = {g["id"]: g for g in (json.loads(l) for l in open(os.path.join(src, "gold.jsonl"), encoding="utf-8"))}
    rows = []
    for d in docs:
        rows.append(({"id": d["id"], "title": d.get("title", ""), "text": d["text"]}, gold[d["id"]]))
    origs = [d for d in docs if gold[d["id"]].get("dup_of") is None]
    for d in r.sample(origs, int(len(origs) * opts["--share"])):
        g = gold[d["id"]]
        for k in range(r.randint(1, 3)):
            ps = g["paragraphs"]
            if r.random() < 0.5:
                lo, hi = 0, len(ps)
                while lo < hi and ps[lo]["label"] == "boilerplate":
                    lo += 1
                while hi > lo and ps[hi - 1]["label"] == "boilerplate":
                    hi -= 1
                ps = ps[lo:hi]
            if not ps:
                continue
            cid = f"{d['id']}/copy{k + 1}"
            rows.append(({"id": cid, "title": d.get("title", ""), "text": "\n\n".join(p["text"] for p in ps)},
                         {"id": cid, "dup_of": d["id"], "paragraphs": ps}))
    r.shuffle(rows)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as c, \
            open(os.path.join(out, "gold.jsonl"), "w", encoding="utf-8") as gf:
        for d, g in rows:
            c.write(json.dumps(d, ensure_ascii=False) + "\n")
            gf.write(json.dumps(g, ensure_ascii=False) + "\n")
    print(f"{len(rows)} documents ({len(rows) - len(docs)} new copies) -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
