// codegraph dashboard: one ES module, no dependencies. It talks only to the
// server that served it (the REST API under the same origin), sends the API
// key or token in the Authorization header (never in a URL) and builds every
// element with the DOM API (no innerHTML of server data).

const KEY_STORE = 'codegraph.key';
const REPO_STORE = 'codegraph.repo';
const state = {
  key: sessionStorage.getItem(KEY_STORE) || '',
  repo: sessionStorage.getItem(REPO_STORE) || '',
  repos: [],
  view: null, // the current view's cleanup function
};

// ---------------------------------------------------------------- helpers

/** h builds an element: h('a', {href: '#/'}, 'text', child...). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
/** s builds an SVG element. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function debounce(fn, ms) {
  let t = 0;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}

function symbolHref(id, line) {
  return '#/symbol/' + encodeURIComponent(id) + (line ? '?line=' + line : '');
}

function loc(file, line) {
  return line ? file + ':' + line : file;
}

function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many || one + 's');
}

/** ApiError is a failed API call: its status and the server's message. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function authHeaders() {
  return state.key ? { Authorization: 'Bearer ' + state.key } : {};
}

/** api calls a REST route of this origin and returns its JSON. */
async function api(path, params, opts) {
  opts = opts || {};
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (Array.isArray(v)) for (const x of v) u.searchParams.append(k, String(x));
    else if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  if (state.repo && opts.repo !== false && !u.searchParams.has('repo')) u.searchParams.set('repo', state.repo);
  const res = await fetch(u, {
    method: opts.method || 'GET',
    headers: { Accept: 'application/json', ...authHeaders() },
    signal: opts.signal,
    credentials: 'omit',
  });
  if (!res.ok) {
    let msg = res.status + ' ' + res.statusText;
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) msg = body.error.message;
    } catch (_) {
      // not JSON: keep the status line
    }
    if (res.status === 401) needKey(msg);
    throw new ApiError(res.status, msg);
  }
  return res.json();
}

/**
 * events reads a server-sent event stream with fetch (EventSource cannot
 * send the Authorization header) and calls onEvent(name, data) per event.
 */
async function events(path, onEvent, signal) {
  const res = await fetch(new URL(path, location.origin), {
    headers: { Accept: 'text/event-stream', ...authHeaders() },
    signal,
    credentials: 'omit',
  });
  if (!res.ok || !res.body) {
    if (res.status === 401) needKey('this server needs an API key');
    throw new ApiError(res.status, res.statusText);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        const val = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
        if (field === 'event') name = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}

function notice(msg) {
  const n = document.getElementById('notice');
  n.textContent = msg || '';
  n.hidden = !msg;
}

function needKey(msg) {
  notice('This server needs an API key or token (' + msg + '): enter it in the field at the top.');
  document.getElementById('api-key').focus();
}

function errorBox(err) {
  if (err && err.name === 'AbortError') return null;
  return h('p', { class: 'notice', role: 'alert' }, String(err && err.message ? err.message : err));
}

// ---------------------------------------------------------------- header

async function loadRepos() {
  const sel = document.getElementById('repo-select');
  let body;
  try {
    // Readiness lists every repository and needs no key.
    const res = await fetch('/health/ready', { headers: authHeaders(), credentials: 'omit' });
    body = await res.json();
  } catch (e) {
    notice('Cannot reach the server: ' + e.message);
    return;
  }
  state.repos = body.repos || [];
  sel.replaceChildren(...state.repos.map((r) => h('option', { value: r.name }, r.name)));
  if (!state.repos.some((r) => r.name === state.repo)) state.repo = state.repos.length ? state.repos[0].name : '';
  sel.value = state.repo;
  sel.disabled = state.repos.length < 2;
}

function initHeader() {
  const sel = document.getElementById('repo-select');
  sel.addEventListener('change', () => {
    state.repo = sel.value;
    sessionStorage.setItem(REPO_STORE, state.repo);
    // A symbol or package of one repository is not in another: start
    // from the search there.
    const view = parseHash().parts[0];
    if (view === 'symbol' || view === 'package') location.hash = '#/';
    else route();
  });
  const key = document.getElementById('api-key');
  key.value = state.key;
  document.getElementById('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.key = key.value.trim();
    if (state.key) sessionStorage.setItem(KEY_STORE, state.key);
    else sessionStorage.removeItem(KEY_STORE);
    notice('');
    route();
  });
  document.addEventListener('keydown', (e) => {
    // "/" focuses the search box from anywhere but a text field.
    if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      if (!location.hash.startsWith('#/search') && location.hash !== '#/' && location.hash !== '') location.hash = '#/';
      else document.querySelector('[data-testid="search-input"]')?.focus();
    }
  });
}

// ---------------------------------------------------------------- router

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params };
}

function route() {
  if (state.view) state.view();
  state.view = null;
  const main = document.getElementById('main');
  main.replaceChildren();
  const { parts, params } = parseHash();
  const name = parts[0] || 'search';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  switch (name) {
    case 'symbol':
      state.view = symbolView(main, parts[1] || '', params);
      break;
    case 'map':
      state.view = mapView(main);
      break;
    case 'package':
      state.view = packageView(main, parts.slice(1).join('/'));
      break;
    case 'status':
      state.view = statusView(main);
      break;
    case 'changes':
      state.view = changesView(main, params);
      break;
    default:
      state.view = searchView(main, params);
  }
}

// ---------------------------------------------------------------- search

const LANGS = ['c', 'cpp', 'go', 'java', 'javascript', 'python', 'rust', 'tsx', 'typescript'];
const KINDS = ['function', 'method', 'constructor', 'class', 'struct', 'interface', 'trait', 'enum', 'union',
  'type_alias', 'variable', 'constant', 'field', 'macro', 'module', 'package', 'namespace', 'file'];

const warmed = new Set();

/**
 * warm asks the server for one hit once per repository and page load: the
 * server opens a repository's search indexes on its first search, which
 * would otherwise delay the first results the user waits for.
 */
function warm() {
  if (warmed.has(state.repo)) return;
  warmed.add(state.repo);
  api('/search', { q: 'main', limit: 1 }).catch(() => warmed.delete(state.repo));
}

function searchView(main, params) {
  const input = h('input', {
    id: 'q', type: 'search', 'data-testid': 'search-input', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'results', 'aria-autocomplete': 'list',
    placeholder: 'a name, a qualified name, or what the code does',
  });
  const mode = h('select', { id: 'mode' },
    h('option', { value: 'hybrid' }, 'hybrid'), h('option', { value: 'exact' }, 'exact text'),
    h('option', { value: 'regex' }, 'regular expression'));
  const lang = h('select', { id: 'lang' }, h('option', { value: '' }, 'any'), LANGS.map((l) => h('option', { value: l }, l)));
  const kind = h('select', { id: 'kind' }, h('option', { value: '' }, 'any'), KINDS.map((k) => h('option', { value: k }, k)));
  const path = h('input', { id: 'path', type: 'text', placeholder: 'e.g. net/http/** or !*_test.go', spellcheck: 'false' });
  const meta = h('div', { class: 'search-meta', 'aria-live': 'polite' });
  const list = h('ul', { id: 'results', class: 'results', role: 'listbox', 'aria-label': 'Search results' });
  input.value = params.get('q') || '';
  mode.value = params.get('mode') || 'hybrid';
  lang.value = params.get('lang') || '';
  kind.value = params.get('kind') || '';
  path.value = params.get('path') || '';
  main.append(
    h('h1', { class: 'visually-hidden' }, 'Search'),
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'q' }, h('label', { for: 'q' }, 'Search symbols and code'), input),
      h('div', {}, h('label', { for: 'mode' }, 'Mode'), mode),
      h('div', {}, h('label', { for: 'lang' }, 'Language'), lang),
      h('div', {}, h('label', { for: 'kind' }, 'Kind'), kind),
      h('div', {}, h('label', { for: 'path' }, 'Path'), path)),
    meta, list);

  let hits = [];
  let active = -1;
  let ctrl = null;
  let seq = 0;

  function setActive(i) {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
    active = i;
    if (i >= 0 && items[i]) {
      items[i].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function open(i) {
    const hit = hits[i];
    if (hit) location.hash = symbolHref(hit.id, hit.kind === 'file' || hit.text !== undefined ? hit.line : 0);
  }

  function render(res, q) {
    hits = res.hits || [];
    active = -1;
    list.dataset.q = q; // which query the list answers (tests time it)
    list.replaceChildren(...hits.map((hit, i) => h('li', {
      id: 'hit-' + i, role: 'option', 'aria-selected': 'false', 'data-testid': 'search-result',
      onclick: () => open(i), onmousemove: () => { if (active !== i) setActive(i); },
    },
    h('span', { class: 'qn' }, hit.qualified_name || hit.name), ' ',
    h('span', { class: 'badge' }, hit.kind), ' ',
    h('span', { class: 'loc' }, loc(hit.file, hit.line)),
    hit.text !== undefined || hit.snippet ? h('pre', {}, hit.text !== undefined ? hit.text : hit.snippet) : null)));
    input.setAttribute('aria-expanded', hits.length ? 'true' : 'false');
    const took = res.took_ms !== undefined ? ' in ' + Math.round(res.took_ms) + ' ms' : '';
    meta.textContent = hits.length ? plural(res.total ?? hits.length, 'result') + took : 'No results for “' + q + '”.';
  }

  async function run() {
    const q = input.value.trim();
    const p = { q, mode: mode.value, lang: lang.value, kind: kind.value, path: path.value.trim() };
    const sp = new URLSearchParams(Object.entries(p).filter(([k, v]) => v && !(k === 'mode' && v === 'hybrid')));
    history.replaceState(null, '', '#/search' + (sp.toString() ? '?' + sp : ''));
    if (ctrl) ctrl.abort();
    if (!q) {
      hits = [];
      list.replaceChildren();
      meta.textContent = '';
      input.setAttribute('aria-expanded', 'false');
      return;
    }
    ctrl = new AbortController();
    const mine = ++seq;
    try {
      const res = await api('/search', { ...p, limit: 30 }, { signal: ctrl.signal });
      if (mine === seq) render(res, q);
    } catch (e) {
      if (e.name === 'AbortError' || mine !== seq) return;
      list.replaceChildren();
      meta.textContent = e.message;
    }
  }
  const later = debounce(run, 15);
  input.addEventListener('input', later);
  for (const el of [mode, lang, kind]) el.addEventListener('change', run);
  path.addEventListener('input', later);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive(Math.min(active + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(active - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(active >= 0 ? active : 0);
    } else if (e.key === 'Escape') {
      input.value = '';
      run();
    }
  });
  input.focus();
  if (input.value) run();
  else warm();
  return () => { if (ctrl) ctrl.abort(); };
}

// ---------------------------------------------------------------- source highlighting

const KEYWORDS = {
  go: 'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false iota',
  python: 'and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield None True False self',
  javascript: 'async await break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return static super switch this throw try typeof var void while with yield null undefined true false',
  java: 'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long native new package private protected public return short static super switch synchronized this throw throws transient try void volatile while null true false var record',
  rust: 'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while',
  c: 'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while NULL true false bool class namespace template typename public private protected virtual override new delete this using nullptr',
};
KEYWORDS.typescript = KEYWORDS.javascript + ' interface type enum implements declare readonly private public protected abstract namespace keyof as is';
KEYWORDS.tsx = KEYWORDS.typescript;
KEYWORDS.cpp = KEYWORDS.c;
const KEYWORD_SETS = Object.fromEntries(Object.entries(KEYWORDS).map(([k, v]) => [k, new Set(v.split(' '))]));

/**
 * tokenize splits source text into [class, text] tokens: comments,
 * strings, numbers, keywords, called names and plain text. Comments and
 * strings may span lines.
 */
function tokenize(text, lang) {
  const kw = KEYWORD_SETS[lang] || new Set();
  const hash = lang === 'python';
  const re = hash
    ? /(#[^\n]*)|("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b|\b0[xX][\da-fA-F_]+\b)|([A-Za-z_][\w]*)/g
    : /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|(`[^`]*`?|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b|\b0[xX][\da-fA-F_]+\b)|([A-Za-z_$][\w$]*)/g;
  const out = [];
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(['', text.slice(last, m.index)]);
    let cls = '';
    if (m[1]) cls = 'tok-c';
    else if (m[2]) cls = 'tok-s';
    else if (m[3]) cls = 'tok-n';
    else if (kw.has(m[4])) cls = 'tok-k';
    else if (text[re.lastIndex] === '(') cls = 'tok-f';
    out.push([cls, m[0]]);
    last = re.lastIndex;
  }
  if (last < text.length) out.push(['', text.slice(last)]);
  return out;
}

/** sourceTable renders lines (numbered from first) highlighted. */
function sourceTable(lines, first, lang, mark) {
  const rows = [];
  let row = [];
  const flush = () => {
    const n = first + rows.length;
    rows.push(h('tr', { id: 'L' + n, class: n === mark ? 'hl' : null },
      h('td', { class: 'n', 'aria-hidden': 'true' }, n), h('td', {}, ...row)));
    row = [];
  };
  for (const [cls, text] of tokenize(lines.join('\n'), lang)) {
    const pieces = text.split('\n');
    pieces.forEach((p, i) => {
      if (i > 0) flush();
      if (p) row.push(cls ? h('span', { class: cls }, p) : p);
    });
  }
  flush();
  return h('table', { role: 'presentation' }, h('tbody', {}, rows));
}

// ---------------------------------------------------------------- symbol page

function symbolView(main, id, params) {
  const ctrl = new AbortController();
  const mark = Number(params.get('line')) || 0;
  const head = h('section', { class: 'sym-head', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading ' + id + '…'));
  const srcBox = h('section', { 'aria-labelledby': 'src-h' }, h('h2', { id: 'src-h' }, 'Source'),
    h('div', { class: 'source', 'data-testid': 'symbol-source', tabindex: '0', role: 'region', 'aria-label': 'Source code' }));
  const graphBox = h('section', { 'aria-labelledby': 'graph-h' });
  const refsBox = h('section', { 'aria-labelledby': 'refs-h' }, h('h2', { id: 'refs-h' }, 'References'), h('p', { class: 'muted' }, 'Loading…'));
  const impactBox = h('section', { 'aria-labelledby': 'impact-h' }, h('h2', { id: 'impact-h' }, 'Impact'), h('p', { class: 'muted' }, 'Loading…'));
  main.append(head, srcBox, graphBox, h('div', { class: 'cols' }, refsBox, impactBox));
  const opt = { signal: ctrl.signal };

  api('/nodes/' + encodeURIComponent(id), null, opt).then((n) => {
    document.title = (n.qualified_name || n.name) + ' · codegraph';
    head.removeAttribute('aria-busy');
    head.replaceChildren(
      h('h1', {}, n.qualified_name || n.name, ' ', h('span', { class: 'badge' }, n.kind)),
      h('p', { class: 'muted' }, loc(n.file, n.line), n.end_line && n.end_line !== n.line ? '–' + n.end_line : '',
        n.language ? ' · ' + n.language : '', n.visibility ? ' · ' + n.visibility : ''),
      n.signature ? h('pre', { class: 'sig mono' }, n.signature) : null,
      n.doc ? h('p', { class: 'doc' }, n.doc) : null,
      n.parent ? h('p', {}, 'In ', h('a', { href: symbolHref(n.parent) }, 'its parent')) : null);
    return api('/nodes/' + encodeURIComponent(id) + '/source', null, opt).then((src) => {
      const box = srcBox.querySelector('.source');
      if (src.unavailable) {
        box.replaceChildren(h('p', { class: 'muted' }, src.unavailable));
        return;
      }
      box.replaceChildren(sourceTable(src.lines, src.line, n.language, mark));
      if (src.truncated) box.append(h('p', { class: 'muted' }, 'Only the first ' + src.lines.length + ' lines are shown.'));
      if (mark) box.querySelector('#L' + mark)?.scrollIntoView({ block: 'center' });
    });
  }).catch((e) => head.replaceChildren(errorBox(e) || ''));

  const graph = callGraph(graphBox, id);

  api('/nodes/' + encodeURIComponent(id) + '/edges', { direction: 'in', limit: 200 }, opt).then((res) => {
    const edges = (res.edges || []).filter((e) => e.kind !== 'contains');
    refsBox.replaceChildren(h('h2', { id: 'refs-h' }, 'References'),
      h('p', { class: 'muted' }, edges.length ? plural(edges.length, 'incoming edge') + (res.next_cursor ? ' (first page)' : '') : 'Nothing refers to it in the index.'),
      h('ul', { class: 'list' }, edges.map((e) => h('li', {},
        h('span', { class: 'badge' }, e.kind), ' ',
        h('a', { href: symbolHref(e.from, e.line) }, loc(e.file, e.line)), ' ',
        h('span', { class: 'muted' }, e.target ? e.target + ' · ' : '', e.resolution)))));
  }).catch((e) => refsBox.replaceChildren(h('h2', { id: 'refs-h' }, 'References'), errorBox(e) || ''));

  api('/graph/impact', { symbol: id, limit: 100 }, opt).then((r) => {
    const reasons = [];
    for (const [k, label] of [['unresolved', 'unresolved calls'], ['ambiguous', 'ambiguous calls'], ['escapes', 'escapes (values passed on)'], ['dispatch', 'dynamic dispatch']]) {
      if (r[k] && r[k].count) reasons.push(r[k].count + ' ' + label);
    }
    if (r.truncated) reasons.push('the walk stopped at its limits');
    const verdict = r.complete
      ? h('span', { class: 'badge verdict-complete', 'data-testid': 'impact-verdict' }, 'complete')
      : h('span', { class: 'badge verdict-lower', 'data-testid': 'impact-verdict' }, 'lower bound');
    impactBox.replaceChildren(h('h2', { id: 'impact-h' }, 'Impact'),
      h('p', {}, verdict, ' ', plural(r.total || 0, 'affected symbol'), ', ', plural(r.files_total || 0, 'file'), ', ',
        plural(r.packages_total || 0, 'package'), ', ', plural(r.tests_total || 0, 'test'), ' within depth ', r.depth,
        reasons.length ? ' (more may depend on it: ' + reasons.join(', ') + ')' : ''),
      h('ul', { class: 'list' }, (r.items || []).map((it) => h('li', {},
        h('a', { href: symbolHref(it.symbol.id) }, it.symbol.qualified_name || it.symbol.name), ' ',
        h('span', { class: 'muted' }, 'depth ' + it.depth + ' · ' + loc(it.symbol.file, it.symbol.line))))),
      (r.tests || []).length ? h('h3', {}, 'Tests') : null,
      h('ul', { class: 'list' }, (r.tests || []).map((t) => h('li', { class: 'mono' }, typeof t === 'string' ? t : t.qualified_name || t.name || t.file || JSON.stringify(t)))));
  }).catch((e) => impactBox.replaceChildren(h('h2', { id: 'impact-h' }, 'Impact'), errorBox(e) || ''));

  return () => {
    ctrl.abort();
    graph.close();
  };
}

// ---------------------------------------------------------------- call graph

const RESOLUTIONS = ['exact', 'precise', 'inferred', 'ambiguous', 'dynamic', 'external', 'syntax'];
const NODE_W = 190;
const NODE_H = 24;
const COL_GAP = 90;
const ROW_GAP = 10;

/** label shortens a name to fit a node box. */
function label(n) {
  let t = n.qualified_name || n.name || n.id;
  if (!t.includes('.') && n.file && !n.file.startsWith('@')) {
    // A bare name (a Go function): prefix its directory's last element.
    const d = dirOf(n.file);
    if (d !== '.') t = d.slice(d.lastIndexOf('/') + 1) + '.' + t;
  }
  return t.length > 26 ? '…' + t.slice(t.length - 25) : t;
}

/**
 * callGraph draws the callers and callees of root to a chosen depth in an
 * SVG: one column per call distance (callers left, callees right), edges
 * styled by resolution; clicking a node (or Enter on it) adds its own
 * callers and callees; dragging pans and the wheel zooms.
 */
function callGraph(box, root) {
  const ctrl = new AbortController();
  const depthSel = h('select', { id: 'g-depth' }, [1, 2, 3, 4].map((d) => h('option', { value: d }, d)));
  depthSel.value = '1';
  const dirSel = h('select', { id: 'g-dir' }, h('option', { value: 'both' }, 'callers and callees'),
    h('option', { value: 'callers' }, 'callers'), h('option', { value: 'callees' }, 'callees'));
  const fitBtn = h('button', { type: 'button' }, 'Fit');
  const info = h('span', { class: 'muted', 'aria-live': 'polite' });
  const svg = s('svg', { 'data-testid': 'call-graph', role: 'group', 'aria-label': 'Call graph: arrow keys move between symbols (left: callers, right: callees), Enter expands one, O opens it', tabindex: '-1' });
  const detail = h('div', { class: 'graph-detail', 'aria-live': 'polite' });
  const legend = h('div', { class: 'legend', 'aria-label': 'Edge styles' }, RESOLUTIONS.map((r) => h('span', {},
    (() => { const l = s('svg', { width: 34, height: 10, 'aria-hidden': 'true' }, s('line', { x1: 0, y1: 5, x2: 34, y2: 5, class: 'gedge res-' + r })); return l; })(), ' ', r)));
  box.append(h('h2', { id: 'graph-h' }, 'Call graph'),
    h('div', { class: 'graph-controls' },
      h('label', { for: 'g-depth' }, 'Depth'), depthSel, h('label', { for: 'g-dir' }, 'Show'), dirSel, fitBtn, info),
    h('div', { class: 'graph-box' }, svg), legend, detail);

  const g = { nodes: new Map(), edges: new Map(), rank: new Map(), expanded: new Set(), order: 0 };
  const view = { x: 0, y: 0, w: 800, h: 500 };
  let selected = root;
  let busy = 0;
  let renders = 0;

  function merge(data, from) {
    for (const n of data.nodes || []) {
      if (!g.nodes.has(n.id)) g.nodes.set(n.id, { ...n, order: g.order++ });
    }
    const fr = g.rank.get(from) ?? 0;
    // Rank new nodes by breadth-first distance from the expanded node:
    // callees to the right, callers to the left.
    const out = new Map();
    const inc = new Map();
    for (const e of data.edges || []) {
      if (!e.dst || !g.nodes.has(e.src) || !g.nodes.has(e.dst)) continue;
      const k = e.src + '>' + e.dst;
      if (!g.edges.has(k)) g.edges.set(k, e);
      if (!out.has(e.src)) out.set(e.src, []);
      out.get(e.src).push(e.dst);
      if (!inc.has(e.dst)) inc.set(e.dst, []);
      inc.get(e.dst).push(e.src);
    }
    if (!g.rank.has(from)) g.rank.set(from, 0);
    for (const [adj, step] of [[out, 1], [inc, -1]]) {
      const q = [[from, fr]];
      const seen = new Set([from]);
      while (q.length) {
        const [id, r] = q.shift();
        for (const nb of adj.get(id) || []) {
          if (seen.has(nb)) continue;
          seen.add(nb);
          if (!g.rank.has(nb)) g.rank.set(nb, r + step);
          q.push([nb, r + step]);
        }
      }
    }
    for (const id of g.nodes.keys()) if (!g.rank.has(id)) g.rank.set(id, fr + 1);
  }

  function layout() {
    const cols = new Map();
    for (const [id, n] of g.nodes) {
      const r = g.rank.get(id) ?? 0;
      if (!cols.has(r)) cols.set(r, []);
      cols.get(r).push(n);
    }
    const pos = new Map();
    const ranks = [...cols.keys()].sort((a, b) => a - b);
    // Order each column by the mean row of its neighbours in the column
    // before it (one barycentre sweep from the root outwards), then
    // centre the columns on the root's row.
    const row = new Map();
    const neighbours = new Map();
    for (const e of g.edges.values()) {
      if (!neighbours.has(e.src)) neighbours.set(e.src, []);
      if (!neighbours.has(e.dst)) neighbours.set(e.dst, []);
      neighbours.get(e.src).push(e.dst);
      neighbours.get(e.dst).push(e.src);
    }
    const sweep = (list) => {
      for (const r of list) {
        const col = cols.get(r);
        const key = (n) => {
          const ns = (neighbours.get(n.id) || []).filter((m) => row.has(m));
          return ns.length ? ns.reduce((a, m) => a + row.get(m), 0) / ns.length : n.order;
        };
        const keys = new Map(col.map((n) => [n.id, key(n)]));
        col.sort((a, b) => keys.get(a.id) - keys.get(b.id) || a.order - b.order);
        col.forEach((n, i) => row.set(n.id, i - (col.length - 1) / 2));
      }
    };
    sweep(ranks.filter((r) => r >= 0));
    sweep(ranks.filter((r) => r < 0).reverse());
    for (const [id] of g.nodes) {
      const r = g.rank.get(id) ?? 0;
      pos.set(id, { x: r * (NODE_W + COL_GAP), y: row.get(id) * (NODE_H + ROW_GAP) });
    }
    return pos;
  }

  let lastPos = new Map();

  /** neighbour returns the node next to id in direction key (arrow keys). */
  function neighbour(id, key) {
    const p = lastPos.get(id);
    if (!p) return null;
    let best = null;
    let bestD = Infinity;
    for (const [other, q] of lastPos) {
      if (other === id) continue;
      let d;
      if (key === 'ArrowUp' || key === 'ArrowDown') {
        if (q.x !== p.x || (key === 'ArrowUp' ? q.y >= p.y : q.y <= p.y)) continue;
        d = Math.abs(q.y - p.y);
      } else {
        const want = p.x + (key === 'ArrowRight' ? 1 : -1) * (NODE_W + COL_GAP);
        if (q.x !== want) continue;
        d = Math.abs(q.y - p.y);
      }
      if (d < bestD) {
        bestD = d;
        best = other;
      }
    }
    return best;
  }

  function render(fit) {
    const t0 = performance.now();
    const pos = layout();
    lastPos = pos;
    const edges = s('g', { class: 'edges' });
    for (const e of g.edges.values()) {
      const a = pos.get(e.src);
      const b = pos.get(e.dst);
      if (!a || !b) continue;
      let d;
      if (a.x < b.x) {
        const x1 = a.x + NODE_W / 2;
        const x2 = b.x - NODE_W / 2;
        const mx = (x1 + x2) / 2;
        d = `M${x1},${a.y}C${mx},${a.y} ${mx},${b.y} ${x2},${b.y}`;
      } else {
        // Back or same-column edges loop below.
        const x1 = a.x - NODE_W / 2;
        const x2 = b.x + NODE_W / 2;
        const bend = Math.max(40, Math.abs(a.x - b.x) / 3);
        d = `M${x1},${a.y}C${x1 - bend},${a.y + 30} ${x2 + bend},${b.y + 30} ${x2},${b.y}`;
        if (a.x === b.x) d = `M${a.x + NODE_W / 2},${a.y}C${a.x + NODE_W / 2 + 50},${a.y} ${b.x + NODE_W / 2 + 50},${b.y} ${b.x + NODE_W / 2},${b.y}`;
      }
      const res = RESOLUTIONS.includes(e.resolution) ? e.resolution : 'other';
      edges.append(s('path', { d, class: 'gedge res-' + res, 'marker-end': 'url(#arrow)', 'data-src': e.src, 'data-dst': e.dst },
        s('title', {}, e.kind + ' (' + (e.resolution || 'unknown') + ')' + (e.file ? ' at ' + e.file + ':' + e.line : ''))));
    }
    const nodes = s('g', { class: 'nodes' });
    for (const [id, n] of g.nodes) {
      const p = pos.get(id);
      const cls = ['gnode'];
      if (id === root) cls.push('root');
      if (n.kind === 'external') cls.push('external');
      if (g.expanded.has(id)) cls.push('expanded');
      if (id === selected) cls.push('selected');
      const el = s('g', {
        class: cls.join(' '), 'data-node-id': id, tabindex: '0', role: 'button',
        transform: `translate(${p.x - NODE_W / 2},${p.y - NODE_H / 2})`,
        'aria-label': (n.qualified_name || n.name) + ', ' + n.kind + (g.expanded.has(id) ? ', expanded' : ''),
      },
      s('title', {}, (n.qualified_name || n.name) + '\n' + n.kind + ' · ' + loc(n.file, n.line)),
      s('rect', { width: NODE_W, height: NODE_H, rx: 5 }),
      s('text', { x: 8, y: 16 }, label(n)));
      nodes.append(el);
    }
    const defs = s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0L10,5L0,10z', class: 'arrow' })));
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.nodeId : null;
    svg.replaceChildren(defs, edges, nodes);
    if (focused) svg.querySelector(`[data-node-id="${focused}"]`)?.focus({ preventScroll: true });
    if (fit) fitView(pos);
    else applyView();
    info.textContent = plural(g.nodes.size, 'symbol') + ', ' + plural(g.edges.size, 'edge');
    svg.dataset.nodes = String(g.nodes.size);
    svg.dataset.renderMs = String(Math.round(performance.now() - t0)); // layout and drawing (tests read it)
    // And until the browser has painted it: the next frame, then a task.
    const n = (renders += 1);
    svg.dataset.renders = String(n);
    requestAnimationFrame(() => setTimeout(() => {
      svg.dataset.paintMs = String(Math.round(performance.now() - t0));
      svg.dataset.painted = String(n);
    }, 0));
  }

  function fitView(pos) {
    pos = pos || layout();
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const p of pos.values()) {
      x0 = Math.min(x0, p.x - NODE_W / 2);
      x1 = Math.max(x1, p.x + NODE_W / 2);
      y0 = Math.min(y0, p.y - NODE_H / 2);
      y1 = Math.max(y1, p.y + NODE_H / 2);
    }
    if (!isFinite(x0)) return;
    const r = svg.getBoundingClientRect();
    const aspect = r.width && r.height ? r.width / r.height : 1.6;
    let w = x1 - x0 + 80;
    let hh = y1 - y0 + 80;
    // Keep labels readable: at most 3x smaller than life unless asked.
    if (w / hh > aspect) hh = w / aspect;
    else w = hh * aspect;
    const minW = r.width ? r.width : 800;
    if (w < minW) { hh *= minW / w; w = minW; }
    view.w = w;
    view.h = hh;
    view.x = (x0 + x1) / 2 - w / 2;
    view.y = (y0 + y1) / 2 - hh / 2;
    applyView();
  }

  function applyView() {
    svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
  }

  async function expand(id, depth, dir) {
    busy++;
    svg.setAttribute('aria-busy', 'true');
    try {
      const data = await api('/export', {
        format: 'json', root: id, depth: depth || 1, direction: dir || 'both', kind: 'calls', max_nodes: 5000,
      }, { signal: ctrl.signal });
      g.expanded.add(id);
      merge(data, id);
      render(id === root && g.nodes.size === (data.nodes || []).length);
      detail.textContent = '';
    } catch (e) {
      if (e.name !== 'AbortError') detail.replaceChildren(errorBox(e) || '');
    } finally {
      if (--busy === 0) svg.removeAttribute('aria-busy');
    }
  }

  function select(id) {
    selected = id;
    for (const el of svg.querySelectorAll('.gnode.selected')) el.classList.remove('selected');
    svg.querySelector(`[data-node-id="${CSS.escape(id)}"]`)?.classList.add('selected');
    const n = g.nodes.get(id);
    if (n) {
      detail.replaceChildren(h('strong', {}, n.qualified_name || n.name), ' ', h('span', { class: 'badge' }, n.kind), ' ',
        h('span', { class: 'muted' }, loc(n.file, n.line)), ' · ',
        h('a', { href: symbolHref(id) }, 'open'), g.expanded.has(id) ? '' : ' · click again or press Enter to expand');
    }
  }

  svg.addEventListener('click', (e) => {
    if (dragged) return;
    const el = e.target.closest('[data-node-id]');
    if (!el) return;
    const id = el.dataset.nodeId;
    select(id);
    if (!g.expanded.has(id)) expand(id, 1, 'both');
  });
  svg.addEventListener('dblclick', (e) => {
    const el = e.target.closest('[data-node-id]');
    if (el) location.hash = symbolHref(el.dataset.nodeId);
  });
  svg.addEventListener('keydown', (e) => {
    const el = e.target.closest && e.target.closest('[data-node-id]');
    if (!el) return;
    const id = el.dataset.nodeId;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(id);
      if (!g.expanded.has(id)) expand(id, 1, 'both');
    } else if (e.key === 'o' || e.key === 'O') {
      location.hash = symbolHref(id);
    } else if (e.key.startsWith('Arrow')) {
      // Left: towards the callers; right: the callees; up and down
      // within a column.
      const next = neighbour(id, e.key);
      if (next) {
        e.preventDefault();
        const el2 = svg.querySelector(`[data-node-id="${CSS.escape(next)}"]`);
        el2?.focus();
        const q = lastPos.get(next);
        if (q && (q.x < view.x || q.x > view.x + view.w || q.y < view.y || q.y > view.y + view.h)) {
          view.x = q.x - view.w / 2;
          view.y = q.y - view.h / 2;
          applyView();
        }
      }
    }
  });
  svg.addEventListener('focusin', (e) => {
    const el = e.target.closest && e.target.closest('[data-node-id]');
    if (el) select(el.dataset.nodeId);
  });

  // Pan with the pointer, zoom with the wheel.
  let drag = null;
  let dragged = false;
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    dragged = false;
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!dragged) {
      dragged = true;
      svg.setPointerCapture(e.pointerId);
      svg.classList.add('dragging');
    }
    view.x = drag.vx - dx * (view.w / r.width);
    view.y = drag.vy - dy * (view.h / r.height);
    applyView();
  });
  const endDrag = () => {
    drag = null;
    svg.classList.remove('dragging');
    setTimeout(() => { dragged = false; }, 0);
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    const f = Math.exp(Math.sign(e.deltaY) * 0.15);
    const px = view.x + ((e.clientX - r.left) / r.width) * view.w;
    const py = view.y + ((e.clientY - r.top) / r.height) * view.h;
    view.w *= f;
    view.h *= f;
    view.x = px - (px - view.x) * f;
    view.y = py - (py - view.y) * f;
    applyView();
  }, { passive: false });

  function reload() {
    g.nodes.clear();
    g.edges.clear();
    g.rank.clear();
    g.expanded.clear();
    g.order = 0;
    expand(root, Number(depthSel.value), dirSel.value);
  }
  depthSel.addEventListener('change', reload);
  dirSel.addEventListener('change', reload);
  fitBtn.addEventListener('click', () => fitView());
  reload();
  return { close: () => ctrl.abort() };
}

// ---------------------------------------------------------------- repository map

/**
 * mapView draws the packages as circles sized by their symbols, in
 * columns by dependency depth (a package right of what it depends on),
 * cycles in red, hubs listed; a package opens its files and symbols.
 */
function mapView(main) {
  const ctrl = new AbortController();
  document.title = 'Repository map · codegraph';
  const status = h('p', { class: 'muted', 'aria-live': 'polite' }, 'Loading the package map…');
  main.append(h('h1', {}, 'Repository map'), status);
  api('/graph/map', null, { signal: ctrl.signal }).then((m) => {
    status.textContent = plural(m.packages_total, 'package') + ', ' + plural(m.files, 'file') + ', ' + plural(m.nodes, 'symbol') +
      '; ' + plural(m.dependencies.length, 'dependency', 'dependencies') + ' drawn of ' + m.dependencies_total + '; ' +
      plural(m.cycles_total, 'cycle') + '.' + (m.packages.length < m.packages_total ? ' The ' + m.packages.length + ' largest packages are shown.' : '');
    const inCycle = new Set();
    const cycleEdge = new Set();
    for (const c of m.cycles) {
      for (const p of c.packages) inCycle.add(p);
      for (const e of c.edges) cycleEdge.add(e.from + '>' + e.to);
    }
    const hubPkgs = new Set(m.hubs.map((hb) => dirOf(hb.symbol.file)));
    const box = h('div', { class: 'graph-box map-box' });
    const svg = drawMap(m, inCycle, cycleEdge, hubPkgs);
    box.append(svg);
    const langs = Object.entries(m.languages || {}).sort((a, b) => b[1] - a[1]).map(([l, n]) => l + ' ' + n).join(', ');
    main.append(h('p', { class: 'muted' }, 'Languages (files): ' + langs + '. Arrows point from a package to what it depends on; red: a dependency cycle; thick outline: holds a hub. Click a package to list its files and symbols.'), box);
    if (m.cycles.length) {
      main.append(h('h2', {}, 'Cycles'), h('ul', { class: 'list', 'data-testid': 'map-cycles' }, m.cycles.map((c) => h('li', {},
        c.loop.map((p, i) => [i ? ' → ' : '', h('a', { href: '#/package/' + encodeURI(p) }, p)]),
        h('span', { class: 'muted' }, ' (' + plural(c.packages.length, 'package') + ')')))));
    }
    main.append(h('h2', {}, 'Hubs'), h('ul', { class: 'list' }, m.hubs.map((hb) => h('li', {},
      h('a', { href: symbolHref(hb.symbol.id) }, hb.symbol.qualified_name || hb.symbol.name), ' ',
      h('span', { class: 'muted' }, hb.fan_in + ' callers, ' + hb.fan_out + ' callees · ' + loc(hb.symbol.file, hb.symbol.line))))));
    const rows = [...m.packages].sort((a, b) => b.nodes - a.nodes);
    main.append(h('h2', {}, 'Packages'), h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, ['Package', 'Files', 'Symbols', 'Languages', 'Depends on', 'Dependents'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((p) => h('tr', {},
        h('td', {}, h('a', { href: '#/package/' + encodeURI(p.package) }, p.package || '.'), inCycle.has(p.package) ? h('span', { class: 'badge verdict-lower' }, 'cycle') : ''),
        h('td', { class: 'num' }, p.files), h('td', { class: 'num' }, p.nodes), h('td', {}, (p.languages || []).join(', ')),
        h('td', { class: 'num' }, (p.depends_on || []).length), h('td', { class: 'num' }, p.dependents))))));
  }).catch((e) => status.replaceChildren(errorBox(e) || ''));
  return () => ctrl.abort();
}

function dirOf(file) {
  const i = file.lastIndexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

function drawMap(m, inCycle, cycleEdge, hubPkgs) {
  const names = m.packages.map((p) => p.package);
  const idx = new Map(names.map((n, i) => [n, i]));
  const out = names.map(() => []);
  for (const d of m.dependencies) {
    if (idx.has(d.from) && idx.has(d.to)) out[idx.get(d.from)].push(idx.get(d.to));
  }
  // Depth: longest path to a leaf over the graph with cycles collapsed
  // (members of a cycle share a depth), so a package sits right of what
  // it depends on.
  const comp = sccs(out);
  const compDepth = new Map();
  const depthOf = (c) => {
    if (compDepth.has(c)) return compDepth.get(c);
    compDepth.set(c, 0);
    let d = 0;
    for (const v of comp.members[c]) for (const w of out[v]) if (comp.of[w] !== c) d = Math.max(d, depthOf(comp.of[w]) + 1);
    compDepth.set(c, d);
    return d;
  };
  const cols = new Map();
  names.forEach((n, i) => {
    const d = depthOf(comp.of[i]);
    if (!cols.has(d)) cols.set(d, []);
    cols.get(d).push(i);
  });
  const maxNodes = Math.max(1, ...m.packages.map((p) => p.nodes));
  const radius = (i) => 5 + 20 * Math.sqrt(m.packages[i].nodes / maxNodes);
  const pos = [];
  const colW = 230;
  // A column taller than maxRows wraps into several, so that a
  // repository of a thousand packages stays about as wide as tall.
  const maxRows = Math.max(12, Math.ceil(Math.sqrt(names.length) * 1.5));
  let x = 0;
  for (const d of [...cols.keys()].sort((a, b) => a - b)) {
    const list = cols.get(d);
    list.sort((a, b) => names[a].localeCompare(names[b]));
    const sub = Math.ceil(list.length / maxRows);
    const rows = Math.ceil(list.length / sub);
    list.forEach((i, k) => {
      const c = Math.floor(k / rows);
      const r = k % rows;
      pos[i] = { x: x + c * colW, y: (r - (rows - 1) / 2) * 46 };
    });
    x += sub * colW + 60;
  }
  const svg = s('svg', { 'data-testid': 'repo-map', role: 'group', 'aria-label': 'Package dependency graph' });
  const edges = s('g', {});
  const touching = new Map();
  const many = m.dependencies.length > 300;
  for (const d of m.dependencies) {
    const a = pos[idx.get(d.from)];
    const b = pos[idx.get(d.to)];
    if (!a || !b) continue;
    const cyc = cycleEdge.has(d.from + '>' + d.to);
    const mx = (a.x + b.x) / 2;
    const el = s('path', { d: `M${a.x},${a.y}C${mx},${a.y} ${mx},${b.y} ${b.x},${b.y}`, class: 'pedge' + (cyc ? ' cycle' : '') + (many ? ' faint' : '') },
      s('title', {}, d.from + ' → ' + d.to + (d.imports || d.calls ? ' (' + d.imports + ' imports, ' + d.calls + ' calls)' : '')));
    for (const p of [d.from, d.to]) {
      if (!touching.has(p)) touching.set(p, []);
      touching.get(p).push(el);
    }
    edges.append(el);
  }
  // Pointing at a package (or focusing it) brings out its dependencies.
  let lit = [];
  const light = (e) => {
    for (const el of lit) el.classList.remove('lit');
    const g = e.target.closest && e.target.closest('[data-package]');
    lit = g ? touching.get(g.dataset.package) || [] : [];
    for (const el of lit) el.classList.add('lit');
  };
  svg.addEventListener('pointerover', light);
  svg.addEventListener('focusin', light);
  const nodes = s('g', {});
  names.forEach((n, i) => {
    const p = m.packages[i];
    const cls = ['pnode'];
    if (inCycle.has(n)) cls.push('cycle');
    if (hubPkgs.has(n)) cls.push('hub');
    const el = s('g', { class: cls.join(' '), 'data-package': n, tabindex: '0', role: 'link', transform: `translate(${pos[i].x},${pos[i].y})`,
      'aria-label': n + ': ' + p.files + ' files, ' + p.nodes + ' symbols' + (inCycle.has(n) ? ', in a dependency cycle' : '') },
    s('title', {}, n + '\n' + p.files + ' files, ' + p.nodes + ' symbols'),
    s('circle', { r: radius(i).toFixed(1) }),
    s('text', { x: radius(i) + 4, y: 4 }, n.length > 30 ? '…' + n.slice(-29) : n || '.'));
    nodes.append(el);
  });
  svg.append(edges, nodes);
  const go = (e) => {
    const el = e.target.closest('[data-package]');
    if (el) location.hash = '#/package/' + encodeURI(el.dataset.package);
  };
  svg.addEventListener('click', go);
  svg.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(e); });
  // Fit, then pan and zoom as the call graph does.
  const xs = pos.map((p) => p.x);
  const ys = pos.map((p) => p.y);
  const view = { x: Math.min(0, ...xs) - 40, y: Math.min(0, ...ys) - 40, w: Math.max(...xs, 0) - Math.min(...xs, 0) + 320, h: Math.max(...ys, 0) - Math.min(...ys, 0) + 80 };
  panZoom(svg, view);
  return svg;
}

/** panZoom makes an SVG pan on drag and zoom on the wheel over view. */
function panZoom(svg, view) {
  const apply = () => svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
  apply();
  let drag = null;
  svg.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false }; });
  svg.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    const k = Math.max(view.w / r.width, view.h / r.height);
    view.x = drag.vx - dx * k;
    view.y = drag.vy - dy * k;
    apply();
  });
  svg.addEventListener('pointerup', () => { drag = null; });
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const f = Math.exp(Math.sign(e.deltaY) * 0.15);
    view.x += (view.w * (1 - f)) / 2;
    view.y += (view.h * (1 - f)) / 2;
    view.w *= f;
    view.h *= f;
    apply();
  }, { passive: false });
}

/** sccs returns the strongly connected components of a graph (Tarjan, iterative). */
function sccs(adj) {
  const n = adj.length;
  const index = new Array(n).fill(-1);
  const low = new Array(n).fill(0);
  const onStack = new Array(n).fill(false);
  const of = new Array(n).fill(-1);
  const members = [];
  const stack = [];
  let next = 0;
  for (let s0 = 0; s0 < n; s0++) {
    if (index[s0] >= 0) continue;
    const work = [[s0, 0]];
    index[s0] = low[s0] = next++;
    stack.push(s0);
    onStack[s0] = true;
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      if (i < adj[v].length) {
        top[1]++;
        const w = adj[v][i];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === index[v]) {
        const c = members.length;
        members.push([]);
        let w;
        do {
          w = stack.pop();
          onStack[w] = false;
          of[w] = c;
          members[c].push(w);
        } while (w !== v);
      }
    }
  }
  return { of, members };
}

// ---------------------------------------------------------------- package page

function packageView(main, pkg) {
  const ctrl = new AbortController();
  document.title = pkg + ' · codegraph';
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('p', {}, h('a', { href: '#/map' }, '← Repository map')), h('h1', {}, pkg || '.'), list);
  // A unit "dir [name]" (Go files with another package clause) lists the
  // directory's files.
  const dir = pkg.replace(/ \[[^\]]*\]$/, '') || '.';
  const prefix = dir !== '.' ? dir.replace(/[*?[\]\\!]/g, '\\$&') + '/' : '';
  const fetchFiles = async () => {
    // The directory's own files, not those below it, page by page.
    const out = [];
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const res = await api('/nodes', { kind: 'file', path: [prefix + '*', '!' + prefix + '*/**'], limit: 1000, cursor }, { signal: ctrl.signal });
      out.push(...res.nodes);
      if (!res.next_cursor) break;
      cursor = res.next_cursor;
    }
    return out;
  };
  fetchFiles().then((all) => {
    const files = all.filter((f) => dirOf(f.file) === dir);
    list.replaceChildren(h('p', { class: 'muted' }, plural(files.length, 'file')));
    for (const f of files) {
      const det = h('details', {}, h('summary', {}, h('span', { class: 'mono' }, f.file)));
      let loaded = false;
      det.addEventListener('toggle', () => {
        if (!det.open || loaded) return;
        loaded = true;
        api('/nodes', { file: f.file, limit: 1000 }, { signal: ctrl.signal }).then((r) => {
          det.append(h('ul', { class: 'list' }, h('li', {}, h('a', { href: symbolHref(f.id) }, 'the whole file')),
            r.nodes.filter((n) => n.kind !== 'file' && n.kind !== 'import').map((n) => h('li', {},
              h('a', { href: symbolHref(n.id) }, n.qualified_name || n.name), ' ', h('span', { class: 'badge' }, n.kind), ' ',
              h('span', { class: 'muted' }, 'line ' + n.line)))),
          r.next_cursor ? h('p', { class: 'muted' }, 'Only its first 1000 symbols are listed.') : null);
        }).catch((e) => det.append(errorBox(e) || ''));
      });
      list.append(det);
    }
  }).catch((e) => list.replaceChildren(errorBox(e) || ''));
  return () => ctrl.abort();
}

// ---------------------------------------------------------------- status and jobs

// ---------------------------------------------------------------- changes

/**
 * changesView shows what a change affects (GET /diff): the symbols added,
 * removed and modified between two revisions (or a revision and the
 * working tree), the calls that came and went, and the transitive callers
 * and referrers of the changed symbols drawn as a graph by depth.
 */
function changesView(main, params) {
  const ctrl = new AbortController();
  document.title = 'Changes · codegraph';
  const from = h('input', { id: 'chg-from', name: 'from', value: params.get('from') || '', placeholder: 'HEAD', spellcheck: 'false', 'data-testid': 'change-from' });
  const to = h('input', { id: 'chg-to', name: 'to', value: params.get('to') || '', placeholder: 'working tree', spellcheck: 'false', 'data-testid': 'change-to' });
  const form = h('form', { class: 'filters', role: 'search' },
    h('label', { for: 'chg-from' }, 'From'), from, h('label', { for: 'chg-to' }, 'To'), to, h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (from.value.trim()) q.set('from', from.value.trim());
    if (to.value.trim()) q.set('to', to.value.trim());
    location.hash = '#/changes' + (q.toString() ? '?' + q : '');
  });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' }, 'Comparing…');
  main.append(h('h1', {}, 'Changes'), h('p', { class: 'muted' },
    'Revisions are git names (a tag, a branch, a commit); an empty From is HEAD and an empty To is the working tree.'), form, status);
  api('/diff', { from: params.get('from') || '', to: params.get('to') || '' }, { signal: ctrl.signal }).then((d) => {
    const syms = d.symbols || [];
    const added = (d.calls && d.calls.added) || [];
    const removed = (d.calls && d.calls.removed) || [];
    const impacted = d.impacted || [];
    status.textContent = (d.from || 'HEAD') + ' → ' + (d.to || 'working tree') + ': ' + plural(syms.length, 'symbol') + ' changed, ' +
      plural(added.length, 'call') + ' added, ' + plural(removed.length, 'call') + ' removed, ' + plural(impacted.length, 'symbol') + ' affected.';
    const verdict = d.complete
      ? h('span', { class: 'badge verdict-complete', 'data-testid': 'change-verdict' }, 'complete')
      : h('span', { class: 'badge verdict-lower', 'data-testid': 'change-verdict' }, 'lower bound');
    if (!syms.length) {
      main.append(h('p', {}, 'No symbol changed.'));
      return;
    }
    // Changed symbols, by file.
    const byFile = new Map();
    for (const c of syms) {
      if (!byFile.has(c.file)) byFile.set(c.file, []);
      byFile.get(c.file).push(c);
    }
    main.append(h('h2', {}, 'Changed symbols'));
    for (const [file, list] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
      main.append(h('h3', { class: 'file-head' }, file), h('ul', { class: 'list' }, list.map((c) => h('li', { 'data-testid': 'change-symbol', 'data-change': c.change },
        h('span', { class: 'badge change-' + c.change }, c.change), ' ',
        c.change === 'removed' ? h('span', {}, c.qualified_name) : h('a', { href: '#/?q=' + encodeURIComponent(c.qualified_name) + '&mode=exact' }, c.qualified_name),
        h('span', { class: 'muted' }, ' ' + c.kind + ' · ' + loc(c.file, c.line))))));
    }
    // What they affect, drawn by depth.
    main.append(h('h2', {}, 'Affected ', verdict));
    if (impacted.length) {
      const box = h('div', { class: 'graph-box' });
      box.append(drawChanges(syms, impacted));
      main.append(box, h('ul', { class: 'list' }, impacted.map((x) => h('li', { 'data-testid': 'change-impacted' },
        h('a', { href: '#/?q=' + encodeURIComponent(x.qualified_name) + '&mode=exact' }, x.qualified_name),
        h('span', { class: 'muted' }, ' depth ' + x.depth + (x.via ? ' via ' + x.via : '') + ' · ' + loc(x.file, x.line))))));
    } else {
      main.append(h('p', { class: 'muted' }, 'Nothing calls or refers to the changed symbols.'));
    }
    if (added.length || removed.length) {
      const call = (c, sign) => h('li', {}, h('span', { class: 'badge change-' + (sign === '+' ? 'added' : 'removed') }, sign), ' ', c.src + ' → ' + c.dst,
        h('span', { class: 'muted' }, ' ' + loc(c.file, c.line)));
      main.append(h('h2', {}, 'Calls'), h('ul', { class: 'list' }, added.map((c) => call(c, '+')), removed.map((c) => call(c, '−'))));
    }
  }).catch((e) => status.replaceChildren(errorBox(e) || ''));
  return () => ctrl.abort();
}

/** drawChanges lays the changed symbols (left) and what they affect out in columns by depth. */
function drawChanges(syms, impacted) {
  const MAX = 400;
  const cols = [[]];
  const pos = new Map();
  for (const c of syms) {
    if (!pos.has(c.qualified_name)) {
      pos.set(c.qualified_name, null);
      cols[0].push({ id: c.qualified_name, cls: 'change-' + c.change });
    }
  }
  for (const x of impacted.slice(0, MAX)) {
    if (pos.has(x.qualified_name)) continue;
    pos.set(x.qualified_name, null);
    while (cols.length <= x.depth) cols.push([]);
    cols[x.depth].push({ id: x.qualified_name, cls: 'impacted' });
  }
  const W = 260, H = 26;
  const nodes = [];
  cols.forEach((col, i) => col.forEach((n, j) => {
    const p = { x: 20 + i * W, y: 20 + j * H };
    pos.set(n.id, p);
    nodes.push(s('g', { class: 'cnode ' + n.cls, 'data-node-id': n.id, transform: `translate(${p.x},${p.y})` },
      s('rect', { width: W - 40, height: H - 6, rx: 4 }), s('text', { x: 6, y: 14 }, label({ qualified_name: n.id, name: n.id })),
      s('title', {}, n.id)));
  }));
  const edges = [];
  for (const x of impacted.slice(0, MAX)) {
    const a = pos.get(x.via), b = pos.get(x.qualified_name);
    if (a && b) edges.push(s('line', { class: 'cedge', x1: a.x + W - 40, y1: a.y + (H - 6) / 2, x2: b.x, y2: b.y + (H - 6) / 2 }));
  }
  const height = 40 + Math.max(...cols.map((c) => c.length)) * H;
  const svg = s('svg', { 'data-testid': 'change-graph', role: 'img', 'aria-label': 'Changed symbols and what they affect, by depth',
    viewBox: `0 0 ${40 + cols.length * W} ${height}` }, s('g', {}, edges, nodes));
  return svg;
}

function statusView(main) {
  const ctrl = new AbortController();
  document.title = 'Index status · codegraph';
  const repos = h('div', {});
  const jobs = h('div', { 'data-testid': 'jobs' });
  main.append(h('h1', {}, 'Index status'), repos, h('h2', {}, 'Jobs'), jobs);
  const following = new Set();

  async function refresh() {
    let ready;
    try {
      ready = await (await fetch('/health/ready', { headers: authHeaders(), credentials: 'omit', signal: ctrl.signal })).json();
    } catch (e) {
      if (e.name !== 'AbortError') repos.replaceChildren(errorBox(e) || '');
      return;
    }
    repos.replaceChildren(...(ready.repos || []).map((r) => {
      const btn = h('button', { class: 'action', type: 'button', 'data-testid': 'reindex' }, 'Update the index');
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        try {
          const job = await api('/index', { repo: r.name }, { method: 'POST', repo: false, signal: ctrl.signal });
          follow(job);
        } catch (e) {
          repos.append(errorBox(e) || '');
        } finally {
          btn.disabled = false;
        }
      });
      return h('section', { class: 'repo-card', 'data-repo': r.name },
        h('h2', {}, r.name),
        h('p', {}, 'Index: ', h('strong', {}, r.index_state), r.percent ? ' (' + r.percent + '%)' : '',
          ' · search: ', r.search, r.error ? h('span', { class: 'state-failed' }, ' · ' + r.error) : ''),
        btn);
    }));
    try {
      const list = await api('/jobs', { limit: 20 }, { signal: ctrl.signal, repo: false });
      jobs.replaceChildren(...(list.jobs || []).map(jobRow));
      if (!list.jobs || !list.jobs.length) jobs.append(h('p', { class: 'muted' }, 'No jobs yet.'));
      for (const j of list.jobs || []) if (j.state === 'running' || j.state === 'queued') follow(j);
    } catch (e) {
      if (e.name !== 'AbortError') jobs.replaceChildren(errorBox(e) || '');
    }
  }

  function jobRow(j) {
    const p = j.progress || {};
    const bar = h('progress', { max: 100, value: p.percent || 0, 'aria-label': 'Progress of job ' + j.id });
    return h('div', { class: 'job', id: 'job-' + j.id, 'data-job': j.id, 'data-state': j.state },
      h('span', { class: 'mono' }, j.id), ' ', j.repo, ' ', h('strong', { class: 'state-' + j.state }, j.state), ' ',
      bar, ' ', (p.percent || 0) + '%', p.phase ? ' · ' + p.phase : '', p.total ? ' · ' + p.done + '/' + p.total : '',
      p.eta_seconds ? ' · about ' + Math.ceil(p.eta_seconds) + ' s left' : '', j.error ? h('span', { class: 'state-failed' }, ' · ' + j.error) : '');
  }

  function show(j) {
    const row = jobRow(j);
    const old = document.getElementById('job-' + j.id);
    if (old) old.replaceWith(row);
    else {
      jobs.querySelector('p.muted')?.remove();
      jobs.prepend(row);
    }
  }

  function follow(job) {
    show(job);
    if (following.has(job.id)) return;
    following.add(job.id);
    events('/jobs/' + encodeURIComponent(job.id) + '/events', (name, j) => {
      show(j);
      if (name === 'done') refresh();
    }, ctrl.signal).catch((e) => {
      if (e.name !== 'AbortError') jobs.append(errorBox(e) || '');
    }).finally(() => following.delete(job.id));
  }

  refresh();
  return () => ctrl.abort();
}

// ---------------------------------------------------------------- start

initHeader();
loadRepos().then(route);
window.addEventListener('hashchange', route);
