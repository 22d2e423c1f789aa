import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import { buildSchema, graphql } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { fetch as undiciFetch, WebSocket as UndiciWebSocket } from 'undici';
import { WebSocketServer } from 'ws';
import { PLAYGROUND_CSP, createPlaygroundNonce, playgroundCsp, renderPlayground } from './playground.js';

const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';

function inlineBlocks(html: string, tag: 'script' | 'style'): { attrs: string; body: string }[] {
  const re = new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'gi');
  return [...html.matchAll(re)].map((m) => ({ attrs: m[1], body: m[2] }));
}

const scriptOf = (html: string): string => inlineBlocks(html, 'script')[0].body;
const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const directive = (csp: string, name: string): string =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `)) ?? '';

describe('renderPlayground HTML', () => {
  it('is self-contained: no absolute URLs, CDNs, fonts or external resources', () => {
    const html = renderPlayground({ endpoint: '/graphql', nonce: NONCE });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/["'(]\/\/[a-z0-9]/i); // protocol-relative URLs
    expect(html).not.toMatch(/@import|\burl\(|@font-face/); // CSS only: the script's `new URL(` is fine
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]*stylesheet/i);
    for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) expect(url).toMatch(/^data:/);
  });

  it('contains the endpoint', () => {
    expect(renderPlayground({ endpoint: '/graphql' })).toContain('data-endpoint="/graphql"');
    expect(renderPlayground({ endpoint: '/api/v2/graphql' })).toContain('data-endpoint="/api/v2/graphql"');
  });

  it('escapes a malicious title and endpoint', () => {
    const html = renderPlayground({
      endpoint: '/graphql"><script>alert(2)</script>',
      title: '</title><script>alert(1)</script>',
    });
    expect(html).not.toContain('alert(1)</script>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('data-endpoint="/graphql&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html.match(/<\/title>/g)).toHaveLength(1);
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('stamps the nonce on every script and style tag, and the CSP allows it', () => {
    const html = renderPlayground({ endpoint: '/graphql', nonce: NONCE });
    const tags = [...html.matchAll(/<(script|style)\b[^>]*>/gi)].map((m) => m[0]);
    expect(tags).toHaveLength(2);
    for (const tag of tags) expect(tag).toContain(`nonce="${NONCE}"`);

    const csp = playgroundCsp({ nonce: NONCE });
    expect(directive(csp, 'script-src')).toContain(`'nonce-${NONCE}'`);
    expect(directive(csp, 'style-src')).toContain(`'nonce-${NONCE}'`);
    expect(playgroundCsp({ nonce: createPlaygroundNonce() })).toMatch(/'nonce-[A-Za-z0-9+/]{24}'/);
  });

  it('rejects malformed nonces rather than emitting them', () => {
    expect(() => renderPlayground({ endpoint: '/graphql', nonce: '"><script>' })).toThrow(/nonce/);
    expect(() => playgroundCsp({ nonce: "abc' 'unsafe-inline" })).toThrow(/nonce/);
  });

  it('PLAYGROUND_CSP is strict and its hashes match the inline script and style exactly', () => {
    const html = renderPlayground({ endpoint: '/graphql', title: 'Other title' });
    const [style] = inlineBlocks(html, 'style');
    expect(directive(PLAYGROUND_CSP, 'default-src')).toBe("default-src 'none'");
    expect(directive(PLAYGROUND_CSP, 'script-src')).toBe(`script-src ${cspHash(scriptOf(html))}`);
    expect(directive(PLAYGROUND_CSP, 'style-src')).toBe(`style-src ${cspHash(style.body)}`);
    expect(directive(PLAYGROUND_CSP, 'connect-src')).toBe("connect-src 'self'");
    expect(PLAYGROUND_CSP).toContain("frame-ancestors 'none'");
    expect(PLAYGROUND_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    // Dynamic values never leak into the hashed blocks.
    expect(scriptOf(renderPlayground({ endpoint: '/x', title: 'y' }))).toBe(scriptOf(html));
  });

  it('playgroundCsp names same-host ws/wss only for a well-formed host', () => {
    expect(directive(playgroundCsp({ host: 'api.clutch.test:8443' }), 'connect-src')).toBe(
      "connect-src 'self' ws://api.clutch.test:8443 wss://api.clutch.test:8443",
    );
    expect(directive(playgroundCsp({ host: '[::1]:4000' }), 'connect-src')).toContain('wss://[::1]:4000');
    const hostile = playgroundCsp({ host: "evil.test; script-src 'unsafe-inline'" });
    expect(directive(hostile, 'connect-src')).toBe("connect-src 'self'");
    expect(hostile).not.toContain('unsafe-inline');
  });

  it('inline script compiles and never writes HTML from data', () => {
    const script = scriptOf(renderPlayground({ endpoint: '/graphql' }));
    expect(() => new vm.Script(script, { filename: 'playground.js' })).not.toThrow();
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it('every element id the script looks up exists in the page', () => {
    const html = renderPlayground({ endpoint: '/graphql' });
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const wanted = [...scriptOf(html).matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1]);
    expect(wanted.length).toBeGreaterThan(10);
    for (const id of wanted) expect(ids).toContain(id);
  });
});

// ---------------------------------------------------------------- a tiny fake DOM to run the page script

type Listener = (event: any) => unknown;

class FakeNode {
  childNodes: FakeNode[] = [];
  parentNode: FakeNode | null = null;
  data = '';
  className = '';
  value = '';
  type = '';
  hidden = false;
  disabled = false;
  selectionStart = 0;
  selectionEnd = 0;
  readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly nodeName: string) {}

  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): FakeNode | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  appendChild(child: FakeNode): FakeNode {
    return this.insertBefore(child, null);
  }
  insertBefore(child: FakeNode, ref: FakeNode | null): FakeNode {
    child.parentNode?.removeChild(child);
    const at = ref ? this.childNodes.indexOf(ref) : -1;
    if (at < 0) this.childNodes.push(child);
    else this.childNodes.splice(at, 0, child);
    child.parentNode = this;
    return child;
  }
  removeChild(child: FakeNode): FakeNode {
    this.childNodes.splice(this.childNodes.indexOf(child), 1);
    child.parentNode = null;
    return child;
  }
  get textContent(): string {
    return this.nodeName === '#text' ? this.data : this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    if (this.nodeName === '#text') this.data = value;
    else if (value !== '') this.appendChild(Object.assign(new FakeNode('#text'), { data: value }));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string, init: Record<string, unknown> = {}): { defaultPrevented: boolean } {
    const event = {
      type,
      target: this,
      defaultPrevented: false,
      preventDefault() {
        event.defaultPrevented = true;
      },
      ...init,
    };
    for (const listener of this.listeners.get(type) ?? []) listener(event);
    return event;
  }
  click(): void {
    this.dispatch('click');
  }
  descendants(): FakeNode[] {
    return this.childNodes.flatMap((c) => [c, ...c.descendants()]);
  }
}

class FakeWebSocket {
  readyState = 0;
  sent: any[] = [];
  closed: { code: number; reason: string } | null = null;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeWebSocket.created?.(this);
  }
  static created: ((ws: FakeWebSocket) => void) | undefined;

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.closed = { code, reason };
    this.onclose?.({ code, reason });
  }
  // server side
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

interface FakeResponse {
  status?: number;
  statusText?: string;
  body: unknown;
}

const unescapeHtml = (s: string): string =>
  s.replace(/&(quot|amp|lt|gt|#39);/g, (_m, e: string) => ({ quot: '"', amp: '&', lt: '<', gt: '>', '#39': "'" })[e]!);

interface BootOptions {
  storage?: Record<string, string>;
  endpoint?: string;
  /** Page origin; defaults to https://clutch.test. */
  origin?: string;
  /** Talk to a real server instead of the fakes. */
  real?: boolean;
}

function boot(options: BootOptions = {}) {
  const origin = options.origin ?? 'https://clutch.test';
  const html = renderPlayground({ endpoint: options.endpoint ?? '/graphql', nonce: NONCE });
  const byId = new Map<string, FakeNode>();
  for (const [, tag, attrs] of html.matchAll(/<(\w+)\b([^>]*\bid="[^"]+"[^>]*)>/g)) {
    const node = new FakeNode(tag.toUpperCase());
    for (const [, name, value] of attrs.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
      node.attributes.set(name, unescapeHtml(value ?? ''));
    }
    node.hidden = node.attributes.has('hidden');
    byId.set(node.attributes.get('id')!, node);
  }
  const document = Object.assign(new FakeNode('#document'), {
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new FakeNode(tag.toUpperCase()),
    createTextNode: (text: string) => Object.assign(new FakeNode('#text'), { data: text }),
  });

  const storage = new Map(Object.entries(options.storage ?? {}));
  const localStorage = {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, String(value)),
  };

  const requests: { url: string; method: string; headers: Record<string, string>; body: any }[] = [];
  let respond: (body: any) => FakeResponse = () => ({ body: { data: { __typename: 'Query' } } });
  const fakeFetch = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    const body = JSON.parse(init.body);
    requests.push({ url, method: init.method, headers: init.headers, body });
    const r = respond(body);
    const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return { status: r.status ?? 200, statusText: r.statusText ?? 'OK', text: async () => text };
  };

  const sockets: FakeWebSocket[] = [];
  FakeWebSocket.created = (ws) => sockets.push(ws);
  let clock = 1000;
  const realFetch = (url: string, init: any) => undiciFetch(new URL(url, origin), init); // relative URLs need a base in Node
  const context = vm.createContext({
    document,
    localStorage,
    fetch: options.real ? realFetch : fakeFetch,
    WebSocket: options.real ? UndiciWebSocket : FakeWebSocket,
    URL,
    location: { href: `${origin}/playground` },
    performance: { now: () => (clock += 21) },
  });
  vm.runInContext(scriptOf(html), context, { filename: 'playground.js' });

  const $ = (id: string): FakeNode => {
    const node = byId.get(id);
    if (!node) throw new Error(`no #${id}`);
    return node;
  };
  return {
    $,
    document,
    storage,
    requests,
    sockets,
    respondWith(fn: (body: any) => FakeResponse) {
      respond = fn;
    },
    type(id: string, value: string) {
      $(id).value = value;
      $(id).dispatch('input');
    },
    entries() {
      return $('output').childNodes.map((entry) => ({
        label: entry.childNodes[0].textContent,
        body: entry.childNodes[1].textContent,
        error: entry.className.includes('error'),
      }));
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('playground script (fake DOM)', () => {
  it('POSTs operations with JSON content type and the user headers, then pretty-prints status, timing and body', async () => {
    const page = boot({ endpoint: '/api/graphql' });
    page.type('query', 'query Me { viewer { id } }');
    page.type('variables', '{"first": 2}');
    page.type('headers', '{"Authorization": "Bearer t0k", "x-trace": 7}');
    page.respondWith(() => ({ body: { data: { viewer: { id: 'u1' } } } }));
    page.$('run').click();
    await flush();

    expect(page.requests).toHaveLength(1);
    const [req] = page.requests;
    expect(req.url).toBe('/api/graphql');
    expect(req.method).toBe('POST');
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer t0k',
      'x-trace': '7',
    });
    expect(req.body).toEqual({ query: 'query Me { viewer { id } }', variables: { first: 2 }, operationName: 'Me' });
    expect(page.sockets).toHaveLength(0);

    const [entry] = page.entries();
    expect(entry.label).toMatch(/^200 OK - \d+ ms$/);
    expect(entry.body).toBe(JSON.stringify({ data: { viewer: { id: 'u1' } } }, null, 2));
    expect(entry.error).toBe(false);
    expect(page.$('status').textContent).toMatch(/HTTP 200/);
  });

  it('flags GraphQL errors and shows non-JSON bodies raw', async () => {
    const page = boot();
    page.respondWith(() => ({
      status: 400,
      statusText: 'Bad Request',
      body: { errors: [{ message: 'Syntax Error' }] },
    }));
    page.$('run').click();
    await flush();
    expect(page.entries()[0]).toMatchObject({ error: true });
    expect(page.entries()[0].label).toMatch(/^400 Bad Request/);

    page.respondWith(() => ({ status: 502, statusText: 'Bad Gateway', body: '<h1>upstream down</h1>' }));
    page.$('run').click();
    await flush();
    expect(page.entries()).toHaveLength(1);
    expect(page.entries()[0].body).toBe('<h1>upstream down</h1>');
  });

  it('runs subscriptions over graphql-transport-ws, sending the headers as connectionParams', async () => {
    const page = boot();
    const query =
      '# query {\n# not this one\n  subscription OnBooking($id: ID!) { bookingUpdated(id: $id) { id status } }';
    page.type('query', query);
    page.type('variables', '{"id": "b1"}');
    page.type('headers', '{"Authorization": "Bearer t0k"}');
    page.$('run').click();
    await flush();

    expect(page.requests).toHaveLength(0);
    expect(page.sockets).toHaveLength(1);
    const ws = page.sockets[0];
    expect(ws.url).toBe('wss://clutch.test/graphql');
    expect(ws.protocol).toBe('graphql-transport-ws');
    expect(page.$('stop').disabled).toBe(false);

    ws.open();
    expect(ws.sent).toEqual([{ type: 'connection_init', payload: { authorization: 'Bearer t0k' } }]);
    ws.receive({ type: 'connection_ack' });
    const subscribe = ws.sent[1];
    expect(subscribe).toEqual({
      id: expect.any(String),
      type: 'subscribe',
      payload: { query, variables: { id: 'b1' }, operationName: 'OnBooking' },
    });
    const id = subscribe.id;

    ws.receive({ type: 'ping' });
    expect(ws.sent[2]).toEqual({ type: 'pong' });

    ws.receive({ id, type: 'next', payload: { data: { bookingUpdated: { id: 'b1', status: 'CONFIRMED' } } } });
    ws.receive({ id: 'someone-else', type: 'next', payload: { data: { ignored: true } } });
    ws.receive({ id, type: 'next', payload: { data: { bookingUpdated: { id: 'b1', status: 'DONE' } } } });
    const entries = page.entries();
    expect(entries).toHaveLength(2);
    expect(entries[0].label).toMatch(/^#2 /);
    expect(entries[0].body).toContain('DONE');
    expect(entries[1].body).toContain('CONFIRMED');
    expect(page.$('status').textContent).toBe('Live: 2 event(s)');

    page.$('stop').click();
    expect(ws.sent[ws.sent.length - 1]).toEqual({ id, type: 'complete' });
    expect(ws.closed).toEqual({ code: 1000, reason: 'Stopped' });
    expect(page.$('stop').disabled).toBe(true);
    expect(page.$('status').textContent).toBe('Stopped after 2 event(s)');
  });

  it('derives ws:// from an http page and keeps live entries capped at 100, newest first', async () => {
    const page = boot({ origin: 'http://localhost:4000', endpoint: '/api/graphql' });
    page.type('query', 'subscription { tick }');
    page.$('run').click();
    const ws = page.sockets[0];
    expect(ws.url).toBe('ws://localhost:4000/api/graphql');
    ws.open();
    ws.receive({ type: 'connection_ack' });
    const { id } = ws.sent[1];
    for (let i = 1; i <= 105; i++) ws.receive({ id, type: 'next', payload: { data: { tick: i } } });
    const entries = page.entries();
    expect(entries).toHaveLength(100);
    expect(entries[0].label).toMatch(/^#105 /);
    expect(entries[99].label).toMatch(/^#6 /);
    expect(ws.sent[1].payload.operationName).toBeUndefined();
  });

  it('shows server errors, completion and abnormal closes', async () => {
    const page = boot();
    page.type('query', 'subscription S { tick }');

    page.$('run').click();
    let ws = page.sockets[0];
    ws.open();
    ws.receive({ type: 'connection_ack' });
    ws.receive({
      id: ws.sent[1].id,
      type: 'error',
      payload: [{ message: 'Not authorised', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(page.entries()[0]).toMatchObject({ label: 'Subscription error', error: true });
    expect(page.entries()[0].body).toContain('UNAUTHENTICATED');
    expect(ws.closed?.code).toBe(1000);
    expect(page.$('status').textContent).toBe('Subscription failed');

    page.$('run').click();
    ws = page.sockets[1];
    ws.open();
    ws.receive({ type: 'connection_ack' });
    ws.receive({ id: ws.sent[1].id, type: 'complete' });
    expect(page.entries()[0].label).toBe('Complete');
    expect(page.$('stop').disabled).toBe(true);

    page.$('run').click();
    ws = page.sockets[2];
    ws.open();
    ws.readyState = 3;
    ws.onclose?.({ code: 4403, reason: 'Forbidden' });
    expect(page.entries()[0]).toEqual({ label: 'Connection closed', body: 'code 4403: Forbidden', error: true });
    expect(page.$('status').textContent).toBe('Disconnected (4403)');
  });

  it('running again stops the previous subscription first', () => {
    const page = boot();
    page.type('query', 'subscription { tick }');
    page.$('run').click();
    const first = page.sockets[0];
    first.open();
    first.receive({ type: 'connection_ack' });
    page.$('run').click();
    expect(first.sent[first.sent.length - 1]).toMatchObject({ type: 'complete' });
    expect(first.closed).not.toBeNull();
    expect(page.sockets).toHaveLength(2);
  });

  it('uses the chosen operation of a multi-operation document', async () => {
    const page = boot();
    page.type('query', 'fragment F on Booking { id }\nquery A { a { ...F } }\nsubscription B { b { ...F } }');
    const select = page.$('operation');
    expect(select.hidden).toBe(false);
    expect(select.childNodes.map((o) => [o.value, o.textContent])).toEqual([
      ['A', 'query A'],
      ['B', 'subscription B'],
    ]);

    select.value = 'B';
    select.dispatch('change');
    expect(page.storage.get('clutch.playground.operationName')).toBe('B');
    page.$('run').click();
    expect(page.sockets).toHaveLength(1);

    select.value = 'A';
    page.$('run').click();
    await flush();
    expect(page.sockets[0].closed).not.toBeNull();
    expect(page.requests).toHaveLength(1);
    expect(page.requests[0].body.operationName).toBe('A');

    page.type('query', 'query Only { a }');
    expect(select.hidden).toBe(true);
  });

  it('runs on Ctrl/Cmd+Enter and reports invalid JSON without sending anything', async () => {
    const page = boot();
    page.type('variables', '{"id": ');
    const event = page.document.dispatch('keydown', { key: 'Enter', metaKey: true });
    await flush();
    expect(event.defaultPrevented).toBe(true);
    expect(page.requests).toHaveLength(0);
    expect(page.entries()[0]).toMatchObject({ label: 'Invalid input', error: true });
    expect(page.entries()[0].body).toMatch(/^Variables must be valid JSON/);

    page.type('variables', '[1]');
    page.type('headers', '');
    page.document.dispatch('keydown', { key: 'Enter', ctrlKey: true });
    await flush();
    expect(page.entries()[0].body).toBe('Variables must be a JSON object');

    page.type('variables', '');
    page.document.dispatch('keydown', { key: 'Enter', ctrlKey: true });
    await flush();
    expect(page.requests).toHaveLength(1);
    expect(page.requests[0].body.variables).toEqual({});
  });

  it('inserts two spaces on Tab and persists editors in localStorage', () => {
    const page = boot();
    const query = page.$('query');
    expect(query.value).toContain('__typename'); // default document
    query.value = 'query {x}';
    query.selectionStart = 7;
    query.selectionEnd = 8;
    const tab = query.dispatch('keydown', { key: 'Tab' });
    expect(tab.defaultPrevented).toBe(true);
    expect(query.value).toBe('query {  }');
    expect(query.selectionStart).toBe(9);
    expect(page.storage.get('clutch.playground.query')).toBe('query {  }');
    expect(query.dispatch('keydown', { key: 'Tab', shiftKey: true }).defaultPrevented).toBe(false);

    page.type('headers', '{"authorization": "Bearer x"}');
    const again = boot({ storage: Object.fromEntries(page.storage) });
    expect(again.$('query').value).toBe('query {  }');
    expect(again.$('headers').value).toBe('{"authorization": "Bearer x"}');
  });

  it('prettifies by brace depth, leaving strings and comments alone', () => {
    const page = boot();
    page.type(
      'query',
      'query Q($id: ID!, $f: In = {a: 1}) { booking(id: $id, note: "{ not a brace") { id status } } # { comment\n' +
        'subscription S { e { id } }',
    );
    page.$('prettify').click();
    expect(page.$('query').value).toBe(
      [
        'query Q($id: ID!, $f: In = {a: 1}) {',
        '  booking(id: $id, note: "{ not a brace") {',
        '    id status',
        '  }',
        '}',
        '',
        '# { comment',
        'subscription S {',
        '  e {',
        '    id',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(page.storage.get('clutch.playground.query')).toBe(page.$('query').value);
  });

  const SCHEMA = {
    data: {
      __schema: {
        queryType: { name: 'Query' },
        mutationType: null,
        subscriptionType: { name: 'Subscription' },
        types: [
          {
            kind: 'OBJECT',
            name: 'Query',
            fields: [
              {
                name: 'booking',
                args: [{ name: 'id', type: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'ID' } } }],
                type: { kind: 'OBJECT', name: 'Booking' },
              },
              {
                name: 'bookings',
                args: [{ name: 'first', type: { kind: 'SCALAR', name: 'Int' }, defaultValue: '10' }],
                type: {
                  kind: 'NON_NULL',
                  ofType: { kind: 'LIST', ofType: { kind: 'NON_NULL', ofType: { kind: 'OBJECT', name: 'Booking' } } },
                },
              },
            ],
          },
          {
            kind: 'OBJECT',
            name: 'Subscription',
            fields: [{ name: 'bookingUpdated', args: [], type: { kind: 'OBJECT', name: 'Booking' } }],
          },
          {
            kind: 'OBJECT',
            name: 'Booking',
            description: '<img src=x onerror=alert(1)>',
            interfaces: [],
            fields: [
              { name: 'id', args: [], type: { kind: 'NON_NULL', ofType: { kind: 'SCALAR', name: 'ID' } } },
              { name: 'status', args: [], type: { kind: 'ENUM', name: 'BookingStatus' } },
              {
                name: 'legacy',
                args: [],
                type: { kind: 'SCALAR', name: 'String' },
                isDeprecated: true,
                deprecationReason: 'gone',
              },
            ],
          },
          { kind: 'ENUM', name: 'BookingStatus', enumValues: [{ name: 'PENDING' }, { name: 'DONE' }] },
        ],
      },
    },
  };

  it('explores the schema via introspection with the user headers; types are clickable', async () => {
    const page = boot();
    page.type('headers', '{"authorization": "Bearer admin"}');
    page.respondWith(() => ({ body: SCHEMA }));
    expect(page.$('docs').hidden).toBe(true);
    page.$('docs-toggle').click();
    expect(page.$('docs').hidden).toBe(false);
    await flush();

    expect(page.requests).toHaveLength(1);
    expect(page.requests[0].headers.authorization).toBe('Bearer admin');
    expect(page.requests[0].body.operationName).toBe('IntrospectionQuery');
    expect(page.requests[0].body.query).toMatch(/__schema\s*\{\s*queryType/);

    const body = page.$('docs-body');
    const rows = () =>
      body
        .descendants()
        .filter((n) => n.className === 'field')
        .map((n) => n.textContent);
    const headings = () =>
      body
        .descendants()
        .filter((n) => n.nodeName === 'H3')
        .map((n) => n.textContent);
    expect(headings()).toEqual(['Query (Query)', 'Subscription (Subscription)']);
    expect(rows()).toEqual([
      'booking(id: ID!): Booking',
      'bookings(first: Int = 10): [Booking!]!',
      'bookingUpdated: Booking',
    ]);
    expect(page.$('docs-back').hidden).toBe(true);

    const link = (name: string) =>
      body.descendants().find((n) => n.className === 'type-link' && n.textContent === name)!;
    link('Booking').click();
    expect(page.$('docs-title').textContent).toBe('Booking');
    expect(page.$('docs-back').hidden).toBe(false);
    expect(body.textContent).toContain('<img src=x onerror=alert(1)>'); // shown as text
    expect(body.descendants().some((n) => n.nodeName === 'IMG')).toBe(false);
    expect(rows()).toEqual(['id: ID!', 'status: BookingStatus', 'legacy: String (deprecated: gone)']);

    page.type('docs-filter', 'STAT');
    expect(rows()).toEqual(['status: BookingStatus']);

    link('BookingStatus').click();
    expect(page.$('docs-title').textContent).toBe('BookingStatus');
    expect(rows()).toEqual(['PENDING', 'DONE']);

    page.$('docs-back').click();
    expect(page.$('docs-title').textContent).toBe('Booking');
    page.$('docs-back').click();
    expect(page.$('docs-title').textContent).toBe('Schema');
    expect(page.$('docs-back').hidden).toBe(true);

    page.$('docs-toggle').click(); // close and reopen: no refetch
    page.$('docs-toggle').click();
    expect(page.requests).toHaveLength(1);
  });

  it('shows the error when introspection is refused', async () => {
    const page = boot();
    page.respondWith(() => ({
      body: { errors: [{ message: 'Introspection is disabled', extensions: { code: 'FORBIDDEN' } }] },
    }));
    page.$('docs-toggle').click();
    await flush();
    const message = page.$('docs-body').textContent;
    expect(message).toContain('Introspection failed (HTTP 200)');
    expect(message).toContain('Introspection is disabled [FORBIDDEN]');

    page.respondWith(() => ({ status: 403, statusText: 'Forbidden', body: 'Forbidden' }));
    page.$('docs-refresh').click();
    await flush();
    expect(page.$('docs-body').textContent).toBe('Introspection failed (HTTP 403):\nForbidden');
  });
});

describe('playground script against a real graphql-ws server', () => {
  const schema = buildSchema(`
    type Query { hello: String }
    type Subscription { tick(to: Int!): Int! }
  `);
  let server: Server;
  let wss: WebSocketServer;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', async () => {
        const { query, variables, operationName } = JSON.parse(raw);
        const result = await graphql({
          schema,
          source: query,
          variableValues: variables,
          operationName,
          rootValue: { hello: () => `hello ${req.headers.authorization} (${req.headers['content-type']})` },
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
    });
    wss = new WebSocketServer({ server, path: '/graphql' });
    useServer(
      {
        schema,
        // Like the gateway: auth comes from connectionParams.
        onConnect: (ctx) => ctx.connectionParams?.authorization === 'Bearer t0k',
        roots: {
          subscription: {
            tick: async function* ({ to }: { to: number }) {
              for (let i = 1; i <= to; i++) yield { tick: i };
            },
          },
        },
      },
      wss,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('queries over HTTP and streams a subscription to completion', async () => {
    const page = boot({ origin, real: true });
    page.type('headers', '{"Authorization": "Bearer t0k"}');
    page.type('query', '{ hello }');
    page.$('run').click();
    await until(() => page.entries().length > 0, 'the HTTP response');
    expect(page.entries()[0].body).toContain('hello Bearer t0k (application/json)');

    page.type('query', 'subscription Ticks($to: Int!) { tick(to: $to) }');
    page.type('variables', '{"to": 3}');
    page.$('run').click();
    await until(() => page.$('status').textContent === 'Completed after 3 event(s)', 'the subscription to complete');
    expect(page.entries().map((e) => e.label.replace(/ at .*/, ''))).toEqual(['Complete', '#3', '#2', '#1']);
    expect(JSON.parse(page.entries()[1].body)).toEqual({ data: { tick: 3 } });
  });

  it('reports the server refusing the connection', async () => {
    const page = boot({ origin, real: true });
    page.type('headers', '{"authorization": "Bearer wrong"}');
    page.type('query', 'subscription { tick(to: 1) }');
    page.$('run').click();
    await until(() => page.$('status').textContent.startsWith('Disconnected'), 'the close');
    expect(page.entries()[0]).toEqual({ label: 'Connection closed', body: 'code 4403: Forbidden', error: true });
  });
});
