-- reduce.sql: the reduce stage of winnow's staged path in SQL.
--
-- From the fingerprints of every shard (what `winnow fingerprint` writes:
-- docs-I-of-N.parquet, schema.FPDoc rows, and paras-I-of-N.parquet, schema.FPPara
-- rows) this one query computes the counts that `winnow reduce` writes
-- (counts.parquet, schema.CountRow rows: kind, source, hash, n, key, words, numbers,
-- short), the same multiset of rows, for `winnow apply` and `winnow place` to read.
-- It replays dedup.Index (Add, Seal: the copy groups and the near copies, Counts)
-- as joins and window functions over two views, which the engine defines:
--   fp_docs   every docs-*.parquet  (ord, source, source_hash, node, title_key)
--   fp_paras  every paras-*.parquet (ord, idx, key, shape_key, raw, words, numbers,
--             short, shingled, band0..band7, prefix0..prefix3)
-- The one parameter, min_docs (--min-docs of apply and place, default 3), is in the
-- CTE params below: change it there. (The files must all come from one fingerprint
-- run of the same inputs, every shard of it.)
--
-- DuckDB (the CLI, or any client):
--   CREATE VIEW fp_docs  AS SELECT * FROM read_parquet('fp/docs-*.parquet');
--   CREATE VIEW fp_paras AS SELECT * FROM read_parquet('fp/paras-*.parquet');
--   COPY (<this file, without a trailing semicolon>) TO 'counts.parquet' (FORMAT PARQUET);
-- e.g. from a shell, where the file ends with its query and no semicolon:
--   duckdb -c "CREATE VIEW fp_docs AS SELECT * FROM read_parquet('fp/docs-*.parquet');
--              CREATE VIEW fp_paras AS SELECT * FROM read_parquet('fp/paras-*.parquet');
--              COPY ($(cat docs/reduce.sql)) TO 'counts.parquet' (FORMAT PARQUET)"
--
-- Spark SQL (PySpark; Scala is the same):
--   spark.read.parquet("fp/docs-*.parquet").createOrReplaceTempView("fp_docs")
--   spark.read.parquet("fp/paras-*.parquet").createOrReplaceTempView("fp_paras")
--   spark.sql(open("docs/reduce.sql").read()).coalesce(1).write.parquet("counts")
-- and hand apply the one part-*.parquet file in counts/ (kind is a STRING there,
-- which Parquet stores as winnow does).
--
-- Trino (Hive connector, or any connector with external Parquet tables): put the
-- docs-*.parquet files in one folder and the paras-*.parquet files in another, then
--   CREATE TABLE hive.winnow.fp_docs (ord BIGINT, source VARCHAR, source_hash BIGINT,
--     node BIGINT, title_key BIGINT)
--     WITH (external_location = 's3://bucket/fp_docs/', format = 'PARQUET');
--   CREATE TABLE hive.winnow.fp_paras (ord BIGINT, idx INTEGER, key BIGINT,
--     shape_key BIGINT, raw BIGINT, words INTEGER, numbers INTEGER, short BOOLEAN,
--     shingled BOOLEAN, band0 BIGINT, band1 BIGINT, band2 BIGINT, band3 BIGINT,
--     band4 BIGINT, band5 BIGINT, band6 BIGINT, band7 BIGINT, prefix0 BIGINT,
--     prefix1 BIGINT, prefix2 BIGINT, prefix3 BIGINT)
--     WITH (external_location = 's3://bucket/fp_paras/', format = 'PARQUET');
--   CREATE TABLE hive.winnow.counts WITH (format = 'PARQUET') AS <this file>;
-- (with USE hive.winnow first), and hand apply the table's one file (or merge its
-- files into one with any Parquet tool). kind is a VARCHAR(n) there: Parquet stores
-- it as a string all the same.
--
-- Portability. The query uses only: WITH (not recursive), SELECT DISTINCT, inner and
-- LEFT joins, CROSS JOIN, UNION / UNION ALL, GROUP BY (and HAVING) with COUNT, COUNT(DISTINCT),
-- MIN, MAX, SUM, CASE, COALESCE, a scalar subquery, CAST to BIGINT / INTEGER / BOOLEAN, the integer
-- operators + - * and %, comparisons, and the window functions ROW_NUMBER, COUNT and
-- SUM with PARTITION BY / ORDER BY and a RANGE BETWEEN UNBOUNDED PRECEDING AND
-- CURRENT ROW frame: all SQL:2003. How that was checked: it runs on DuckDB 1.x in
-- pipeline/reduce_sql_test.go (its rows equal `winnow reduce`'s, and apply + place
-- with them equal `winnow clean`); pipeline/reduce_sql_portable_test.go reads it as
-- tokens and refuses any keyword, function or operator outside this list and any name
-- Trino or Spark (ANSI mode) reserves; Spark SQL and Trino were not run, but each
-- construct is in their references: Spark's built-in function list (%, which keeps
-- the integral type, and /, which "always performs floating point division": hence
-- no / here), its window frames (rangeBetween with unbounded and current row
-- bounds); Trino's mathematical operators (% modulus; / truncates on integers),
-- window functions and reserved keywords (no column or alias here is one, nor in
-- Spark's ANSI list). There are no bit operations, arrays, QUALIFY, or
-- engine-specific functions. Hashes are 64-bit unsigned values stored as BIGINT;
-- every comparison of them (the anchors of a long paragraph, the labels of copy groups)
-- is signed, in Go as here, and where Go keeps the top 48 bits of a band key (its
-- 16-bit packed count table) the query subtracts the low 16 bits found with %.
--
-- What it does not reproduce, each a 64-bit hash taking one of a few values or a
-- count no corpus reaches: a paragraph key, shape key or node equal to 0 (Go's tables
-- store 0 as 1, and a link to node 0 means none), two (source, key) pairs whose mixed
-- hash collides (Go's per-source table is keyed by that hash), and counts past
-- 2^32 - 1 (Go's saturate). The 48-bit band fingerprints, whose collisions are
-- likelier (two pairs among 32 M band keys), it does reproduce.
WITH
params AS (
  SELECT 3 AS min_docs          -- --min-docs: the rules the counts are for
),

-- Documents in input order; dord is the ordinal dedup.Index.Add gives each.
docs AS (
  SELECT ord, source, source_hash, node, title_key,
         ROW_NUMBER() OVER (ORDER BY ord) - 1 AS dord
  FROM fp_docs
),

-- Every (key, document) holding it, with the document's rank among them in input
-- order (krank, 1-based) and the number of documents holding the key (df: the
-- document count Add leaves in the key table, read by the copy groups' story).
key_docs AS (
  SELECT key, ord,
         ROW_NUMBER() OVER (PARTITION BY key ORDER BY ord) AS krank,
         COUNT(*) OVER (PARTITION BY key) AS df
  FROM (SELECT DISTINCT key, ord FROM fp_paras) kd
),

-- Every paragraph, saturated (sat = 1) when MinDocs earlier documents held its key:
-- Add then counts its key and nothing else (no shape key, bands or prefixes).
p AS (
  SELECT fp.ord, fp.idx, fp.key, fp.shape_key, fp.raw, fp.words, fp.numbers, fp.short,
         fp.shingled, fp.band0, fp.band1, fp.band2, fp.band3, fp.band4, fp.band5,
         fp.band6, fp.band7, fp.prefix0, fp.prefix1, fp.prefix2, fp.prefix3, kd.krank,
         CASE WHEN kd.krank - 1 >= pr.min_docs THEN 1 ELSE 0 END AS sat
  FROM fp_paras fp
  JOIN key_docs kd ON kd.key = fp.key AND kd.ord = fp.ord
  CROSS JOIN params pr
),

-- What each document counts (Index.collect): its keys K (every exact key, the shape
-- keys of the unsaturated paragraphs), its band keys B and its prefixes P.
doc_keys AS (
  SELECT ord, key AS h FROM p
  UNION
  SELECT ord, shape_key AS h FROM p WHERE sat = 0 AND shape_key <> key
),
-- the bands of every unsaturated paragraph with shingles, one row a band (j)
para_bands AS (
  SELECT ord, idx, key, short, 0 AS j, band0 AS band FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 1, band1 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 2, band2 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 3, band3 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 4, band4 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 5, band5 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 6, band6 FROM p WHERE sat = 0 AND shingled
  UNION ALL SELECT ord, idx, key, short, 7, band7 FROM p WHERE sat = 0 AND shingled
),
doc_bands AS (
  SELECT DISTINCT ord, band FROM para_bands
),
doc_prefixes AS (
  SELECT ord, prefix0 AS h FROM p WHERE sat = 0 AND prefix0 <> 0
  UNION SELECT ord, prefix1 FROM p WHERE sat = 0 AND prefix1 <> 0
  UNION SELECT ord, prefix2 FROM p WHERE sat = 0 AND prefix2 <> 0
  UNION SELECT ord, prefix3 FROM p WHERE sat = 0 AND prefix3 <> 0
),

-- Copy groups (dedup/groups.go). A document's long paragraphs L: its distinct keys
-- of paragraphs of CopyWords (12) words or more, with the words of the first.
long_p AS (
  SELECT ord, key, words
  FROM (SELECT ord, key, words,
               ROW_NUMBER() OVER (PARTITION BY ord, key ORDER BY idx) AS rn
        FROM fp_paras WHERE words >= 12) lp
  WHERE rn = 1
),
-- a node (the hash of a text) and its first document; only that one is compared
node_first AS (
  SELECT node, MIN(ord) AS ord, MIN(dord) AS first FROM docs GROUP BY node
),
-- the anchors of a long paragraph: the two smallest nodes holding it (signed, as
-- Index.Add compares them)
anchors AS (
  SELECT key, node AS anchor
  FROM (SELECT key, node, ROW_NUMBER() OVER (PARTITION BY key ORDER BY node) AS rn
        FROM (SELECT DISTINCT l.key, d.node FROM long_p l JOIN docs d ON d.ord = l.ord) kn) ranked
  WHERE rn <= 2
),
-- the story of every node's first document (Index.story): its long paragraphs but
-- those in more than twice as many documents as its median word
story_run AS (
  SELECT f.node, l.key, l.words, kd.df,
         SUM(l.words) OVER (PARTITION BY f.node) AS total,
         SUM(l.words) OVER (PARTITION BY f.node ORDER BY kd.df
                            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM node_first f
  JOIN long_p l ON l.ord = f.ord
  JOIN key_docs kd ON kd.key = l.key AND kd.ord = l.ord
),
medians AS (
  SELECT node, MIN(CASE WHEN 2 * run >= total THEN df END) AS median
  FROM story_run GROUP BY node
),
story AS (
  SELECT s.node, s.key, s.words,
         CASE WHEN s.df <= 2 * m.median THEN 1 ELSE 0 END AS in_story
  FROM story_run s JOIN medians m ON m.node = s.node
),
node_story AS (
  SELECT node, SUM(words) AS lwords,
         SUM(CASE WHEN in_story = 1 THEN words ELSE 0 END) AS own
  FROM story GROUP BY node
),
-- the story words of a node anchored on each other node, for nodes of CopyWords
-- long words or more and 2 x CopyWords story words or more
shared AS (
  SELECT s.node, a.anchor, SUM(s.words) AS w
  FROM story s
  JOIN node_story ns ON ns.node = s.node
  JOIN anchors a ON a.key = s.key
  WHERE s.in_story = 1 AND a.anchor <> s.node AND ns.lwords >= 12 AND ns.own >= 24
  GROUP BY s.node, a.anchor
),
-- candidates: anchored on for CopyWords words and a fifth of the story or more
cands AS (
  SELECT sh.node, sh.anchor
  FROM shared sh JOIN node_story ns ON ns.node = sh.node
  WHERE sh.w >= 12 AND 5 * sh.w >= ns.own
),
-- what a node shares with a candidate's first document (Index.sharedWords): w, the
-- words (this node's) of the long paragraphs both hold; those of them out of this
-- node's story, and out of the candidate's. The two stories are brought side by side
-- under the pair (each a join of the candidates with story on one node) and matched by
-- a GROUP BY on (node, anchor, key), not by a self join of story: a join of story with
-- itself has key = key alone as its most selective-looking condition, and a planner
-- that runs it first pairs every document holding a common paragraph with every other
-- (DuckDB did, past a few hundred MB: the square of a boilerplate's document count).
-- story holds a key once a node, so a key both stories hold has exactly two rows.
pair_sides AS (
  SELECT c.node, c.anchor, m.key, 0 AS side, m.words, m.in_story
  FROM cands c JOIN story m ON m.node = c.node
  UNION ALL
  SELECT c.node, c.anchor, o.key, 1 AS side, 0 AS words, o.in_story
  FROM cands c JOIN story o ON o.node = c.anchor
),
pair_keys AS (
  SELECT node, anchor, key,
         SUM(words) AS words,
         SUM(CASE WHEN side = 0 AND in_story = 0 THEN 1 ELSE 0 END) AS mine_out,
         SUM(CASE WHEN side = 1 AND in_story = 0 THEN 1 ELSE 0 END) AS theirs_out
  FROM pair_sides
  GROUP BY node, anchor, key
  HAVING COUNT(*) = 2
),
pairs AS (
  SELECT node, anchor, SUM(words) AS w,
         SUM(CASE WHEN mine_out = 1 THEN words ELSE 0 END) AS mine_extra,
         SUM(CASE WHEN theirs_out = 1 THEN words ELSE 0 END) AS theirs_extra
  FROM pair_keys
  GROUP BY node, anchor
),
-- copies: w of CopyWords or more and half of both stories (with the shared
-- paragraphs) or more
linkable AS (
  SELECT pr.node, pr.anchor, pr.w
  FROM pairs pr
  JOIN node_story mn ON mn.node = pr.node
  JOIN node_story th ON th.node = pr.anchor
  WHERE pr.w >= 12 AND 2 * pr.w >= mn.own + pr.mine_extra
    AND 2 * pr.w >= th.own + pr.theirs_extra
),
-- a node's group: the smallest node within 8 copy links of it (maxHops), found in 8
-- rounds of every node taking the smallest label of its own and its copies' (Index.label)
edges AS (
  SELECT node AS a, anchor AS b FROM linkable
),
-- (every node is its own neighbour, and each round reads the round before once)
nbrs AS (
  SELECT a, b FROM edges UNION ALL SELECT b, a FROM edges UNION ALL SELECT node, node FROM node_first
),
lab0 AS (SELECT node, node AS l FROM node_first),
lab1 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab0 x ON x.node = e.b GROUP BY e.a),
lab2 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab1 x ON x.node = e.b GROUP BY e.a),
lab3 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab2 x ON x.node = e.b GROUP BY e.a),
lab4 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab3 x ON x.node = e.b GROUP BY e.a),
lab5 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab4 x ON x.node = e.b GROUP BY e.a),
lab6 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab5 x ON x.node = e.b GROUP BY e.a),
lab7 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab6 x ON x.node = e.b GROUP BY e.a),
lab8 AS (SELECT e.a AS node, MIN(x.l) AS l FROM nbrs e JOIN lab7 x ON x.node = e.b GROUP BY e.a),
-- every document's group, named by the ordinal of the first document of its root
doc_group AS (
  SELECT d.ord, d.dord, d.source, d.source_hash, r.first AS grp
  FROM docs d
  JOIN lab8 x ON x.node = d.node
  JOIN node_first r ON r.node = x.l
),
group_size AS (
  SELECT grp, COUNT(*) AS size FROM doc_group GROUP BY grp
),

-- Counts: of copy groups, not documents (a hash a group's members share counts once).
-- Most hashes are in one document, or in the documents of one group: a plain GROUP BY
-- with MIN and MAX of the group finds them (lo = hi: one group), and only the rest,
-- hashes in two groups or more, are counted distinct (COUNT(DISTINCT) over every row
-- is what made the query superlinear in the corpus).
key_span AS (
  SELECT k.h, MIN(g.grp) AS lo, MAX(g.grp) AS hi
  FROM doc_keys k JOIN doc_group g ON g.ord = k.ord
  GROUP BY k.h
),
multi_keys AS (
  SELECT h FROM key_span WHERE lo <> hi
),
-- every (hash, document, group) of a hash in two groups or more
multi_rows AS (
  SELECT k.h, g.grp, g.source, g.source_hash
  FROM doc_keys k JOIN multi_keys m ON m.h = k.h JOIN doc_group g ON g.ord = k.ord
),
-- keys of two groups or more (a key of one group is not written: apply reads it as 1)
key_counts AS (
  SELECT h, COUNT(DISTINCT grp) AS n FROM multi_rows GROUP BY h
),
-- band keys count in Go's packed table under their top 48 bits (bfp: the key less
-- its low 16 bits; fingerprint 0 is stored as 1), in 16 bits: a count that reached
-- 65535 documents stays there. A fingerprint's count is the sum, over its band keys,
-- of the groups holding each. One GROUP BY on the fingerprint finds the common case
-- (one band key, one group: a count of 1); only fingerprints of two groups or more,
-- or of two band keys, are counted band by band.
band_rows AS (
  SELECT b.band, g.grp,
         CASE WHEN b.band - (b.band % 65536 + 65536) % 65536 = 0 THEN 65536
              ELSE b.band - (b.band % 65536 + 65536) % 65536 END AS bfp
  FROM doc_bands b JOIN doc_group g ON g.ord = b.ord
),
fp_span AS (
  SELECT bfp, COUNT(*) AS docs, MIN(grp) AS lo, MAX(grp) AS hi,
         MIN(band) AS blo, MAX(band) AS bhi
  FROM band_rows
  GROUP BY bfp
),
fp_multi AS (
  SELECT bfp, SUM(grps) AS grps
  FROM (SELECT r.bfp, r.band, COUNT(DISTINCT r.grp) AS grps
        FROM band_rows r
        JOIN fp_span s ON s.bfp = r.bfp
        WHERE s.lo <> s.hi OR s.blo <> s.bhi
        GROUP BY r.bfp, r.band) pb
  GROUP BY bfp
),
fp_counts AS (
  SELECT s.bfp, CASE WHEN s.docs >= 65535 THEN 65535 ELSE COALESCE(m.grps, 1) END AS n
  FROM fp_span s LEFT JOIN fp_multi m ON m.bfp = s.bfp
),
-- the bands whose fingerprint is in MinDocs groups or more: only those can make a
-- paragraph a near copy (its quorum-th largest count must reach MinDocs). The
-- threshold is a scalar subquery, not a join with params, so that the filter runs
-- before the join with every band row.
frequent_bands AS (
  SELECT DISTINCT r.band, f.n
  FROM band_rows r
  JOIN (SELECT bfp, n FROM fp_counts
        WHERE n >= (SELECT min_docs FROM params)) f ON f.bfp = r.bfp
),
-- near copies (Index.decideNear): every unsaturated paragraph with shingles, by the
-- BandQuorum-th (1st) largest group count of its bands, ShortBandQuorum-th (2nd) for
-- a short one; kept at MinDocs or more, the last occurrence of a key winning. The
-- ranking reads only frequent bands: the quorum-th largest count is MinDocs or more
-- exactly when that many of the paragraph's bands are frequent, and it is then the
-- quorum-th largest among them.
band_ranked AS (
  SELECT pb.ord, pb.idx, pb.key, pb.short, fb.n,
         ROW_NUMBER() OVER (PARTITION BY pb.ord, pb.idx ORDER BY fb.n DESC) AS r
  FROM para_bands pb
  JOIN frequent_bands fb ON fb.band = pb.band
),
near AS (
  SELECT key, n
  FROM (SELECT br.key, br.n,
               ROW_NUMBER() OVER (PARTITION BY br.key ORDER BY br.ord DESC, br.idx DESC) AS rn
        FROM band_ranked br
        WHERE br.r = CASE WHEN br.short THEN 2 ELSE 1 END) nr
  WHERE rn = 1
),
-- raw-bytes hashes (Index.raw): a paragraph whose key was in two documents or more,
-- counting its own, as Add met it; the first such occurrence of a raw hash is kept
raw_first AS (
  SELECT raw, key, words, numbers, short
  FROM (SELECT raw, key, words, numbers, short,
               ROW_NUMBER() OVER (PARTITION BY raw ORDER BY ord, idx) AS rn
        FROM p WHERE raw <> 0 AND krank >= 2) rf
  WHERE rn = 1
),
copies AS (
  SELECT COUNT(*) AS docs, COUNT(DISTINCT g.grp) AS grps
  FROM doc_group g JOIN group_size s ON s.grp = g.grp
  WHERE s.size > 1
),

rows_out AS (
  SELECT 'documents' AS kind, 0 AS source, 0 AS hash, COUNT(*) AS n, 0 AS key,
         0 AS words, 0 AS numbers, FALSE AS short
  FROM fp_docs
  UNION ALL
  SELECT 'distinct_keys', 0, 0, COUNT(*), 0, 0, 0, FALSE FROM key_span
  UNION ALL
  SELECT 'distinct_bands', 0, 0, COUNT(*), 0, 0, 0, FALSE FROM fp_span
  UNION ALL
  SELECT 'copy_documents', 0, 0, docs, 0, 0, 0, FALSE FROM copies
  UNION ALL
  SELECT 'copy_groups', 0, 0, grps, 0, 0, 0, FALSE FROM copies
  UNION ALL
  SELECT 'min_docs', 0, 0, min_docs, 0, 0, 0, FALSE FROM params
  UNION ALL
  SELECT 'key', 0, h, n, 0, 0, 0, FALSE FROM key_counts
  UNION ALL
  -- per-source keys, of MinSourceDocs (2) groups of the source or more
  SELECT 'source_key', source_hash, h, n, 0, 0, 0, FALSE
  FROM (SELECT source_hash, h, COUNT(DISTINCT grp) AS n
        FROM multi_rows WHERE source <> ''
        GROUP BY source_hash, h) sk
  WHERE n >= 2
  UNION ALL
  SELECT 'source_docs', source_hash, 0, COUNT(DISTINCT grp), 0, 0, 0, FALSE
  FROM doc_group WHERE source <> '' GROUP BY source_hash
  UNION ALL
  SELECT 'prefix', 0, h, n, 0, 0, 0, FALSE
  FROM (SELECT x.h, COUNT(DISTINCT g.grp) AS n
        FROM doc_prefixes x
        JOIN (SELECT c.h FROM (SELECT h, COUNT(*) AS docs FROM doc_prefixes GROUP BY h) c
              CROSS JOIN params pr WHERE c.docs >= pr.min_docs) f ON f.h = x.h
        JOIN doc_group g ON g.ord = x.ord
        GROUP BY x.h) px CROSS JOIN params pr
  WHERE n >= pr.min_docs
  UNION ALL
  -- titles count documents, not groups
  SELECT 'title', 0, title_key, COUNT(*), 0, 0, 0, FALSE
  FROM fp_docs WHERE title_key <> 0 GROUP BY title_key
  UNION ALL
  SELECT 'near', 0, key, n, 0, 0, 0, FALSE FROM near
  UNION ALL
  SELECT 'raw', 0, rf.raw, kc.n, rf.key,
         CASE WHEN rf.words > 65535 THEN 65535 ELSE rf.words END,
         CASE WHEN rf.numbers > 255 THEN 255 ELSE rf.numbers END, rf.short
  FROM raw_first rf JOIN key_counts kc ON kc.h = rf.key CROSS JOIN params pr
  WHERE kc.n >= pr.min_docs
  UNION ALL
  -- the members of copy groups of two or more
  SELECT 'group', 0, g.dord, s.size, g.grp, 0, 0, FALSE
  FROM doc_group g JOIN group_size s ON s.grp = g.grp
  WHERE s.size > 1
)
SELECT kind,
       CAST(source AS BIGINT) AS source,
       CAST(hash AS BIGINT) AS hash,
       CAST(n AS BIGINT) AS n,
       CAST(key AS BIGINT) AS key,
       CAST(words AS INTEGER) AS words,
       CAST(numbers AS INTEGER) AS numbers,
       CAST(short AS BOOLEAN) AS short
FROM rows_out
