import { createHash, randomBytes } from 'node:crypto';

/**
 * A self-contained GraphQL playground page: editors, HTTP queries/mutations, graphql-ws
 * (`graphql-transport-ws`) subscriptions and a schema explorer. Everything is inline, so it
 * works offline and under a strict Content-Security-Policy (no CDN, fonts or external scripts).
 *
 * The inline <style> and <script> are static: dynamic values (endpoint, title) only ever go
 * into escaped HTML text/attributes. That keeps their SHA-256 hashes constant, so
 * {@link PLAYGROUND_CSP} works without a nonce; pass a per-response nonce and use
 * {@link playgroundCsp} when the server already issues nonces.
 */

export interface PlaygroundOptions {
  /** Where the gateway serves GraphQL, normally a same-origin path such as `/graphql`. */
  endpoint: string;
  title?: string;
  /** Optional CSP nonce stamped on the inline <script> and <style> tags. */
  nonce?: string;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
// A Host header value: hostname or [IPv6], optional port. Anything else is ignored.
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none!important}
html,body{height:100%;margin:0}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#15171c;color:#dde1e8}
button,select,input{font:inherit;color:inherit;background:#262a33;border:1px solid #3a404c;border-radius:4px;padding:4px 10px}
button{cursor:pointer}
button:hover:not(:disabled){background:#313642}
button:disabled{opacity:.45;cursor:default}
button.primary{background:#2f6fd6;border-color:#2f6fd6;color:#fff;font-weight:600}
button.primary:hover{background:#3a7ce6}
.app{display:flex;flex-direction:column;height:100%}
.toolbar{display:flex;align-items:center;gap:8px;padding:8px 12px;border-bottom:1px solid #2b2f38;background:#1b1e24;flex-wrap:wrap}
.toolbar h1{font-size:15px;margin:0 8px 0 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:30ch}
.spacer{flex:1}
.status{color:#9aa3b2;font-size:12px}
.status.error{color:#ff7b72}
.status.live{color:#7ee787}
.panes{flex:1;display:flex;min-height:0}
.editors,.results{flex:1;display:flex;flex-direction:column;min-width:0;padding:8px;gap:4px}
.editors{border-right:1px solid #2b2f38}
.split{display:flex;gap:8px;height:32%}
.split>div{flex:1;display:flex;flex-direction:column;min-width:0}
label,.pane-title{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#8b94a5}
.endpoint{text-transform:none;letter-spacing:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
textarea{flex:1;width:100%;resize:none;background:#0f1115;color:#e6edf3;border:1px solid #2b2f38;border-radius:4px;padding:8px;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;tab-size:2;outline:none}
textarea:focus{border-color:#2f6fd6}
#query{flex:2}
.output{flex:1;overflow:auto;display:flex;flex-direction:column;gap:8px}
.entry{border:1px solid #2b2f38;border-radius:4px;background:#0f1115}
.entry.error{border-color:#8e2d2a}
.entry-head{font-size:12px;color:#9aa3b2;padding:4px 8px;border-bottom:1px solid #2b2f38}
.entry pre{margin:0;padding:8px;font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word}
.docs{width:360px;max-width:45%;border-left:1px solid #2b2f38;display:flex;flex-direction:column;padding:8px;gap:6px;overflow:hidden}
.docs-head{display:flex;align-items:center;gap:6px}
.docs-head h2{flex:1;font-size:15px;margin:0;overflow:hidden;text-overflow:ellipsis}
#docs-body{flex:1;overflow:auto;font:12.5px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
#docs-body h3{font:600 12px system-ui,sans-serif;text-transform:uppercase;color:#8b94a5;margin:12px 0 4px}
.field{padding:3px 0;border-bottom:1px solid #1f232a}
.field-name{color:#79c0ff}
.arg-name{color:#d2a8ff}
.type-link{background:none;border:0;padding:0;color:#7ee787;font:inherit;text-decoration:underline dotted}
.description{color:#8b94a5;font-family:system-ui,sans-serif;white-space:pre-wrap}
.deprecated{color:#d29922}
.kind{color:#8b94a5}
.message.error{color:#ff7b72;white-space:pre-wrap}
`;

// Plain browser JS, kept free of backticks and "${" so it can live in this raw template literal.
const SCRIPT = String.raw`
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const root = $('playground');
  const endpoint = root.getAttribute('data-endpoint') || '/graphql';
  const MAX_ENTRIES = 100;
  const editors = { query: $('query'), variables: $('variables'), headers: $('headers') };
  const DEFAULTS = {
    query: '# Ctrl/Cmd+Enter runs the operation; subscriptions stream over WebSocket.\nquery {\n  __typename\n}\n',
    variables: '{}',
    headers: '{}',
  };
  const output = $('output'), statusEl = $('status'), opSelect = $('operation');
  const runBtn = $('run'), stopBtn = $('stop');
  let runSeq = 0;
  let active = null; // the live subscription, if any: { stop() }

  const store = {
    get(key) { try { return localStorage.getItem('clutch.playground.' + key); } catch { return null; } },
    set(key, value) { try { localStorage.setItem('clutch.playground.' + key, value); } catch { /* storage unavailable */ } },
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  const txt = (value) => document.createTextNode(value);

  // ---------------------------------------------------------------- editors
  for (const key of Object.keys(editors)) {
    const area = editors[key];
    const saved = store.get(key);
    area.value = saved !== null ? saved : DEFAULTS[key];
    area.addEventListener('input', () => {
      store.set(key, area.value);
      if (key === 'query') refreshOperations();
    });
    area.addEventListener('keydown', (e) => {
      if (e.key !== 'Tab' || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
      e.preventDefault();
      const start = area.selectionStart, end = area.selectionEnd;
      area.value = area.value.slice(0, start) + '  ' + area.value.slice(end);
      area.selectionStart = area.selectionEnd = start + 2;
      store.set(key, area.value);
    });
  }

  // Lexes just enough GraphQL to list top-level operations ({ type, name }), skipping
  // comments, strings, fragments and anything nested in braces/parens/brackets.
  const TOKEN = /#[^\n\r]*|"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\.)*"|[{}()[\]]|[_A-Za-z][_0-9A-Za-z]*/g;
  function parseOperations(src) {
    const ops = [];
    let depth = 0, head = null, expectName = false, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(src))) {
      const t = m[0], c = t[0];
      if (c === '#' || c === '"') continue;
      if (c === '{' || c === '(' || c === '[') {
        if (depth === 0 && c === '{') {
          if (!head) ops.push({ type: 'query', name: '' }); // shorthand "{ ... }"
          head = null;
        }
        depth++;
        expectName = false;
      } else if (c === '}' || c === ')' || c === ']') {
        depth = Math.max(0, depth - 1);
      } else if (depth === 0) {
        if (!head && /^(query|mutation|subscription|fragment)$/.test(t)) {
          head = { type: t, name: '' };
          if (t !== 'fragment') ops.push(head);
          expectName = t !== 'fragment';
        } else {
          if (head && expectName) head.name = t;
          expectName = false;
        }
      }
    }
    return ops;
  }

  function refreshOperations() {
    const named = parseOperations(editors.query.value).filter((op) => op.name);
    const previous = opSelect.value || store.get('operationName') || '';
    opSelect.textContent = '';
    for (const op of named) {
      const option = el('option', '', op.type + ' ' + op.name);
      option.value = op.name;
      opSelect.appendChild(option);
    }
    opSelect.hidden = named.length < 2;
    if (named.some((op) => op.name === previous)) opSelect.value = previous;
  }

  function selectedOperation() {
    const ops = parseOperations(editors.query.value);
    if (ops.length > 1) return ops.find((op) => op.name && op.name === opSelect.value) || ops[0];
    return ops[0] || { type: 'query', name: '' };
  }

  function readJson(key, label) {
    const text = editors[key].value.trim();
    if (!text) return {};
    let value;
    try { value = JSON.parse(text); } catch (e) { throw new Error(label + ' must be valid JSON: ' + e.message); }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(label + ' must be a JSON object');
    return value;
  }

  function readHeaders() {
    const headers = {};
    for (const [name, value] of Object.entries(readJson('headers', 'Headers'))) headers[name.toLowerCase()] = String(value);
    return headers;
  }

  // ---------------------------------------------------------------- output
  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = 'status ' + (kind || '');
  }

  function addEntry(label, value, kind) {
    const entry = el('section', 'entry ' + (kind || ''));
    entry.appendChild(el('div', 'entry-head', label));
    entry.appendChild(el('pre', '', typeof value === 'string' ? value : JSON.stringify(value, null, 2)));
    output.insertBefore(entry, output.firstChild);
    while (output.childNodes.length > MAX_ENTRIES) output.removeChild(output.lastChild);
  }

  const errorText = (err) => (err && err.message) || String(err);

  // ---------------------------------------------------------------- HTTP
  async function httpRequest(body, headers) {
    const started = performance.now();
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({ accept: 'application/graphql-response+json, application/json' }, headers, {
        'content-type': 'application/json',
      }),
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let data = text;
    try { data = JSON.parse(text); } catch { /* not JSON: show it raw */ }
    return { status: res.status, statusText: res.statusText, ms: Math.round(performance.now() - started), data };
  }

  async function post(request, headers, seq) {
    setStatus('Running...');
    try {
      const r = await httpRequest(request, headers);
      if (seq !== runSeq) return;
      const failed = r.status >= 400 || !!(r.data && r.data.errors);
      addEntry(r.status + ' ' + r.statusText + ' - ' + r.ms + ' ms', r.data, failed ? 'error' : '');
      setStatus('HTTP ' + r.status + ' in ' + r.ms + ' ms', failed ? 'error' : '');
    } catch (err) {
      if (seq !== runSeq) return;
      addEntry('Network error', errorText(err), 'error');
      setStatus('Network error', 'error');
    }
  }

  // ---------------------------------------------------------------- WebSocket (graphql-transport-ws)
  function wsUrl() {
    const url = new URL(endpoint, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    return url.href;
  }

  function subscribe(request, headers) {
    const id = 'sub-' + Date.now().toString(36);
    let ws;
    try { ws = new WebSocket(wsUrl(), 'graphql-transport-ws'); } catch (err) {
      addEntry('WebSocket error', errorText(err), 'error');
      return setStatus('WebSocket error', 'error');
    }
    let count = 0, subscribed = false, done = false;
    const send = (msg) => { if (ws.readyState === 1) ws.send(JSON.stringify(msg)); };
    const finish = (text, kind) => {
      if (done) return;
      done = true;
      setStatus(text, kind);
      if (active === sub) { active = null; stopBtn.disabled = true; }
    };
    const sub = {
      stop() {
        if (subscribed) send({ id, type: 'complete' });
        finish('Stopped after ' + count + ' event(s)');
        ws.close(1000, 'Stopped');
      },
    };
    active = sub;
    stopBtn.disabled = false;
    setStatus('Connecting...');
    ws.onopen = () => send({ type: 'connection_init', payload: headers });
    ws.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch { return addEntry('Unreadable message', String(event.data), 'error'); }
      if (done) return;
      if (msg.type === 'connection_ack') {
        subscribed = true;
        send({ id, type: 'subscribe', payload: request });
        setStatus('Subscribed, waiting for events...', 'live');
      } else if (msg.type === 'ping') {
        send({ type: 'pong' });
      } else if (msg.type === 'next' && msg.id === id) {
        count++;
        const failed = !!(msg.payload && msg.payload.errors);
        addEntry('#' + count + ' at ' + new Date().toLocaleTimeString(), msg.payload, failed ? 'error' : '');
        setStatus('Live: ' + count + ' event(s)', 'live');
      } else if (msg.type === 'error' && msg.id === id) {
        addEntry('Subscription error', msg.payload, 'error');
        finish('Subscription failed', 'error');
        ws.close(1000);
      } else if (msg.type === 'complete' && msg.id === id) {
        addEntry('Complete', 'The server completed the subscription.');
        finish('Completed after ' + count + ' event(s)');
        ws.close(1000);
      }
    };
    ws.onclose = (e) => {
      if (done) return;
      const clean = e.code === 1000;
      addEntry('Connection closed', 'code ' + e.code + (e.reason ? ': ' + e.reason : ''), clean ? '' : 'error');
      finish('Disconnected (' + e.code + ')', clean ? '' : 'error');
    };
  }

  function stop() {
    if (active) active.stop();
  }

  async function run() {
    stop();
    const seq = ++runSeq;
    output.textContent = '';
    let variables, headers;
    try {
      variables = readJson('variables', 'Variables');
      headers = readHeaders();
    } catch (err) {
      addEntry('Invalid input', errorText(err), 'error');
      return setStatus('Invalid input', 'error');
    }
    const op = selectedOperation();
    const request = { query: editors.query.value, variables, operationName: op.name || undefined };
    if (op.type === 'subscription') subscribe(request, headers);
    else await post(request, headers, seq);
  }

  // ---------------------------------------------------------------- prettify (brace based)
  function prettify(src) {
    let parens = 0;
    const broken = src.replace(/#[^\n\r]*|"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\.)*"|[{}()]/g, (t) => {
      if (t === '(') parens++;
      else if (t === ')') parens = Math.max(0, parens - 1);
      else if (t === '{' && parens === 0) return '{\n';
      else if (t === '}' && parens === 0) return '\n}\n';
      return t;
    });
    const lines = [];
    let depth = 0, gap = false;
    for (const raw of broken.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const code = line.replace(/"(?:[^"\\]|\\.)*"|#.*$/g, '');
      const closers = (code.match(/^[})\]]+/) || [''])[0].length;
      const level = Math.max(0, depth - closers);
      if (gap && level === 0) lines.push('');
      lines.push('  '.repeat(level) + line);
      depth = Math.max(0, depth + (code.match(/[{([]/g) || []).length - (code.match(/[})\]]/g) || []).length);
      gap = depth === 0 && closers > 0;
    }
    return lines.join('\n') + '\n';
  }

  // ---------------------------------------------------------------- docs
  const INTROSPECTION =
    'query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } ' +
    'types { ...FullType } } } ' +
    'fragment FullType on __Type { kind name description ' +
    'fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } ' +
    'inputFields { ...InputValue } interfaces { ...TypeRef } ' +
    'enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } } ' +
    'fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue } ' +
    'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ' +
    'ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }';
  const docs = $('docs'), docsBody = $('docs-body'), docsTitle = $('docs-title');
  const docsBack = $('docs-back'), docsFilter = $('docs-filter');
  const history = [];
  let schema = null, docsSeq = 0;

  function docsMessage(text, isError) {
    docsBody.textContent = '';
    docsBody.appendChild(el('p', isError ? 'message error' : 'message', text));
  }

  async function loadSchema() {
    const seq = ++docsSeq;
    schema = null;
    history.length = 0;
    docsBack.hidden = true;
    docsTitle.textContent = 'Schema';
    docsMessage('Loading schema...');
    try {
      const r = await httpRequest({ query: INTROSPECTION, operationName: 'IntrospectionQuery' }, readHeaders());
      if (seq !== docsSeq) return;
      const s = r.data && r.data.data && r.data.data.__schema;
      if (!s) {
        const errors = (r.data && Array.isArray(r.data.errors) && r.data.errors) || [];
        const detail = errors.length
          ? errors.map((e) => e.message + (e.extensions && e.extensions.code ? ' [' + e.extensions.code + ']' : '')).join('\n')
          : typeof r.data === 'string' ? r.data.slice(0, 500) : 'no schema returned';
        return docsMessage('Introspection failed (HTTP ' + r.status + '):\n' + detail, true);
      }
      schema = {
        types: new Map(s.types.map((t) => [t.name, t])),
        roots: [['Query', s.queryType], ['Mutation', s.mutationType], ['Subscription', s.subscriptionType]],
      };
      renderDocs();
    } catch (err) {
      if (seq === docsSeq) docsMessage('Introspection failed: ' + errorText(err), true);
    }
  }

  function typeLink(name) {
    const link = el('button', 'type-link', name);
    link.type = 'button';
    link.addEventListener('click', () => { history.push(name); docsFilter.value = ''; renderDocs(); });
    return link;
  }

  function typeRef(ref) {
    const span = el('span', 'type');
    (function walk(t) {
      if (!t) return;
      if (t.kind === 'NON_NULL') { walk(t.ofType); span.appendChild(txt('!')); }
      else if (t.kind === 'LIST') { span.appendChild(txt('[')); walk(t.ofType); span.appendChild(txt(']')); }
      else span.appendChild(typeLink(t.name));
    })(ref);
    return span;
  }

  function fieldRow(f) {
    const row = el('div', 'field');
    row.appendChild(el('span', 'field-name', f.name));
    if (f.args && f.args.length) {
      row.appendChild(txt('('));
      f.args.forEach((a, i) => {
        if (i) row.appendChild(txt(', '));
        row.appendChild(el('span', 'arg-name', a.name));
        row.appendChild(txt(': '));
        row.appendChild(typeRef(a.type));
        if (a.defaultValue != null) row.appendChild(txt(' = ' + a.defaultValue));
      });
      row.appendChild(txt(')'));
    }
    if (f.type) { row.appendChild(txt(': ')); row.appendChild(typeRef(f.type)); }
    if (f.defaultValue != null) row.appendChild(txt(' = ' + f.defaultValue));
    if (f.isDeprecated) row.appendChild(el('span', 'deprecated', ' (deprecated' + (f.deprecationReason ? ': ' + f.deprecationReason : '') + ')'));
    if (f.description) row.appendChild(el('div', 'description', f.description));
    return row;
  }

  function section(title, items, render) {
    const filter = docsFilter.value.trim().toLowerCase();
    const shown = (items || []).filter((item) => !filter || String(item.name).toLowerCase().includes(filter));
    if (!shown.length) return;
    docsBody.appendChild(el('h3', '', title));
    for (const item of shown) docsBody.appendChild(render(item));
  }

  function renderDocs() {
    const name = history[history.length - 1];
    docsBack.hidden = !name;
    if (!schema) return;
    docsBody.textContent = '';
    if (!name) {
      docsTitle.textContent = 'Schema';
      for (const [label, rootType] of schema.roots) {
        if (!rootType) continue;
        const type = schema.types.get(rootType.name);
        section(label + ' (' + rootType.name + ')', type && type.fields, fieldRow);
      }
      return;
    }
    const type = schema.types.get(name);
    docsTitle.textContent = name;
    if (!type) return docsMessage('Unknown type ' + name, true);
    docsBody.appendChild(el('div', 'kind', type.kind.toLowerCase().replace('_', ' ') + ' ' + type.name));
    if (type.description) docsBody.appendChild(el('div', 'description', type.description));
    const linkRow = (t) => { const row = el('div', 'field'); row.appendChild(typeLink(t.name)); return row; };
    section('Implements', type.interfaces, linkRow);
    section('Fields', type.fields, fieldRow);
    section('Input fields', type.inputFields, fieldRow);
    section('Values', type.enumValues, fieldRow);
    section('Possible types', type.possibleTypes, linkRow);
  }

  // ---------------------------------------------------------------- wiring
  runBtn.addEventListener('click', run);
  stopBtn.addEventListener('click', stop);
  $('prettify').addEventListener('click', () => {
    editors.query.value = prettify(editors.query.value);
    store.set('query', editors.query.value);
    refreshOperations();
  });
  opSelect.addEventListener('change', () => store.set('operationName', opSelect.value));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  $('docs-toggle').addEventListener('click', () => {
    docs.hidden = !docs.hidden;
    if (!docs.hidden && !schema) loadSchema();
  });
  $('docs-refresh').addEventListener('click', loadSchema);
  docsBack.addEventListener('click', () => { history.pop(); renderDocs(); });
  docsFilter.addEventListener('input', renderDocs);

  stopBtn.disabled = true;
  refreshOperations();
  setStatus('Ready');
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const SCRIPT_HASH = sha256(SCRIPT);
const STYLE_HASH = sha256(STYLE);

function buildCsp(scriptSources: string, styleSources: string, connectSources: string): string {
  return [
    "default-src 'none'",
    `script-src ${scriptSources}`,
    `style-src ${styleSources}`,
    `connect-src ${connectSources}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * CSP for the page, allowing exactly its inline script and style by hash. CSP3 browsers match
 * same-origin ws:/wss: with 'self'; use {@link playgroundCsp} with `host` to list them explicitly.
 */
export const PLAYGROUND_CSP = buildCsp(SCRIPT_HASH, STYLE_HASH, "'self'");

/** CSP for a page rendered with `nonce`, optionally naming the ws/wss origin of `host` (a Host header). */
export function playgroundCsp(options: { nonce?: string; host?: string } = {}): string {
  const nonce = options.nonce === undefined ? '' : ` 'nonce-${checkNonce(options.nonce)}'`;
  const host = options.host !== undefined && HOST_PATTERN.test(options.host) ? options.host : undefined;
  const connect = host ? `'self' ws://${host} wss://${host}` : "'self'";
  return buildCsp(SCRIPT_HASH + nonce, STYLE_HASH + nonce, connect);
}

/** A fresh random nonce suitable for {@link renderPlayground} and {@link playgroundCsp}. */
export function createPlaygroundNonce(): string {
  return randomBytes(18).toString('base64');
}

function checkNonce(nonce: string): string {
  if (!NONCE_PATTERN.test(nonce)) throw new Error('CSP nonce must be at least 16 base64 characters');
  return nonce;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export function renderPlayground(options: PlaygroundOptions): string {
  const title = escapeHtml(options.title ?? 'Clutch GraphQL Playground');
  const endpoint = escapeHtml(options.endpoint);
  const nonce = options.nonce === undefined ? '' : ` nonce="${checkNonce(options.nonce)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="icon" href="data:,">
<style${nonce}>${STYLE}</style>
</head>
<body>
<div id="playground" class="app" data-endpoint="${endpoint}">
  <header class="toolbar">
    <h1>${title}</h1>
    <button id="run" class="primary" type="button" title="Run (Ctrl/Cmd+Enter)">Run</button>
    <button id="stop" type="button" title="Stop the running subscription">Stop</button>
    <select id="operation" aria-label="Operation to run" hidden></select>
    <button id="prettify" type="button">Prettify</button>
    <span id="status" class="status" role="status" aria-live="polite"></span>
    <span class="spacer"></span>
    <button id="docs-toggle" type="button">Docs</button>
  </header>
  <main class="panes">
    <section class="editors">
      <label for="query">Operation</label>
      <textarea id="query" spellcheck="false" autocomplete="off" autocapitalize="off"></textarea>
      <div class="split">
        <div><label for="variables">Variables (JSON)</label><textarea id="variables" spellcheck="false"></textarea></div>
        <div><label for="headers">Headers (JSON)</label><textarea id="headers" spellcheck="false"></textarea></div>
      </div>
    </section>
    <section class="results">
      <div class="pane-title">Response <span class="endpoint">${endpoint}</span></div>
      <div id="output" class="output"></div>
    </section>
    <aside id="docs" class="docs" hidden>
      <div class="docs-head">
        <button id="docs-back" type="button" hidden>&larr; Back</button>
        <h2 id="docs-title">Schema</h2>
        <button id="docs-refresh" type="button" title="Reload the schema">Reload</button>
      </div>
      <input id="docs-filter" type="search" placeholder="Filter by name" aria-label="Filter by name">
      <div id="docs-body"></div>
    </aside>
  </main>
</div>
<script${nonce}>${SCRIPT}</script>
</body>
</html>
`;
}
