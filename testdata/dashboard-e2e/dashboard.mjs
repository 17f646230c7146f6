// Drives codegraph's web dashboard in headless Chromium with every request
// to another host refused (as on a machine without internet access):
// search, open a symbol, expand its call graph, draw a 500-node graph,
// open the repository map, follow an index job's progress. Counts console
// errors and requests to other hosts (both must be zero).
//
// Usage:
//   node dashboard.mjs BASE_URL CHROMIUM_PATH [--key KEY] [--big REPO]
//   node dashboard.mjs --perf BASE_URL CHROMIUM_PATH [--key KEY] QUERY...
// The first form is run by internal/dashboard's TestDashboardBrowser over
// its fixture (repositories "shop" and, with --big, one whose Hub calls
// 500 functions). The second types each QUERY into the search box and
// reports how long the first results took (the 300 ms target on the Go
// standard library's index). Prints one JSON line: {"ok":true,...} or
// {"ok":false,"error":...}.
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const perf = args[0] === '--perf';
if (perf) args.shift();
const [base, executablePath] = args;
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return '';
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const key = opt('--key');
const big = opt('--big');
const hist = opt('--hist');
const queries = args.slice(2);
const origin = new URL(base).origin;
const result = { ok: false, steps: [], local: 0, refused: [], failed: [], errors: [], leaked: [] };
const step = (name, extra) => result.steps.push({ name, ...extra });

// lowContrast lists the text elements of the page whose colour has a
// contrast ratio below 4.5:1 (WCAG AA) against their background.
function lowContrast(page) {
  return page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (el) => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const el of document.querySelectorAll('body *:not(script):not(style):not(svg *)')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !el.getClientRects().length) continue;
      const a = lum(rgb(getComputedStyle(el).color).slice(0, 3));
      const b = lum(bg(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) bad.push({ el: el.tagName + '.' + el.className, text: el.textContent.trim().slice(0, 30), ratio: Math.round(ratio * 100) / 100 });
    }
    return bad;
  });
}

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(30000);
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      result.refused.push(url);
      return route.abort('internetdisconnected');
    }
    result.local++;
    if (key && url.includes(key)) result.leaked.push(url);
    return route.continue();
  });
  page.on('requestfailed', (r) => {
    // Requests the page aborts itself (a search superseded by the next
    // keystroke, streams closed on leaving a view) are not failures.
    const f = r.failure();
    if (!f || !/ERR_ABORTED/.test(f.errorText)) result.failed.push(r.url() + ' ' + (f && f.errorText));
  });
  // Until the key is entered, the page's first API call (the search
  // box's warm-up) answers 401 and the page asks for the key: that one
  // answer, and the browser's console line about it, are expected.
  let keyless = !!key;
  const expected = [];
  page.on('response', (r) => {
    if (keyless && r.status() === 401) expected.push(r.url());
    else if (r.status() >= 400) result.errors.push('HTTP ' + r.status() + ' ' + r.url());
  });
  page.on('pageerror', (e) => result.errors.push('pageerror: ' + String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (keyless && /status of 401/.test(m.text())) return;
    result.errors.push('console: ' + m.text());
  });

  await page.goto(base + '/', { waitUntil: 'load' });
  const input = page.getByTestId('search-input');
  await input.waitFor();
  if (key) {
    // The page asks for the key once the API answers 401.
    await page.waitForSelector('#notice:not([hidden])');
    const asked = await page.textContent('#notice');
    const focused = await page.evaluate(() => document.activeElement.id);
    if (!/API key/.test(asked) || focused !== 'api-key') throw new Error('the page did not ask for the key: ' + asked + ' (focus on ' + focused + ')');
    step('asks-key', { expected_401: expected.length });
    keyless = false;
    await page.fill('#api-key', key);
    await page.click('#key-form button');
    await input.waitFor();
    const stored = await page.evaluate(() => sessionStorage.getItem('codegraph.key'));
    if (stored !== key) throw new Error('the key is not kept in session storage');
  }

  // Times the results list in the page: when each query's results were
  // drawn, against when each key went down.
  await page.evaluate(() => {
    const p = (window.__perf = { keys: [], draws: [] });
    document.addEventListener('keydown', () => p.keys.push(performance.now()), true);
    const watch = () => {
      const list = document.getElementById('results');
      if (!list) return setTimeout(watch, 20);
      new MutationObserver(() => {
        if (list.children.length) p.draws.push({ t: performance.now(), q: list.dataset.q, n: list.children.length });
      }).observe(list, { childList: true });
    };
    watch();
  });
  const typeAndTime = async (q) => {
    await input.fill('');
    await page.evaluate(() => { window.__perf.keys = []; window.__perf.draws = []; });
    await input.focus();
    // At a brisk typist's pace in --perf runs (10 keys a second).
    await page.keyboard.type(q, { delay: perf ? 100 : 0 });
    await page.waitForFunction((q) => window.__perf.draws.some((d) => d.q === q), q, { timeout: 30000 });
    return page.evaluate((q) => {
      const p = window.__perf;
      const first = p.draws[0];
      const full = p.draws.find((d) => d.q === q);
      return { query: q, first_results_ms: Math.round(first.t - p.keys[0]), full_query_ms: Math.round(full.t - p.keys[p.keys.length - 1]), results: full.n };
    }, q);
  };

  if (perf) {
    result.timings = [];
    for (const q of queries) result.timings.push(await typeAndTime(q));
    result.ok = result.refused.length === 0 && result.failed.length === 0 && result.errors.length === 0 && result.leaked.length === 0;
  } else {
    // 1. Search, then open a result with the keyboard.
    const t = await typeAndTime('Get');
    step('search', t);
    const hits = await page.getByTestId('search-result').allTextContents();
    const at = hits.findIndex((x) => x.includes('Store.Get'));
    if (at < 0) throw new Error('no Store.Get among the results: ' + JSON.stringify(hits));
    for (let i = 0; i <= at; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/symbol\/[0-9a-f]{16}/);
    const symbolURL = page.url();
    step('open', { url: symbolURL.slice(origin.length) });

    // 2. The symbol page: source, call graph, refs, impact.
    const src = page.getByTestId('symbol-source');
    await page.waitForFunction(() => (document.querySelector('[data-testid="symbol-source"]')?.textContent ?? '').includes('func (s *Store) Get('));
    const highlighted = await src.locator('.tok-k').count();
    if (highlighted === 0) throw new Error('the source is not highlighted');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="call-graph"] [data-node-id]').length >= 2);
    const verdict = await page.getByTestId('impact-verdict').textContent();
    const contrast = await lowContrast(page);
    if (contrast.length) throw new Error('text below 4.5:1 contrast: ' + JSON.stringify(contrast));
    const refs = await page.locator('#refs-h + p').textContent();
    step('symbol', { highlighted, verdict, refs });

    // 3. Expand the graph: the caller Server.ServeHTTP adds its callees.
    const before = await page.locator('[data-testid="call-graph"] [data-node-id]').count();
    const caller = page.locator('[data-testid="call-graph"] [data-node-id]', { hasText: 'ServeHTTP' });
    await caller.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="call-graph"] [data-node-id]').length > n, before);
    const after = await page.locator('[data-testid="call-graph"] [data-node-id]').count();
    const styled = await page.locator('[data-testid="call-graph"] path.gedge').evaluateAll((ps) => [...new Set(ps.map((p) => p.getAttribute('class')))]);
    // Keyboard: focus a node and expand it with Enter.
    step('expand', { before, after, edge_styles: styled });

    // 4. The shared link opens the same page.
    await page.goto(symbolURL);
    await page.waitForFunction(() => (document.querySelector('[data-testid="symbol-source"]')?.textContent ?? '').includes('Store) Get('));
    step('link');

    // 5. A 500-node graph in the other repository.
    if (big) {
      await page.selectOption('[data-testid="repo-select"]', big);
      await input.waitFor();
      await input.fill('Hub');
      await page.getByTestId('search-result').filter({ hasText: 'Hub' }).first().click();
      const t0 = Date.now();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="call-graph"] [data-node-id]').length >= 500, null, { timeout: 60000 });
      const renderMs = Date.now() - t0;
      const nodes = await page.locator('[data-testid="call-graph"] [data-node-id]').count();
      // Painted: the browser drew a frame after the graph was built.
      const painted = () => page.waitForFunction(() => {
        const g = document.querySelector('[data-testid="call-graph"]');
        return g.dataset.painted === g.dataset.renders;
      });
      await painted();
      const drawMs = Number(await page.getAttribute('[data-testid="call-graph"]', 'data-render-ms'));
      const paintMs = Number(await page.getAttribute('[data-testid="call-graph"]', 'data-paint-ms'));
      // Interactive: a click on a leaf selects it at once and expands it
      // (a request, then the whole graph laid out and drawn again); the
      // wheel zooms. Timed in the page.
      const clickMs = await page.evaluate(() => {
        const el = [...document.querySelectorAll('[data-testid="call-graph"] [data-node-id]')].find((e) => e.textContent.includes('Leaf250'));
        const t = performance.now();
        el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        if (!el.classList.contains('selected')) throw new Error('the click did not select the node');
        return performance.now() - t;
      });
      const t1 = Date.now();
      await page.waitForFunction(() => document.querySelector('[data-testid="call-graph"] .gnode.expanded.selected')?.textContent.includes('Leaf250'));
      const expandMs = Date.now() - t1;
      await painted();
      const redrawMs = Number(await page.getAttribute('[data-testid="call-graph"]', 'data-render-ms'));
      const repaintMs = Number(await page.getAttribute('[data-testid="call-graph"]', 'data-paint-ms'));
      const vb0 = await page.getAttribute('[data-testid="call-graph"]', 'viewBox');
      const t2 = Date.now();
      const svgBox = page.getByTestId('call-graph');
      await svgBox.scrollIntoViewIfNeeded();
      const bb = await svgBox.boundingBox();
      await page.mouse.move(bb.x + bb.width / 2, bb.y + bb.height / 2);
      await page.mouse.wheel(0, -300);
      await page.waitForFunction((v) => document.querySelector('[data-testid="call-graph"]').getAttribute('viewBox') !== v, vb0);
      const zoomMs = Date.now() - t2;
      // Keyboard: from the root, the right arrow reaches a callee, the
      // down arrow the next one, Enter expands it.
      await page.focus('[data-testid="call-graph"] .gnode.root');
      await page.keyboard.press('ArrowRight');
      const first = await page.evaluate(() => document.activeElement.dataset.nodeId);
      await page.keyboard.press('ArrowDown');
      const focused = await page.evaluate(() => document.activeElement.dataset.nodeId);
      if (!first || !focused || first === focused) throw new Error('the arrow keys did not move between symbols');
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.querySelector(`[data-node-id="${id}"]`)?.classList.contains('expanded'), focused);
      step('big-graph', { nodes, shown_ms: renderMs, draw_ms: drawMs, paint_ms: paintMs, click_select_ms: Math.round(clickMs * 10) / 10, expand_ms: expandMs, redraw_ms: redrawMs, repaint_ms: repaintMs, zoom_ms: zoomMs });
    }

    // 6. The repository map: packages, cycles, click through to files
    // and symbols.
    await page.click('a[data-nav="map"]');
    await page.waitForSelector('[data-testid="repo-map"] [data-package]');
    const pkgs = await page.locator('[data-testid="repo-map"] [data-package]').count();
    const mapContrast = await lowContrast(page);
    if (mapContrast.length) throw new Error('text below 4.5:1 contrast on the map: ' + JSON.stringify(mapContrast));
    const cyclePkgs = await page.locator('[data-testid="repo-map"] .pnode.cycle').count();
    const first = page.locator('[data-testid="repo-map"] [data-package]').first();
    const pkgName = await first.getAttribute('data-package');
    await first.click();
    await page.waitForURL(/#\/package\//);
    await page.locator('details summary').first().click();
    await page.waitForSelector('details[open] a[href^="#/symbol/"]');
    const symbols = await page.locator('details[open] a[href^="#/symbol/"]').count();
    step('map', { packages: pkgs, cycle_packages: cyclePkgs, opened: pkgName, symbols });

    // 7. Index status: start a job and follow it to the end over SSE.
    await page.click('a[data-nav="status"]');
    const btn = page.getByTestId('reindex').first();
    await btn.waitFor();
    const sse = page.waitForRequest((r) => /\/jobs\/[^/]+\/events$/.test(new URL(r.url()).pathname));
    await btn.click();
    const req = await sse;
    const jobID = decodeURIComponent(new URL(req.url()).pathname.split('/')[2]);
    const states = new Set();
    const deadline = Date.now() + 60000;
    for (;;) {
      const st = await page.getAttribute(`[data-job="${jobID}"]`, 'data-state').catch(() => null);
      if (st) states.add(st);
      if (st === 'succeeded' || st === 'failed' || st === 'cancelled') break;
      if (Date.now() > deadline) throw new Error('job ' + jobID + ' did not finish: ' + [...states]);
      await page.waitForTimeout(25);
    }
    const finalState = await page.getAttribute(`[data-job="${jobID}"]`, 'data-state');
    const percent = await page.getAttribute(`[data-job="${jobID}"] progress`, 'value');
    step('job', { id: jobID, states: [...states], state: finalState, percent });
    if (finalState !== 'succeeded') throw new Error('job ended ' + finalState);

    // 8. Changes between two tags of a git repository: the changed
    // symbols by kind of change, and what they affect drawn as a graph.
    if (hist) {
      await page.selectOption('[data-testid="repo-select"]', hist);
      await page.click('a[data-nav="changes"]');
      await page.fill('[data-testid="change-from"]', 'v1');
      await page.fill('[data-testid="change-to"]', 'v2');
      await page.getByRole('button', { name: 'Compare' }).click();
      await page.waitForSelector('[data-testid="change-symbol"]', { timeout: 60000 });
      const changes = await page.$$eval('[data-testid="change-symbol"]', (els) => els.map((e) => e.dataset.change + ' ' + e.textContent));
      const has = (kind, name) => changes.some((c) => c.startsWith(kind + ' ') && c.includes(name));
      if (!has('modified', 'Helper') || !has('removed', 'Old') || !has('added', 'New')) throw new Error('changes: ' + JSON.stringify(changes));
      await page.waitForSelector('[data-testid="change-graph"] [data-node-id]');
      const graphNodes = await page.locator('[data-testid="change-graph"] [data-node-id]').count();
      const affected = await page.locator('[data-testid="change-impacted"]').count();
      const verdict = await page.textContent('[data-testid="change-verdict"]');
      if (!/wrap/.test(await page.textContent('main'))) throw new Error('the caller of Helper (wrap) is not among the affected');
      const changeContrast = await lowContrast(page);
      if (changeContrast.length) throw new Error('text below 4.5:1 contrast on the changes view: ' + JSON.stringify(changeContrast));
      step('changes', { url: page.url().slice(origin.length), changes: changes.length, affected, graph_nodes: graphNodes, verdict });
    }

    result.ok = result.refused.length === 0 && result.failed.length === 0 && result.errors.length === 0 && result.leaked.length === 0;
  }
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
