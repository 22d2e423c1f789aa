import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { ingest, registerDriver, vehicleWithDevice } from './live.js';
import { waitFor } from './wait-for.js';

/**
 * The playground in a real browser: Debian's headless Chromium (`.ci/run` installs it) loads
 * GraphiQL from the gateway under its CSP, signs in, runs a query with the token in the
 * headers editor and a subscription over graphql-ws, and reads both in the result pane.
 */

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((file) => file && existsSync(file));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)');
  }
}

// Editors are CodeMirror 5 instances; their API is the reliable way to read and set text.
const VISIBLE_TOOL = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const RESULT = '.graphiql-response .result-window .CodeMirror';

async function setEditor(page: Page, selector: string, value: string) {
  await page.waitForSelector(selector);
  await page.$eval(selector, (el, text) => (el as any).CodeMirror.setValue(text), value);
}
const editorText = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as any).CodeMirror.getValue() as string);

async function setTool(page: Page, tool: 'variables' | 'headers', value: string) {
  await page.click(`.graphiql-editor-tools button[data-name="${tool}"]`);
  await setEditor(page, VISIBLE_TOOL, value);
}

async function openTab(page: Page, title: string) {
  await page.click(`.graphiql-tab-button[title="${title}"]`);
  await page.waitForSelector(`.graphiql-tab-active .graphiql-tab-button[title="${title}"]`);
}

/** Runs the active tab and waits until the result pane shows something that passes `done`. */
async function run(page: Page, done: (text: string) => boolean, what: string): Promise<string> {
  await setEditor(page, RESULT, '');
  await page.click('.graphiql-execute-button');
  let text = '';
  await waitFor(
    async () => {
      text = await editorText(page, RESULT);
      return done(text);
    },
    what,
    15_000,
  ).catch((error) => {
    throw new Error(`${(error as Error).message}; the result pane shows: ${text || '(nothing)'}`);
  });
  return text;
}

let t: TestSystem;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestSystem(), chromium.launch({ executablePath: chromiumPath() })]);
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  // Injected by the browser itself before any page script, so the page's CSP does not apply to it.
  // (Runs in the page: this project's types have no DOM, hence `globalThis` and `any`.)
  await page.addInitScript(() => {
    const page = globalThis as any;
    const seen: string[] = (page.__cspViolations = []);
    page.document.addEventListener('securitypolicyviolation', (e: any) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the GraphiQL playground in Chromium', () => {
  let adminToken = '';

  it('loads from the gateway with the example tabs, the headers editor open and the explorer', async () => {
    const response = await page.goto(t.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.graphiql-container');
    expect(await page.$$eval('.graphiql-tab-button', (tabs) => tabs.map((tab) => tab.textContent))).toEqual([
      'SignIn',
      'LiveTelemetry',
      'Decisions',
    ]);
    expect(await page.isVisible('section.graphiql-editor-tool[aria-label="Headers"]')).toBe(true);

    // The explorer shows the active operation against the schema introspection (over HTTP) loaded.
    await page.click('[aria-label="Show GraphiQL Explorer"]');
    await page.waitForSelector('.graphiql-explorer-root [data-field-name="login"][data-field-type="AuthPayload"]');
  });

  it('completes field names from the schema as you type', async () => {
    await page.click('.graphiql-tab-add');
    await setEditor(page, QUERY_EDITOR, '{ ');
    await page.$eval(QUERY_EDITOR, (el) => {
      const editor = (el as any).CodeMirror;
      editor.focus();
      editor.setCursor({ line: 0, ch: 2 });
    });
    await page.keyboard.type('goa');
    await page.waitForSelector('.CodeMirror-hints .CodeMirror-hint:text-is("goals")');
    await page.keyboard.press('Escape');
    await page.click('.graphiql-tab-active [aria-label="Close Tab"]');
    await waitFor(async () => (await page.$$('.graphiql-tab')).length === 3, 'the extra tab to close');
  });

  it('signs in: the login mutation from the SignIn tab answers with a token in the result pane', async () => {
    await openTab(page, 'SignIn');
    await setTool(page, 'variables', JSON.stringify({ email: ADMIN.email, password: ADMIN.password }));
    const text = await run(page, (r) => r.includes('accessToken'), 'the login result');
    const result = JSON.parse(text);
    expect(result.errors).toBeUndefined();
    expect(result.data.login.user).toMatchObject({ email: ADMIN.email, roles: ['ADMIN'] });
    adminToken = result.data.login.accessToken;
    expect(adminToken).toMatch(/^ey/);
  });

  it('runs the Decisions tab with the token from the headers editor', async () => {
    await openTab(page, 'Decisions');
    await setTool(page, 'headers', '{}');
    const refused = JSON.parse(await run(page, (r) => r.includes('errors'), 'the refusal'));
    expect(refused.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);

    await setTool(page, 'headers', JSON.stringify({ Authorization: `Bearer ${adminToken}` }));
    const result = JSON.parse(await run(page, (r) => r.includes('totalCount'), 'the decisions'));
    expect(result.errors).toBeUndefined();
    expect(result.data.decisions).toEqual({
      totalCount: expect.any(Number),
      edges: expect.any(Array),
      pageInfo: { hasNextPage: expect.any(Boolean), endCursor: result.data.decisions.pageInfo.endCursor },
    });
  });

  it('streams live telemetry over graphql-ws into the result pane, authorised by the headers editor', async () => {
    const owner = await registerDriver(t, 'playground-owner@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82633A004352');
    await openTab(page, 'LiveTelemetry');
    await setTool(page, 'variables', JSON.stringify({ vehicleId }));

    // No token in the headers editor: the gateway closes the socket (4403) and says so.
    await setTool(page, 'headers', '{}');
    await run(page, (r) => r.includes('4403'), 'the socket refusal');

    await setTool(page, 'headers', JSON.stringify({ Authorization: `Bearer ${owner.token}` }));
    await setEditor(page, RESULT, '');
    await page.click('.graphiql-execute-button');
    // No "subscribed" acknowledgement in graphql-ws: upload until the first event shows.
    let shown = '';
    await waitFor(
      async () => {
        const uploaded = await ingest(t, vehicleId, ['41 0C 1A F8'], deviceToken);
        if (uploaded.errors) throw new Error(JSON.stringify(uploaded.errors));
        await new Promise((r) => setTimeout(r, 200));
        shown = await editorText(page, RESULT);
        return shown.includes('1726');
      },
      'the live event in the result pane',
      15_000,
    );
    const event = JSON.parse(shown);
    expect(event.errors).toBeUndefined();
    expect(event.data.vehicleTelemetry).toMatchObject({
      readings: [{ pid: '0C', value: 1726, unit: 'rpm' }],
      vehicle: { vin: '1HGCM82633A004352' },
    });
    // The running subscription turns the execute button into a stop button.
    await page.click('.graphiql-execute-button');
  });

  it('ran under the CSP with no violation and no script error', async () => {
    expect(await page.evaluate(() => (globalThis as any).__cspViolations)).toEqual([]);
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
