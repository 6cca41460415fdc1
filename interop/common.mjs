// What the Parquet reader tests share: the files under test (from the environment), the
// corpus JSONL with doc_hash read exactly, and the row-by-row comparison with it.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The files to check: WINNOW_PARQUET, WINNOW_JSONL and (optional) WINNOW_REMOVED. */
export const env = {
  parquet: process.env.WINNOW_PARQUET,
  jsonl: process.env.WINNOW_JSONL,
  removed: process.env.WINNOW_REMOVED,
};

/**
 * Reports whether the files to check are given. When they are not, it registers one
 * failing test that says how to give them; when they are, a hook that fails on a path
 * that does not exist.
 */
export function haveFiles() {
  if (!env.parquet || !env.jsonl) {
    test('environment', () => {
      assert.fail(
        'set WINNOW_PARQUET (corpus .parquet) and WINNOW_JSONL (the same corpus as .jsonl), ' +
          'and optionally WINNOW_REMOVED (ledger .parquet); `make interop` sets them',
      );
    });
    return false;
  }
  before(() => {
    for (const [name, path] of Object.entries(env)) {
      if (path && !existsSync(path)) throw new Error(`${name}: ${path} does not exist`);
    }
  });
  return true;
}

/**
 * Reads a corpus JSONL file into [{ row, hash }], failing on a malformed line. hash is
 * doc_hash as a BigInt taken from the line's text: JSON.parse rounds integers beyond
 * 2^53 to the nearest double, which would hide a wrong low bit.
 */
export async function readCorpusJSONL(path) {
  const out = [];
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let row;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new Error(`${path}:${n}: ${err.message}`);
    }
    // A quote inside a JSON string is escaped, so only the top-level key matches.
    const m = [...line.matchAll(/"doc_hash"\s*:\s*(-?\d+)/g)];
    if (m.length !== 1) throw new Error(`${path}:${n}: ${m.length} "doc_hash" integer fields`);
    const hash = BigInt(m[0][1]);
    if (Number(hash) !== row.doc_hash) throw new Error(`${path}:${n}: doc_hash ${hash} misread`);
    out.push({ row, hash });
  }
  return out;
}

const corpusOptional = ['url', 'title', 'meta'];

/**
 * Asserts that the decoded corpus rows (plain objects) equal the JSONL lines, id by id:
 * every column, empty optional fields as NULL, doc_hash as a BigInt to the last bit.
 */
export function assertRowsMatch(rows, lines) {
  const byID = new Map();
  for (const r of rows) {
    assert.ok(!byID.has(r.id), `duplicate id ${r.id}`);
    byID.set(r.id, r);
  }
  assert.equal(byID.size, lines.length, 'row count differs from the JSONL line count');
  for (const { row: want, hash } of lines) {
    const got = byID.get(want.id);
    assert.ok(got, `id ${want.id} is in the JSONL but not in the Parquet`);
    assert.equal(got.text, want.text, `text of ${want.id}`);
    assert.equal(got.source, want.source, `source of ${want.id}`);
    assert.equal(typeof got.doc_hash, 'bigint', `doc_hash of ${want.id} is not an int64`);
    assert.equal(got.doc_hash, hash, `doc_hash of ${want.id}`);
    for (const col of corpusOptional) {
      // JSONL omits an empty optional field; Parquet holds NULL.
      assert.equal(got[col], want[col] ?? null, `${col} of ${want.id}`);
    }
    for (const col of ['n_paragraphs', 'n_removed', 'dup_count']) {
      assert.equal(got[col], want[col], `${col} of ${want.id}`);
    }
  }
}

/**
 * Asserts that one decoded ledger row has the types of DESIGN.md and its rules: dup_of
 * is set exactly on duplicate_doc rows, which stand for a whole document (index -1).
 */
export function assertLedgerRow(r, at) {
  for (const col of ['doc_id', 'source', 'reason', 'text']) {
    assert.equal(typeof r[col], 'string', `${col} of ${at}`);
  }
  assert.equal(typeof r.key, 'bigint', `key of ${at} is not an int64`);
  assert.ok(Number.isInteger(r.index) && r.index >= -1, `index of ${at}: ${r.index}`);
  assert.ok(Number.isInteger(r.doc_count) && r.doc_count >= 0, `doc_count of ${at}: ${r.doc_count}`);
  if (r.reason === 'duplicate_doc') {
    assert.ok(typeof r.dup_of === 'string' && r.dup_of !== '', `dup_of of ${at}: ${r.dup_of}`);
    assert.equal(r.index, -1, `index of ${at}`);
  } else {
    assert.equal(r.dup_of, null, `dup_of of ${at}, a ${r.reason} row`);
  }
}
