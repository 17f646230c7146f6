// Loads codegraph's GraphiQL page in headless Chromium with every request
// to another host refused (as on a machine without internet access), runs
// a query from the page and checks the answer. Usage:
//   node graphiql.mjs BASE_URL CHROMIUM_PATH
// Prints one JSON line: {"ok":true,...} or {"ok":false,"error":...}.
import { chromium } from 'playwright-core';

const [base, executablePath] = process.argv.slice(2);
const origin = new URL(base).origin;
const result = { ok: false, local: [], refused: [], failed: [], errors: [] };
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      result.refused.push(url);
      return route.abort('internetdisconnected');
    }
    result.local.push(new URL(url).pathname);
    return route.continue();
  });
  page.on('requestfailed', (r) => result.failed.push(r.url()));
  page.on('pageerror', (e) => result.errors.push(String(e)));
  // A Content-Security-Policy violation is a console error.
  page.on('console', (m) => { if (m.type() === 'error') result.errors.push(m.text()); });
  // GraphiQL starts with the query it finds in its storage.
  await page.addInitScript(() => localStorage.setItem('graphiql:query', '{ repos { name } }'));
  await page.goto(base + '/graphiql', { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container', { timeout: 30000 });
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.graphiql-response')?.textContent ?? '').includes('"name"'),
    null,
    { timeout: 30000 },
  );
  result.response = (await page.textContent('.graphiql-response')).replace(/\s+/g, ' ').trim();
  result.ok = result.refused.length === 0 && result.failed.length === 0 && result.errors.length === 0;
} catch (e) {
  result.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
