// Loads a Vigil dashboard in headless Chromium, waits until every chart draws data, and saves a
// screenshot. Exits 1 if a chart is still empty at the deadline or the page threw (the screenshot
// is saved anyway, to show what was wrong), 2 on a usage or browser error.
//
//   node test/screenshot.mjs <url> <out.png> [timeout-seconds]
//
// CHROMIUM names the browser (default /usr/bin/chromium, Debian's package; bin/setup installs it).
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const [url, out, timeoutArg = '60'] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node test/screenshot.mjs <url> <out.png> [timeout-seconds]');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg) * 1000;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The machine's network is closed: without these flags Chromium keeps dialling Google's hosts.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const profile = await mkdtemp(join(tmpdir(), 'vigil-chromium-'));
let context;
let status = 2;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath, args, headless: true, viewport: { width: 1680, height: 1050 }, deviceScaleFactor: 1,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => { if (!r.url().includes('/api/stream')) problems.push(`request failed: ${r.url()}`); });

  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  let ready = false;
  try {
    await page.waitForFunction(() => window.vigilDashboard?.ready(), null, { timeout: timeoutMs, polling: 250 });
    ready = true;
    // Two more pushes, so the client-side throughput and latency lines have a few points each.
    const after = await page.evaluate(() => window.vigilDashboard.updates);
    await page.waitForFunction((n) => window.vigilDashboard.updates >= n + 2, after, { timeout: 10_000 });
  } catch {
    if (!ready) problems.push(`not every chart drew data within ${timeoutArg}s`);
  }
  const charts = await page.evaluate(() => window.vigilDashboard?.charts() ?? []);
  for (const c of charts) console.log(`${c.points > 0 ? 'ok   ' : 'EMPTY'} ${c.id}: ${c.points} points`);
  if (charts.length === 0) problems.push('the page shows no charts (is window.vigilDashboard defined?)');

  await mkdir(dirname(resolve(out)), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${resolve(out)}`);
  for (const p of [...errors, ...problems]) console.error(p);
  status = ready && charts.length > 0 && errors.length === 0 ? 0 : 1;
} catch (e) {
  console.error(`screenshot: ${e.message}`);
} finally {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
}
process.exit(status);
