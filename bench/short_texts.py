#!/usr/bin/env python3
"""Corpora of short, distinct documents: the false-positive test of near-boilerplate.

usage: short_texts.py random N OUT.jsonl REUTERS.jsonl.gz [--seed S]
           N distinct documents of 3 words drawn from the words of Reuters-21578
       short_texts.py reuters REUTERS.jsonl.gz OUT.jsonl
           the titles of Reuters-21578 and the first sentences of their first two
           paragraphs, one a document

Every document is distinct from every other (exact duplicates are dropped), so every
paragraph winnow removes from them, apart from a caption printed twice, is a false
positive. Stdlib only; deterministic.
"""
import gzip, json, random, re, sys


def words_of(path):
    seen, out = set(), []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            for w in re.findall(r"[A-Za-z]{3,}", json.loads(line)["text"]):
                w = w.lower()
                if w not in seen:
                    seen.add(w)
                    out.append(w)
    return out


def main():
    a = sys.argv[1:]
    seed = 1
    if "--seed" in a:
        i = a.index("--seed")
        seed = int(a[i + 1])
        del a[i:i + 2]
    kind = a[0]
    texts = []
    if kind == "random":
        n, out = int(a[1]), a[2]
        vocab = words_of(a[3])
        r = random.Random(seed)
        seen = set()
        while len(texts) < n:
            t = " ".join(r.choice(vocab) for _ in range(3))
            if t not in seen:
                seen.add(t)
                texts.append(t)
    elif kind == "reuters":
        src, out = a[1], a[2]
        seen = set()
        with gzip.open(src, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                firsts = [re.split(r"(?<=[a-z]\.)\s", p.strip())[0] for p in d["text"].split("\n\n")[:2]]
                for t in [d.get("title", "").strip()] + firsts:
                    k = " ".join(t.lower().split())
                    if t and k not in seen:
                        seen.add(k)
                        texts.append(t)
    else:
        sys.exit(__doc__)
    with open(out, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"s{i:07d}", "text": t}) + "\n")
    print(f"{len(texts)} documents -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
