// Uses the HTML report as a person would, in headless Chromium driven by
// Playwright (playwright-core, with the system's Chromium: no browser
// download). Called by report/tests/all/html.rs:
//
//   node check.mjs <page.html> <screenshot-dir> <query>
//
// Types <query> into the search box and checks rows disappear and the ones
// left match; sorts a table by a run column; opens a benchmark's detail from
// its table row and from a chart bar and checks its charts are drawn;
// checks the charts carry tooltips (<title>); then, in a second browser
// with JavaScript off, checks the server-rendered details are there and a
// row's link opens them. Meanwhile records every console message, page
// error and request that is not the page itself, in both. Prints one JSON
// object; exits 1 on any failure.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";
import fs from "node:fs";

const [pagePath, shots, query] = process.argv.slice(2);
if (!pagePath || !shots || !query) {
  console.error("usage: node check.mjs <page.html> <screenshot-dir> <query>");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(pagePath)).href;
const profile = fs.mkdtempSync(path.join(shots, "profile-"));
const failures = [];
const problems = [];
const result = { failures, problems, screenshots: [] };

// A browser on its own profile; `javaScriptEnabled: false` for the second.
const launch = (dir, options = {}) =>
  chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    ...options,
  });
// The page in `browser`, every console message, error and request recorded.
const open = async (browser, label) => {
  const page = browser.pages()[0] || (await browser.newPage());
  page.on("console", (m) => problems.push(`${label} console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${label} page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== url && !r.url().startsWith("data:")) problems.push(`${label} request: ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`${label} failed request: ${r.url()}`));
  await page.goto(url, { waitUntil: "load" });
  const shot = async (name, options = {}) => {
    const file = path.join(shots, name);
    await page.screenshot({ path: file, ...options });
    result.screenshots.push(file);
  };
  return { page, shot };
};

const browser = await launch(profile);
try {
  const started = Date.now();
  const { page, shot } = await open(browser, "");
  result.load_ms = Date.now() - started;
  await shot("top.png");

  // Every drawn chart has tooltips: whole labels, a history point's run.
  const tips = await page.$$eval("figure .chart svg", (svgs) =>
    svgs.map((s) => ({ id: s.closest("figure").id, titles: s.querySelectorAll("title").length })));
  result.charts = tips.length;
  result.charts_without_tooltips = tips.filter((t) => t.titles === 0).map((t) => t.id);
  const groupCharts = tips.filter((t) => t.id.startsWith("group-") || t.id.startsWith("history-"));
  if (!groupCharts.length || groupCharts.some((t) => t.titles === 0)) {
    failures.push(`group or history charts without <title> tooltips: ${JSON.stringify(result.charts_without_tooltips)}`);
  }

  // Search: rows disappear, those left match, non-matching figures hide.
  const visibleRows = () =>
    page.$$eval("tbody tr[data-id]", (rows) =>
      rows.filter((r) => r.offsetParent !== null).map((r) => r.getAttribute("data-id")));
  const before = await visibleRows();
  await page.fill("#search", query);
  await page.waitForTimeout(400);
  const after = await visibleRows();
  result.rows_before = before.length;
  result.rows_after = after.length;
  if (!(after.length > 0 && after.length < before.length)) {
    failures.push(`search '${query}': ${before.length} rows before, ${after.length} after`);
  }
  const stray = after.filter((id) => !id.toLowerCase().includes(query.toLowerCase()));
  if (stray.length) failures.push(`rows not matching '${query}' still shown: ${stray.slice(0, 5)}`);
  result.figures_hidden = await page.$$eval("figure[data-group]", (fs) => fs.filter((f) => f.hidden).length);
  await page.locator("#tables").scrollIntoViewIfNeeded();
  await shot("search.png");
  await page.fill("#search", "");
  await page.waitForTimeout(400);
  if ((await visibleRows()).length !== before.length) failures.push("clearing the search did not bring every row back");

  // Sort the first group table by its first run column, ascending.
  const longest = await page.$$eval("#tables table.sortable", (ts) => {
    let best = 0;
    ts.forEach((t, i) => { if (t.tBodies[0].rows.length > ts[best].tBodies[0].rows.length) best = i; });
    return best;
  });
  const table = page.locator("#tables table.sortable").nth(longest);
  await table.locator("thead th").nth(1).click();
  const values = await table.locator("tbody tr:not(.sub) td:nth-child(2)").allTextContents();
  const ns = values.map((t) => {
    const m = /([0-9.]+)\s*(ns|µs|ms|s)/.exec(t);
    return m ? parseFloat(m[1]) * { ns: 1, "µs": 1e3, ms: 1e6, s: 1e9 }[m[2]] : NaN;
  }).filter((v) => !isNaN(v));
  if (ns.length < 2 || ns.some((v, i) => i > 0 && v < ns[i - 1])) {
    failures.push(`sorting did not order the column: ${values.slice(0, 8)}`);
  }

  // Detail from a table row.
  const link = page.locator("#tables tbody th a[href^='#bench=']").first();
  const id = await link.evaluate((a) => a.closest("tr").getAttribute("data-id"));
  await link.click();
  await page.waitForSelector("dialog#detail[open] svg circle", { timeout: 5000 }).catch(() => {});
  const detail = await page.evaluate(() => {
    const d = document.querySelector("dialog#detail");
    return {
      open: d.open,
      title: d.querySelector("h2") ? d.querySelector("h2").textContent : "",
      charts: d.querySelectorAll("svg").length,
      dots: d.querySelectorAll("svg circle").length,
      rows: d.querySelectorAll("table tbody tr").length,
    };
  });
  result.detail = detail;
  if (!detail.open || detail.title !== id) failures.push(`detail of ${id} not opened: ${JSON.stringify(detail)}`);
  if (detail.charts < 1 || detail.dots < 10) failures.push(`detail of ${id} has no chart drawn: ${JSON.stringify(detail)}`);
  const chartBox = await page.locator("dialog#detail svg").first().boundingBox();
  if (!chartBox || chartBox.width < 300 || chartBox.height < 60) {
    failures.push(`the detail chart is not drawn at a readable size: ${JSON.stringify(chartBox)}`);
  }
  await shot("detail.png");
  await page.keyboard.press("Escape");

  // Detail from a chart bar (the bars of the per-group charts are links).
  const bar = page.locator("#chart-groups svg a").first();
  if ((await bar.count()) === 0) {
    failures.push("no chart bar links to a detail");
  } else {
    await bar.scrollIntoViewIfNeeded();
    await bar.click({ force: true });
    const opened = await page.waitForSelector("dialog#detail[open] svg circle", { timeout: 5000 }).then(() => true, () => false);
    if (!opened) failures.push("clicking a chart bar opened no detail");
    await page.keyboard.press("Escape");
  }

  // The history section, when there is one.
  const history = page.locator("#history figure").first();
  if (await history.count()) {
    await history.scrollIntoViewIfNeeded();
    await shot("history.png");
  }
} catch (e) {
  failures.push(`the check itself failed: ${e.stack || e}`);
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
await withoutScript();

// JavaScript off: no search box, and under each group table the details of
// its benchmarks, which a row's link opens (the browser reveals the closed
// <details> holding the fragment's row).
async function withoutScript() {
  const dir = fs.mkdtempSync(path.join(shots, "profile-"));
  const off = await launch(dir, { javaScriptEnabled: false });
  try {
    const { page, shot } = await open(off, "without JavaScript:");
    const seen = await page.evaluate(() => ({
      search: document.querySelector("form.search").offsetParent !== null,
      summaries: document.querySelectorAll("#tables details.stats").length,
      tables: document.querySelectorAll("#tables div.table[data-group]").length,
      summary_rows: document.querySelectorAll("#tables table.stats tbody tr").length,
      links: document.querySelectorAll("#tables table.sortable tbody th a[href^='#bench=']").length,
      charts: document.querySelectorAll("figure .chart svg").length,
    }));
    result.without_script = seen;
    if (seen.search) failures.push("without JavaScript the (useless) search box is shown");
    if (!seen.summaries || seen.summaries !== seen.tables) {
      failures.push(`without JavaScript ${seen.summaries} summaries for ${seen.tables} group tables`);
    }
    if (seen.summary_rows !== seen.links) {
      failures.push(`${seen.summary_rows} summary rows for ${seen.links} benchmark rows`);
    }
    if (!seen.charts) failures.push("without JavaScript no chart is shown");
    const link = page.locator("#tables table.sortable tbody th a[href^='#bench=']").nth(3);
    const id = await link.evaluate((a) => a.closest("tr").getAttribute("data-id"));
    await link.click();
    await page.waitForTimeout(300);
    const target = await page.evaluate(() => {
      const row = document.querySelector("tr:target");
      if (!row) return null;
      const box = row.getBoundingClientRect();
      return {
        id: row.id,
        open: row.closest("details").open,
        cells: Array.from(row.cells, (c) => c.textContent),
        in_view: box.bottom > 0 && box.top < window.innerHeight && box.height > 0,
      };
    });
    result.without_script.target = target;
    if (!target || target.id !== `bench=${id}` || !target.open || !target.in_view) {
      failures.push(`without JavaScript the link of ${id} did not show its details: ${JSON.stringify(target)}`);
    } else if (target.cells.some((c) => !c.trim())) {
      failures.push(`empty cells in the details of ${id}: ${JSON.stringify(target.cells)}`);
    }
    await shot("no-script-details.png");
  } catch (e) {
    failures.push(`the check without JavaScript failed: ${e.stack || e}`);
  } finally {
    await off.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify(result, null, 1));
process.exit(failures.length || problems.length ? 1 : 0);
