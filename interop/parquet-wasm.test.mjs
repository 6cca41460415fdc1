// parquet-wasm (the Rust `parquet` crate of arrow-rs, compiled to WebAssembly; the wasm
// ships in the package, no network) reads winnow's Parquet output as is, and apache-arrow
// loads the result: Arrow types and nullability follow the contract of DESIGN.md, every
// column chunk is zstd, and every row matches the same corpus written as JSONL, doc_hash
// to the last bit.
//
// Run with `node --test` in this folder after `npm ci`, with the files to check in:
//   WINNOW_PARQUET  the corpus as Parquet (required)
//   WINNOW_JSONL    the same corpus as JSONL (required)
//   WINNOW_REMOVED  the removed-paragraph ledger as Parquet (optional)
// The Makefile sets them; by hand, `go test ./export/ -run TestWriteInteropFixture` with
// WINNOW_INTEROP_OUT=DIR writes a sample set.
//
// The files, the JSONL and the decoded tables are held in memory: this is a test for
// sample corpora, not for production runs.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLedgerRow, assertRowsMatch, env, haveFiles, readCorpusJSONL } from './common.mjs';
import { readFileSync } from 'node:fs';
import { Compression, ParquetFile, readParquet } from 'parquet-wasm';
import { DataType, tableFromIPC } from 'apache-arrow';

// Columns in file order, from DESIGN.md ("Parquet schemas"), as described by `field`
// below: type, nullable (= optional in the Parquet schema).
const corpusColumns = [
  ['id', 'string', false],
  ['source', 'string', false],
  ['url', 'string', true],
  ['title', 'string', true],
  ['text', 'string', false],
  ['n_paragraphs', 'int32', false],
  ['n_removed', 'int32', false],
  ['dup_count', 'int32', false],
  ['doc_hash', 'int64', false],
  ['meta', 'string', true],
];
const ledgerColumns = [
  ['doc_id', 'string', false],
  ['source', 'string', false],
  ['index', 'int32', false],
  ['reason', 'string', false],
  ['text', 'string', false],
  ['key', 'int64', false],
  ['doc_count', 'int32', false],
  ['dup_of', 'string', true],
];

/**
 * Describes an Arrow field as [name, type, nullable]: Utf8, LargeUtf8 and Utf8View are all
 * 'string' (which one arrow-rs picks is its business); signed 32/64-bit integers are
 * 'int32'/'int64'; anything else keeps Arrow's own name so the comparison fails.
 */
function field(f) {
  const t = f.type;
  let type = String(t);
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t)) type = 'string';
  else if (DataType.isInt(t) && t.isSigned && (t.bitWidth === 32 || t.bitWidth === 64)) type = `int${t.bitWidth}`;
  return [f.name, type, f.nullable];
}

/**
 * Reads a Parquet file with parquet-wasm: the Arrow table (through an IPC stream into
 * apache-arrow) and, from the footer, the row count, writer, key-value metadata and the
 * codec of every column chunk.
 */
async function read(path) {
  const bytes = new Uint8Array(readFileSync(path));
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const file = await ParquetFile.fromFile(new Blob([bytes]));
  try {
    const md = file.metadata();
    const fm = md.fileMetadata();
    const footer = {
      numRows: fm.numRows(),
      createdBy: fm.createdBy(),
      kv: fm.keyValueMetadata(),
      codecs: md.rowGroups().flatMap((rg) => rg.columns().map((c) => Compression[c.compression()])),
    };
    return { table, footer };
  } finally {
    file.free();
  }
}

/** Checks codec, writer and key-value metadata of a footer read by parquet-wasm. */
function checkFileMetadata(footer) {
  assert.deepEqual([...new Set(footer.codecs)], ['ZSTD']);
  assert.match(footer.createdBy ?? '', /^winnow\b/);
  assert.ok(
    footer.kv.has('winnow.schema_version'),
    `no winnow.schema_version in ${JSON.stringify([...footer.kv])}`,
  );
}

if (haveFiles()) {
  describe('corpus', () => {
    let corpus;
    let lines;
    before(async () => {
      corpus = await read(env.parquet);
      lines = await readCorpusJSONL(env.jsonl);
    });

    test('Arrow types and nullability follow DESIGN.md', () => {
      assert.deepEqual(corpus.table.schema.fields.map(field), corpusColumns);
    });

    test('file metadata: zstd in every column chunk, created by winnow, schema version', () => {
      checkFileMetadata(corpus.footer);
    });

    test('row count equals the JSONL line count', () => {
      assert.equal(corpus.table.numRows, corpus.footer.numRows, 'table rows differ from the footer');
      assert.equal(corpus.table.numRows, lines.length, 'row count differs from the JSONL line count');
    });

    test('rows match the JSONL, id by id, doc_hash as int64', () => {
      assertRowsMatch([...corpus.table].map((r) => r.toJSON()), lines);
    });
  });

  describe('ledger', { skip: env.removed ? false : 'WINNOW_REMOVED not set' }, () => {
    let ledger;
    before(async () => {
      ledger = await read(env.removed);
    });

    test('Arrow types and nullability follow DESIGN.md', () => {
      assert.deepEqual(ledger.table.schema.fields.map(field), ledgerColumns);
    });

    test('file metadata: zstd in every column chunk, created by winnow, schema version', () => {
      checkFileMetadata(ledger.footer);
    });

    test('row count agrees with the footer; values decode to their types', () => {
      assert.equal(ledger.table.numRows, ledger.footer.numRows, 'table rows differ from the footer');
      let i = 0;
      for (const rec of ledger.table) {
        const r = rec.toJSON();
        const at = `row ${i++} (${r.doc_id})`;
        assertLedgerRow(r, at);
      }
      assert.equal(i, ledger.footer.numRows, 'iterated rows differ from the footer');
    });
  });
}
