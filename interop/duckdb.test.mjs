// DuckDB reads winnow's Parquet output as is: column names and types follow the
// contract of DESIGN.md, optional columns hold NULL (never ""), and every row matches
// the same corpus written as JSONL.
//
// Run with `node --test` in this folder after `npm ci`, with the files to check in:
//   WINNOW_PARQUET  the corpus as Parquet (required)
//   WINNOW_JSONL    the same corpus as JSONL (required)
//   WINNOW_REMOVED  the removed-paragraph ledger as Parquet (optional)
// The Makefile sets them; by hand, `go test ./export/ -run TestWriteInteropFixture` with
// WINNOW_INTEROP_OUT=DIR writes a sample set.
//
// The JSONL is held in memory: this is a test for sample corpora, not for production runs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { env, haveFiles } from './common.mjs';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';

// Column names and DuckDB types, in file order, from DESIGN.md ("Parquet schemas").
const corpusColumns = [
  ['id', 'VARCHAR'],
  ['source', 'VARCHAR'],
  ['url', 'VARCHAR'],
  ['title', 'VARCHAR'],
  ['text', 'VARCHAR'],
  ['n_paragraphs', 'INTEGER'],
  ['n_removed', 'INTEGER'],
  ['dup_count', 'INTEGER'],
  ['doc_hash', 'BIGINT'],
  ['meta', 'VARCHAR'],
];
const ledgerColumns = [
  ['doc_id', 'VARCHAR'],
  ['source', 'VARCHAR'],
  ['index', 'INTEGER'],
  ['reason', 'VARCHAR'],
  ['text', 'VARCHAR'],
  ['key', 'BIGINT'],
  ['doc_count', 'INTEGER'],
  ['dup_of', 'VARCHAR'],
];
// Columns that winnow writes as NULL when empty.
const corpusOptional = ['url', 'title', 'meta'];
const ledgerOptional = ['dup_of'];

/** Quotes s as an SQL string literal. */
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

/** Reads a JSONL file into an array of objects, failing on a malformed line. */
async function readJSONL(path) {
  const rows = [];
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${path}:${n}: ${err.message}`);
    }
  }
  return rows;
}

if (haveFiles()) {
  let instance;
  let db;
  const query = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS();
  const describeTypes = async (path) =>
    (await query(`DESCRIBE SELECT * FROM read_parquet(${lit(path)})`)).map((r) => [
      r.column_name,
      r.column_type,
    ]);

  before(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    db = await instance.connect();
  });

  after(() => {
    db?.closeSync();
    instance?.closeSync();
  });

  describe('corpus', () => {
    const src = () => `read_parquet(${lit(env.parquet)})`;

    test('column names and types follow DESIGN.md', async () => {
      assert.deepEqual(await describeTypes(env.parquet), corpusColumns);
    });

    test('file metadata: zstd, created by winnow, schema version', async () => {
      const codecs = await query(
        `SELECT DISTINCT compression FROM parquet_metadata(${lit(env.parquet)})`,
      );
      assert.deepEqual(codecs.map((r) => r.compression), ['ZSTD']);
      const [file] = await query(`SELECT created_by FROM parquet_file_metadata(${lit(env.parquet)})`);
      assert.match(file.created_by, /^winnow\b/);
      const kv = await query(
        `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${lit(env.parquet)})`,
      );
      const meta = Object.fromEntries(kv.map((r) => [r.key, r.value]));
      assert.ok('winnow.schema_version' in meta, `no winnow.schema_version in ${JSON.stringify(meta)}`);
    });

    test('optional columns hold NULL, never an empty string', async () => {
      for (const col of corpusOptional) {
        const [r] = await query(`SELECT count(*) AS n FROM ${src()} WHERE "${col}" = ''`);
        assert.equal(Number(r.n), 0, `${col}: ${r.n} empty strings instead of NULL`);
      }
    });

    test('rows match the JSONL, id by id', async () => {
      const lines = await readJSONL(env.jsonl);
      const rows = await query(
        `SELECT id, source, url, title, text, n_paragraphs, n_removed, dup_count, meta FROM ${src()}`,
      );
      assert.equal(rows.length, lines.length, 'row count differs from the JSONL line count');

      const byID = new Map();
      for (const r of rows) {
        assert.ok(!byID.has(r.id), `duplicate id ${r.id}`);
        byID.set(r.id, r);
      }
      let checked = 0;
      for (const want of lines) {
        const got = byID.get(want.id);
        assert.ok(got, `id ${want.id} is in the JSONL but not in the Parquet`);
        assert.equal(got.text, want.text, `text of ${want.id}`);
        assert.equal(got.source, want.source, `source of ${want.id}`);
        for (const col of corpusOptional) {
          // JSONL omits an empty optional field; Parquet holds NULL.
          assert.equal(got[col], want[col] ?? null, `${col} of ${want.id}`);
        }
        for (const col of ['n_paragraphs', 'n_removed', 'dup_count']) {
          assert.equal(got[col], want[col], `${col} of ${want.id}`);
        }
        checked++;
      }
      assert.equal(checked, rows.length);
    });
  });

  describe('ledger', { skip: env.removed ? false : 'WINNOW_REMOVED not set' }, () => {
    test('column names and types follow DESIGN.md', async () => {
      assert.deepEqual(await describeTypes(env.removed), ledgerColumns);
    });

    test('optional columns hold NULL, never an empty string', async () => {
      for (const col of ledgerOptional) {
        const [r] = await query(
          `SELECT count(*) AS n FROM read_parquet(${lit(env.removed)}) WHERE "${col}" = ''`,
        );
        assert.equal(Number(r.n), 0, `${col}: ${r.n} empty strings instead of NULL`);
      }
    });
  });
}
