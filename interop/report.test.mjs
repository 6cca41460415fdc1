// winnow's HTML audit report renders in a real browser: headless Chromium loads it from
// file://, runs its inline script, lays out its tables and inline SVG charts, takes a
// screenshot, and the page makes no network request. The layout is measured by a probe
// script in a copy of the page: at 1400 px the page does not scroll sideways and the
// sources table fits its box, at 800 px the table scrolls in its box, and bidi controls
// in the input do not reverse the page's own text.
//
// Run with `node --test` in this folder (or `node --test interop/` from the repository),
// with the report to check in:
//   WINNOW_REPORT      path of a report written by winnow, or several separated by ':'
//                      (required, else the test skips)
//   WINNOW_SCREENSHOT  where to keep the screenshot (optional; default: a temporary file)
//   WINNOW_CHROMIUM    the browser (default /usr/bin/chromium, Debian package chromium;
//                      the test skips, saying so, when it is missing)
// A sample report, without the CLI (it holds ids and sources with U+202E and long
// source names without a place to break, which the layout tests measure):
//   WINNOW_REPORT_OUT=/tmp/report.html go test -run TestWriteReportSample ./audit/
//   WINNOW_REPORT=/tmp/report.html node --test interop/
//
// How "no request leaves the page" is proven. Chromium writes every request of its network
// stack to a net log (--log-net-log). Chromium itself also talks to the network in the
// background (component updater, time sync, account checks) even with the flags below, so
// the test attributes each logged request: a request made for the page carries the page's
// site, file://, in its network isolation (or anonymization) key and site-for-cookies; the
// browser's own requests carry "null" or a Google site. The test fails if any request with
// a network scheme (http, https, ws, wss, ftp, ...) is attributed to the page. Two control
// pages calibrate the detector on this very browser build: one without a Content Security
// Policy that loads an image and calls fetch() must be caught (so the detector works), and
// the same page under the report's own CSP must make no request (so the CSP blocks them).
// Pages are loaded from file://, which Chromium reads without its network stack, so the
// report's own load never appears in the log. --host-resolver-rules keeps the background
// traffic from leaving the machine during the test; it does not hide requests from the log.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const chromium = process.env.WINNOW_CHROMIUM || '/usr/bin/chromium';
// WINNOW_REPORT may name several reports, separated as in PATH (':').
const reportEnv = process.env.WINNOW_REPORT;
const reportPaths = (reportEnv ?? '').split(delimiter).filter((p) => p !== '');

const skip = !existsSync(chromium)
  ? `${chromium} is missing: install the Debian package chromium (apt-get install chromium) or set WINNOW_CHROMIUM`
  : reportPaths.length === 0
    ? 'WINNOW_REPORT is not set: point it at a report (WINNOW_REPORT_OUT=/tmp/report.html go test -run TestWriteReportSample ./audit/)'
    : false;

/** Runs headless Chromium on url with extra flags, in a fresh profile; returns stdout. */
function runChromium(work, name, url, extra) {
  const profile = join(work, `profile-${name}`);
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`,
    '--host-resolver-rules=MAP * ~NOTFOUND',
    ...extra,
    url,
  ];
  const r = spawnSync(chromium, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 << 20 });
  rmSync(profile, { recursive: true, force: true });
  if (r.error) throw new Error(`${chromium} ${name}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${chromium} ${name} exited with ${r.status ?? r.signal}: ${String(r.stderr).slice(-2000)}`);
  }
  return r.stdout;
}

/** Loads url with a net log and returns [stdout, the page's network requests]. */
function loadWithNetLog(work, name, url, extra) {
  const log = join(work, `${name}.netlog.json`);
  const out = runChromium(work, name, url, [`--log-net-log=${log}`, ...extra]);
  return [out, pageRequests(readNetLog(log))];
}

/** Reads a net log; a log cut short by an exiting browser lacks its closing brackets. */
function readNetLog(path) {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.trimEnd().replace(/,$/, '') + ']}');
  }
}

// Schemes that never touch the network.
const localScheme = /^(file|data|blob|about|chrome|chrome-extension|devtools):/i;

/**
 * Returns the requests of a net log that were made for a page loaded from file://, as
 * "EVENT_TYPE url" strings: events with a URL (or a host to resolve) of a network scheme
 * whose isolation key, anonymization key or site-for-cookies names the file:// site.
 */
function pageRequests(netlog) {
  const types = Object.fromEntries(Object.entries(netlog.constants.logEventTypes).map(([k, v]) => [v, k]));
  const found = new Set();
  for (const e of netlog.events) {
    const p = e.params;
    if (!p) continue;
    const target = p.url ?? p.host;
    if (typeof target !== 'string' || localScheme.test(target)) continue;
    const site = [p.network_isolation_key, p.network_anonymization_key, p.site_for_cookies]
      .filter((s) => typeof s === 'string').join(' ');
    if (/file:\/\//.test(site)) found.add(`${types[e.type] ?? e.type} ${target}`);
  }
  return [...found].sort();
}

/** Returns the element with the given id, from its start tag to its matching end tag. */
function element(html, id) {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) return null;
  const start = html.lastIndexOf('<', at);
  const name = /^<([a-zA-Z0-9]+)/.exec(html.slice(start))[1];
  const open = new RegExp(`<${name}[\\s>]`, 'g');
  const close = `</${name}>`;
  let depth = 0;
  let pos = start;
  for (;;) {
    open.lastIndex = pos;
    const o = open.exec(html);
    const c = html.indexOf(close, pos);
    if (c < 0) return null;
    if (o && o.index < c) {
      depth++;
      pos = o.index + name.length + 1;
    } else {
      depth--;
      pos = c + close.length;
      if (depth === 0) return html.slice(start, pos);
    }
  }
}

/**
 * Measures the layout of the report in a viewport width px wide: a copy of the page with
 * a probe script (inline, as the report's CSP allows) that writes what it measured into
 * the DOM, loaded with --dump-dom. Returns the measures:
 *   page       the document's scrollWidth and clientWidth
 *   table      the width of #sources-table and the client width of its scroll container
 *   metaLines  for each text node of the page's own words that follows input text (a
 *              sample's "· 3 of 5 paragraphs removed" after its source and id, a
 *              source's "40 documents · top paragraph on …" after its name), whether
 *              its letters are laid out left to right, with the text
 */
function measureLayout(work, report, width) {
  const probe = `<script>
window.addEventListener("load", function () {
  var de = document.documentElement, out = { page: { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth } };
  var t = document.getElementById("sources-table");
  if (t) out.table = { width: t.getBoundingClientRect().width, container: t.parentNode.clientWidth };
  out.metaLines = [];
  var range = document.createRange();
  document.querySelectorAll("article.sample .meta, details.src > summary .meta").forEach(function (meta) {
    meta.childNodes.forEach(function (n) {
      if (n.nodeType !== 3 || !/[a-z]/.test(n.data)) return;
      // each letter right of the one before it, unless it starts a new line
      var ltr = true, prev = null;
      for (var i = 0; i < n.data.length; i++) {
        if (!/[a-z0-9]/.test(n.data[i])) continue;
        range.setStart(n, i); range.setEnd(n, i + 1);
        var r = range.getBoundingClientRect();
        if (prev && Math.abs(r.top - prev.top) < 2 && r.left <= prev.left) ltr = false;
        prev = r;
      }
      out.metaLines.push({ text: n.data, ltr: ltr });
    });
  });
  var pre = document.createElement("pre");
  pre.id = "winnow-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`;
  const page = join(work, `layout-${width}.html`);
  writeFileSync(page, readFileSync(report, 'utf8').replace('</body>', `${probe}</body>`));
  const dom = runChromium(work, `layout-${width}`, pathToFileURL(page).href,
    ['--hide-scrollbars', `--window-size=${width},1000`, '--dump-dom']);
  const m = /<pre id="winnow-probe">([^<]*)<\/pre>/.exec(dom);
  assert.ok(m, `the layout probe wrote nothing at ${width} px`);
  return JSON.parse(m[1].replace(/&nbsp;/g, '\u00a0').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

/** The text of an HTML fragment, tags dropped. */
const textOf = (html) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();

/** The widths of the <rect> elements of an SVG fragment. */
const rectWidths = (svg) => [...svg.matchAll(/<rect\b[^>]*\bwidth="([\d.]+)"/g)].map((m) => Number(m[1]));

for (const reportPath of skip ? [''] : reportPaths) describe(`HTML audit report ${basename(reportPath)} in headless Chromium`, { skip }, () => {
  let work;
  let report;
  let dom;
  let domRequests;

  before(() => {
    report = resolve(reportPath);
    assert.ok(existsSync(report), `${reportPath} (in WINNOW_REPORT) does not exist`);
    work = mkdtempSync(join(tmpdir(), 'winnow-report-test-'));
    [dom, domRequests] = loadWithNetLog(work, 'dom', pathToFileURL(report).href, ['--dump-dom']);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the report is under 5 MB', () => {
    assert.ok(statSync(report).size < 5 << 20, `${report} is ${statSync(report).size} bytes`);
  });

  test('the DOM after load holds every section, non-empty', () => {
    assert.match(dom, /<title>[^<]+<\/title>/, 'no title');
    const totals = element(dom, 'totals');
    assert.ok(totals, 'no #totals');
    assert.ok((totals.match(/class="card"/g) ?? []).length >= 4, '#totals has fewer than 4 cards');
    assert.match(textOf(totals), /Documents \d/, '#totals shows no document count');

    const table = element(dom, 'sources-table');
    assert.ok(table, 'no #sources-table');
    const body = element(table.replace('<tbody>', '<tbody id="body">'), 'body');
    assert.ok((body.match(/<tr\b/g) ?? []).length >= 1, '#sources-table has no rows');
    assert.ok((body.match(/<td\b/g) ?? []).length >= 5, '#sources-table has no cells');
    // The inline script ran (the CSP allows it) and made the table sortable.
    assert.match(table, /data-sortable="ready"/, 'the sort script did not run');

    for (const id of ['reasons-chart', 'sources-chart', 'histogram']) {
      const svg = element(dom, id);
      assert.ok(svg, `no #${id}`);
      assert.match(svg, /^<svg\b/, `#${id} is not an SVG`);
      const widths = rectWidths(svg);
      assert.ok(widths.length > 0, `#${id} has no <rect>`);
      assert.ok(widths.some((w) => w > 0), `#${id} has only empty bars`);
    }

    const captions = element(dom, 'captions');
    assert.ok(captions, 'no #captions');
    assert.ok((captions.match(/<tr\b/g) ?? []).length >= 2, '#captions has no rows');

    const samples = element(dom, 'samples');
    assert.ok(samples, 'no #samples');
    assert.ok(/<article\b/.test(samples) || /No document had anything removed/.test(samples), '#samples is empty');
    if (/<article\b/.test(samples)) assert.match(samples, /<del\b/, 'no struck-through paragraph in #samples');
  });

  test('the DOM has no element or attribute that reaches the network', () => {
    assert.doesNotMatch(dom, /<(iframe|object|embed|img|video|audio|source|link\b(?![^>]*href="data:))/i);
    assert.doesNotMatch(dom, /\b(src|href|action|srcset|xlink:href)="(https?:|wss?:|ftp:|\/\/)/i);
  });

  test('loading the report makes no network request', () => {
    assert.deepEqual(domRequests, [], 'requests made for the report page');
  });

  test('at 1400 px the page does not scroll sideways and the sources table fits its box', () => {
    const { page, table } = measureLayout(work, report, 1400);
    assert.ok(page.scrollWidth <= 1400 && page.scrollWidth <= page.clientWidth,
      `the page is ${page.scrollWidth} px wide in a ${page.clientWidth} px viewport`);
    assert.ok(table, 'no #sources-table');
    assert.ok(table.width <= table.container + 0.5,
      `#sources-table is ${table.width} px wide in a ${table.container} px box: it scrolls sideways`);
  });

  test('at 800 px the sources table scrolls in its box, not the page', () => {
    const { page } = measureLayout(work, report, 800);
    assert.ok(page.scrollWidth <= page.clientWidth, `the page is ${page.scrollWidth} px wide in a ${page.clientWidth} px viewport`);
  });

  test('bidi controls in ids and sources do not reverse the page\'s own text', () => {
    const { metaLines } = measureLayout(work, report, 1400);
    const reversed = metaLines.filter((l) => !l.ltr).map((l) => JSON.stringify(l.text));
    assert.ok(metaLines.length > 0, 'no meta line of a sample or a source was measured');
    assert.deepEqual(reversed, [], 'the page\'s own words laid out right to left');
  });

  test('the screenshot is a full, non-blank page', () => {
    const shot = process.env.WINNOW_SCREENSHOT ? resolve(process.env.WINNOW_SCREENSHOT) : join(work, 'report.png');
    const [, requests] = loadWithNetLog(work, 'shot', pathToFileURL(report).href,
      ['--hide-scrollbars', `--screenshot=${shot}`, '--window-size=1280,2400']);
    assert.deepEqual(requests, [], 'requests made while taking the screenshot');
    assert.ok(existsSync(shot), `no screenshot at ${shot}`);
    const png = readFileSync(shot);
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG');
    assert.equal(png.readUInt32BE(16), 1280, 'PNG width');
    assert.equal(png.readUInt32BE(20), 2400, 'PNG height');
    // A blank 1280x2400 page compresses to about 12 kB; the report's charts and tables
    // take far more.
    assert.ok(png.length > 60_000, `screenshot is only ${png.length} bytes: a blank page?`);
  });

  test('control: the detector catches a page that fetches, and the report\'s CSP blocks it', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(dom);
    assert.ok(csp, 'the report has no Content-Security-Policy meta tag');
    const fetching = (head) => `<!DOCTYPE html><html><head>${head}<title>control</title></head><body>
<img src="http://127.0.0.1:9/winnow-control.png" alt="">
<script>fetch("https://winnow-control.invalid/probe").catch(function () {});</script>
</body></html>`;
    const open = join(work, 'control-open.html');
    const locked = join(work, 'control-csp.html');
    writeFileSync(open, fetching(''));
    writeFileSync(locked, fetching(`<meta http-equiv="Content-Security-Policy" content="${csp[1]}">`));

    const [, openRequests] = loadWithNetLog(work, 'control-open', pathToFileURL(open).href, ['--dump-dom']);
    assert.ok(openRequests.some((r) => r.includes('http://127.0.0.1:9/winnow-control.png')),
      `the detector missed the control image; it saw: ${openRequests.join(', ') || 'nothing'}`);
    assert.ok(openRequests.some((r) => r.includes('https://winnow-control.invalid/probe')),
      `the detector missed the control fetch; it saw: ${openRequests.join(', ') || 'nothing'}`);

    const [, lockedRequests] = loadWithNetLog(work, 'control-csp', pathToFileURL(locked).href, ['--dump-dom']);
    assert.deepEqual(lockedRequests, [], 'the report\'s CSP let a control request through');
  });
});
