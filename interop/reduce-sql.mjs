// Runs docs/reduce.sql on DuckDB: the reduce stage of the staged path in SQL.
//
//   node interop/reduce-sql.mjs SQL OUT.parquet FPDIR...
//
// reads the fingerprints of every FPDIR (docs-*.parquet, paras-*.parquet), runs the
// query of SQL (docs/reduce.sql) over them and writes its rows to OUT.parquet, the
// counts winnow apply and winnow place read. It prints the rows written and the time
// the query took. pipeline/reduce_sql_test.go runs it (after `npm ci` in interop/).
// WINNOW_MIN_DOCS, when set, replaces the query's min_docs; WINNOW_DUCKDB_THREADS and
// WINNOW_DUCKDB_MEMORY set DuckDB's threads (2) and memory_limit (its default: 80 % of
// RAM), WINNOW_DUCKDB_TEMP_MAX its max_temp_directory_size (the spill's cap; its default
// is 90 % of the free disk).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [sqlPath, out, ...dirs] = process.argv.slice(2);
if (!sqlPath || !out || dirs.length === 0) {
  console.error('usage: node reduce-sql.mjs SQL OUT.parquet FPDIR...');
  process.exit(2);
}
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const list = (name) => `[${dirs.map((d) => lit(join(d, `${name}-*.parquet`))).join(', ')}]`;
let query = readFileSync(sqlPath, 'utf8').trim().replace(/;\s*$/, '');
if (process.env.WINNOW_MIN_DOCS) {
  const n = Number.parseInt(process.env.WINNOW_MIN_DOCS, 10);
  const before = query;
  query = query.replace(/SELECT\s+\d+\s+AS\s+min_docs/, `SELECT ${n} AS min_docs`);
  if (query === before && !before.includes(`SELECT ${n} AS min_docs`)) {
    console.error('reduce-sql: no "SELECT n AS min_docs" in the query to set');
    process.exit(2);
  }
}
const threads = process.env.WINNOW_DUCKDB_THREADS || '2';
// DuckDB spills what does not fit in memory to temp_directory: a folder of its own in
// TMPDIR (not the working directory), removed at the end
const spill = mkdtempSync(join(tmpdir(), 'winnow-duckdb-'));
process.on('exit', () => rmSync(spill, { recursive: true, force: true }));
const config = { threads, temp_directory: spill };
if (process.env.WINNOW_DUCKDB_MEMORY) config.memory_limit = process.env.WINNOW_DUCKDB_MEMORY;
if (process.env.WINNOW_DUCKDB_TEMP_MAX) config.max_temp_directory_size = process.env.WINNOW_DUCKDB_TEMP_MAX;
const instance = await DuckDBInstance.create(':memory:', config);
const db = await instance.connect();
await db.run(`CREATE VIEW fp_docs AS SELECT * FROM read_parquet(${list('docs')})`);
await db.run(`CREATE VIEW fp_paras AS SELECT * FROM read_parquet(${list('paras')})`);
const start = process.hrtime.bigint();
await db.run(`COPY (${query}) TO ${lit(out)} (FORMAT PARQUET)`);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const n = (await db.runAndReadAll(`SELECT COUNT(*) AS n FROM read_parquet(${lit(out)})`)).getRowObjectsJS()[0].n;
console.log(JSON.stringify({ rows: Number(n), ms: Math.round(ms) }));
