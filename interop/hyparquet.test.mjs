// hyparquet, a pure-JavaScript Parquet reader (zstd through hyparquet-compressors), reads
// winnow's Parquet output as is: the footer's physical and logical types and the
// repetition of each column follow the contract of DESIGN.md, every column chunk is zstd,
// and every row matches the same corpus written as JSONL, doc_hash to the last bit.
//
// Run with `node --test` in this folder after `npm ci`, with the files to check in:
//   WINNOW_PARQUET  the corpus as Parquet (required)
//   WINNOW_JSONL    the same corpus as JSONL (required)
//   WINNOW_REMOVED  the removed-paragraph ledger as Parquet (optional)
// The Makefile sets them; by hand, `go test ./export/ -run TestWriteInteropFixture` with
// WINNOW_INTEROP_OUT=DIR writes a sample set.
//
// The JSONL and the decoded Parquet are held in memory: this is a test for sample
// corpora, not for production runs.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLedgerRow, assertRowsMatch, env, haveFiles, readCorpusJSONL } from './common.mjs';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

// Columns in file order, from DESIGN.md ("Parquet schemas"), as described by `column`
// below: physical type, logical type for strings, repetition.
const STR = 'BYTE_ARRAY/STRING';
const corpusColumns = [
  ['id', STR, 'REQUIRED'],
  ['source', STR, 'REQUIRED'],
  ['url', STR, 'OPTIONAL'],
  ['title', STR, 'OPTIONAL'],
  ['text', STR, 'REQUIRED'],
  ['n_paragraphs', 'INT32', 'REQUIRED'],
  ['n_removed', 'INT32', 'REQUIRED'],
  ['dup_count', 'INT32', 'REQUIRED'],
  ['doc_hash', 'INT64', 'REQUIRED'],
  ['meta', STR, 'OPTIONAL'],
];
const ledgerColumns = [
  ['doc_id', STR, 'REQUIRED'],
  ['source', STR, 'REQUIRED'],
  ['index', 'INT32', 'REQUIRED'],
  ['reason', STR, 'REQUIRED'],
  ['text', STR, 'REQUIRED'],
  ['key', 'INT64', 'REQUIRED'],
  ['doc_count', 'INT32', 'REQUIRED'],
  ['dup_of', STR, 'OPTIONAL'],
];

/**
 * Describes a leaf of the footer schema as [name, type, repetition]. A BYTE_ARRAY counts
 * as a string only with the STRING logical type (or the legacy UTF8 converted type). An
 * INT32/INT64 stays plain when unannotated or annotated as a signed integer of its own
 * width; any other annotation (unsigned, DATE, DECIMAL, ...) is appended so it fails.
 */
function column(el) {
  let type = el.type;
  const logical = el.logical_type;
  if (type === 'BYTE_ARRAY') {
    if (logical?.type === 'STRING' || (!logical && el.converted_type === 'UTF8')) type += '/STRING';
    else type += `/${logical?.type ?? el.converted_type ?? 'no logical type'}`;
  } else if (type === 'INT32' || type === 'INT64') {
    const width = type === 'INT32' ? 32 : 64;
    const plain = logical
      ? logical.type === 'INTEGER' && logical.bitWidth === width && logical.isSigned
      : el.converted_type === undefined || el.converted_type === `INT_${width}`;
    if (!plain) type += `/${JSON.stringify(logical ?? el.converted_type)}`;
  }
  return [el.name, type, el.repetition_type];
}

/** The leaf columns of a flat footer schema, failing on a nested one. */
function columns(metadata) {
  const [root, ...leaves] = metadata.schema;
  assert.equal(root.num_children, leaves.length, 'schema is not flat');
  for (const el of leaves) assert.ok(!el.num_children, `${el.name} is a group, not a column`);
  return leaves.map(column);
}

/** The footer and every row of a Parquet file, decoded by hyparquet. */
async function readParquet(path) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = await parquetReadObjects({ file, metadata, compressors });
  return { metadata, rows };
}

/** Checks codec, writer and key-value metadata of a footer read by hyparquet. */
function checkFileMetadata(metadata) {
  const codecs = new Set(metadata.row_groups.flatMap((rg) => rg.columns.map((c) => c.meta_data.codec)));
  assert.deepEqual([...codecs], ['ZSTD']);
  assert.match(metadata.created_by ?? '', /^winnow\b/);
  const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]));
  assert.ok('winnow.schema_version' in kv, `no winnow.schema_version in ${JSON.stringify(kv)}`);
}

/** Checks that the footer's row count, the row groups' and the decoded rows agree. */
function checkRowCount(metadata, rows) {
  assert.equal(typeof metadata.num_rows, 'bigint');
  assert.equal(rows.length, Number(metadata.num_rows), 'decoded rows differ from the footer num_rows');
  const inGroups = metadata.row_groups.reduce((n, rg) => n + rg.num_rows, 0n);
  assert.equal(inGroups, metadata.num_rows, 'row groups do not add up to num_rows');
}

if (haveFiles()) {
  describe('corpus', () => {
    let corpus;
    let lines;
    before(async () => {
      corpus = await readParquet(env.parquet);
      lines = await readCorpusJSONL(env.jsonl);
    });

    test('physical and logical types and repetition follow DESIGN.md', () => {
      assert.deepEqual(columns(corpus.metadata), corpusColumns);
    });

    test('file metadata: zstd in every column chunk, created by winnow, schema version', () => {
      checkFileMetadata(corpus.metadata);
    });

    test('row count equals the JSONL line count', () => {
      checkRowCount(corpus.metadata, corpus.rows);
      assert.equal(corpus.rows.length, lines.length, 'row count differs from the JSONL line count');
    });

    test('rows match the JSONL, id by id, doc_hash as int64', () => {
      assertRowsMatch(corpus.rows, lines);
    });
  });

  describe('ledger', { skip: env.removed ? false : 'WINNOW_REMOVED not set' }, () => {
    let ledger;
    before(async () => {
      ledger = await readParquet(env.removed);
    });

    test('physical and logical types and repetition follow DESIGN.md', () => {
      assert.deepEqual(columns(ledger.metadata), ledgerColumns);
    });

    test('file metadata: zstd in every column chunk, created by winnow, schema version', () => {
      checkFileMetadata(ledger.metadata);
    });

    test('row count agrees with the footer; values decode to their types', () => {
      checkRowCount(ledger.metadata, ledger.rows);
      for (const [i, r] of ledger.rows.entries()) {
        const at = `row ${i} (${r.doc_id})`;
        assertLedgerRow(r, at);
      }
    });
  });
}
