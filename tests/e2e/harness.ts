// End-to-end harness: serves the already-built app (`dist/`, made by `vite build`) with
// `vite preview` on 127.0.0.1, and drives Debian's Chromium through playwright-core with the flags
// that give headless Chromium a real WebGPU adapter without a GPU (SwiftShader; see TESTING.md).
// It builds nothing itself: `npm run test:e2e` runs `vite build` first.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian's chromium by default; CHROMIUM_PATH points elsewhere (another distro, a Chrome build). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * WebGPU on SwiftShader (software Vulkan), headless, and no attempts to reach the network (test
 * machines are offline; the last five flags keep Chromium from trying).
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// vite preview

export interface PreviewServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL); safe to call more than once. */
  stop(): Promise<void>;
}

/** A port the OS says is free right now (there is a small race; startPreview retries). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? res(port) : rej(new Error('could not find a free port'))));
    });
  });
}

// Every server this process started, so that an uncaught crash still takes them down.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) killTree(child, 'SIGKILL');
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The server runs in its own process group (detached): signal the whole group.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export interface PreviewOptions {
  /** Folder to serve; default E2E_DIST_DIR, else `dist/` of the repo. */
  outDir?: string;
  /** How long to wait for the server to answer. */
  timeoutMs?: number;
}

/**
 * Starts `vite preview` of the built app on 127.0.0.1 at a free port and waits until it answers.
 * Fails with a clear message when `dist/` is missing (run `vite build` first).
 */
export async function startPreview(opts: PreviewOptions = {}): Promise<PreviewServer> {
  const outDir = resolve(REPO_ROOT, opts.outDir ?? process.env.E2E_DIST_DIR ?? 'dist');
  if (!existsSync(join(outDir, 'index.html'))) {
    throw new Error(`${outDir}/index.html does not exist: build the app first (npx vite build, or npm run test:e2e)`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startPreviewOn(port, outDir, opts.timeoutMs ?? 30_000);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startPreviewOn(port: number, outDir: string, timeoutMs: number): Promise<PreviewServer> {
  installExitHook();
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const args = [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  liveChildren.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', () => liveChildren.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killTree(child, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!done) {
      killTree(child, 'SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `vite preview exited (code ${child.exitCode}, signal ${child.signalCode}) before answering:\n${output}`,
      );
    }
    try {
      const res = await fetch(url + '/', { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { url, port, stop };
    } catch {
      /* not up yet */
    }
    await sleep(150);
  }
  await stop();
  throw new Error(`vite preview did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
}

// ---------------------------------------------------------------------------------------------
// Chromium

/** Launches headless Chromium with the WebGPU flags; fails clearly when the binary is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install Debian's chromium (sudo apt-get install -y chromium) ` +
        "or set CHROMIUM_PATH to a Chromium/Chrome binary. (Playwright's own headless shell has no WebGPU.)",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** What the page said: console errors and warnings, uncaught page errors, failed requests. */
export class PageLog {
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];
  readonly failedRequests: string[] = [];
  /** Every console line (all levels), bounded, for printing on failure. */
  readonly all: string[] = [];

  attach(page: Page): void {
    page.on('console', (msg: ConsoleMessage) => {
      // "Failed to load resource" does not name the resource: add where the message came from.
      const where = msg.location()?.url;
      const text = /^Failed to load resource/.test(msg.text()) && where ? `${msg.text()}: ${where}` : msg.text();
      this.push(`[${msg.type()}] ${text}`);
      if (msg.type() === 'error') this.consoleErrors.push(text);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) this.push(`[http ${res.status()}] ${res.request().method()} ${res.url()}`);
    });
    page.on('pageerror', (err) => {
      const line = `${err.name}: ${err.message}`;
      this.push(`[pageerror] ${line}`);
      this.pageErrors.push(line);
    });
    page.on('requestfailed', (req) => {
      const line = `${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`;
      this.push(`[requestfailed] ${line}`);
      this.failedRequests.push(line);
    });
    // Worker consoles (the training worker) are reported through page 'console' in Chromium.
  }

  private push(line: string): void {
    this.all.push(line);
    if (this.all.length > 400) this.all.splice(0, this.all.length - 400);
  }

  /** Page errors plus console errors, with known-harmless noise removed. */
  errors(): string[] {
    return [...this.pageErrors, ...this.consoleErrors.filter((e) => !isHarmless(e))];
  }

  format(title = 'browser log'): string {
    const body = this.all.length ? this.all.map((l) => '  ' + l).join('\n') : '  (nothing logged)';
    return `--- ${title} (${this.all.length} lines) ---\n${body}\n--- end ---`;
  }
}

/** Console errors that say nothing about the app (e.g. no favicon in dist/). */
function isHarmless(text: string): boolean {
  return /favicon\.ico/.test(text);
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  log: PageLog;
  close(): Promise<void>;
}

/** A fresh context and page at `baseUrl + path`, with its console collected. */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  path = '/',
  viewport = { width: 1400, height: 900 },
  locale = 'en-US',
): Promise<AppPage> {
  // English unless a test asks otherwise: the app starts in the browser's language (zh* → 中文), and
  // the tests find elements by their English names.
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const log = new PageLog();
  log.attach(page);
  await page.goto(baseUrl + path, { waitUntil: 'load' });
  return { context, page, log, close: () => context.close() };
}

export interface AdapterReport {
  ok: boolean;
  reason?: string;
  info?: string;
  /** Same check from inside a dedicated module Web Worker (where the app trains). */
  worker?: { ok: boolean; reason?: string; info?: string };
}

/** The script both the page and a worker run to ask for an adapter. */
const ADAPTER_PROBE = `
  (async () => {
    const gpu = (self.navigator || {}).gpu;
    if (!gpu) return { ok: false, reason: 'navigator.gpu is undefined (not a secure context, or WebGPU disabled)' };
    const a = await gpu.requestAdapter();
    if (!a) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null' };
    const i = a.info || {};
    return { ok: true, info: [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ') || 'adapter' };
  })()
`;

/** Asks for a WebGPU adapter in the page and in a module worker the page starts. */
export async function probeWebGPU(page: Page): Promise<AdapterReport> {
  return page.evaluate(async (probe) => {
    const main = (await (0, eval)(probe)) as AdapterReport;
    const src = `self.onmessage = async () => { self.postMessage(await ${probe}); };`;
    const blobUrl = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const worker = new Worker(blobUrl, { type: 'module' });
    const fromWorker = await new Promise<AdapterReport['worker']>((res) => {
      const t = setTimeout(() => res({ ok: false, reason: 'the worker did not answer within 15 s' }), 15_000);
      worker.onmessage = (e) => {
        clearTimeout(t);
        res(e.data);
      };
      worker.onerror = (e) => {
        clearTimeout(t);
        res({ ok: false, reason: 'worker error: ' + e.message });
      };
      worker.postMessage('go');
    });
    worker.terminate();
    URL.revokeObjectURL(blobUrl);
    return { ...main, worker: fromWorker };
  }, ADAPTER_PROBE);
}

/** Throws with a message that says what to fix when the page has no WebGPU adapter. */
export async function assertWebGPUAdapter(page: Page): Promise<AdapterReport> {
  // The probe's worker is a blob: URL, which the app's Content-Security-Policy (worker-src 'self')
  // refuses; so it runs in a page of its own on the same origin (a plain 404, not the app), in a
  // context that bypasses CSP. The app's own page keeps its policy.
  const browser = page.context().browser();
  if (!browser) throw new Error('the page has no browser to open a probe context in');
  const context = await browser.newContext({ bypassCSP: true });
  let r: AdapterReport;
  try {
    const probe = await context.newPage();
    await probe.goto(new URL('/webgpu-probe.txt', page.url()).href);
    r = await probeWebGPU(probe);
  } finally {
    await context.close();
  }
  const hint =
    `Chromium at ${CHROMIUM_PATH} was launched with: ${CHROMIUM_ARGS.join(' ')}. ` +
    'WebGPU needs --enable-unsafe-webgpu (and SwiftShader via --use-webgpu-adapter=swiftshader ' +
    "--enable-features=Vulkan on a machine without a GPU), Debian's chromium (not Playwright's " +
    'headless shell), and a secure origin (http://127.0.0.1, not file://).';
  if (!r.ok) throw new Error(`No WebGPU adapter in the page at ${page.url()}: ${r.reason}. ${hint}`);
  if (!r.worker?.ok) throw new Error(`No WebGPU adapter inside a module Web Worker: ${r.worker?.reason}. ${hint}`);
  return r;
}

/** First integer in a text such as "1,234", "step 12 / 400"; NaN when there is none. */
export function firstInt(text: string | null | undefined): number {
  const m = /\d[\d,]*/.exec(text ?? '');
  return m ? Number(m[0].replace(/,/g, '')) : NaN;
}

/**
 * Loads axe-core into the page once. Evaluated through DevTools rather than added as an inline
 * <script>: the built app's Content-Security-Policy (script-src 'self') refuses inline scripts.
 */
export async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in window)) return;
  const require = createRequire(import.meta.url);
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
}

/**
 * axe-core's serious and critical WCAG 2.0/2.1 A and AA violations in the page, or inside `scope` (a
 * CSS selector), one line each: impact, rule, help, and the first nodes with axe's own summary.
 */
export async function seriousAxeViolations(page: Page, scope?: string): Promise<string[]> {
  await injectAxe(page);
  return page.evaluate(async (scope) => {
    type Violation = {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[]; failureSummary?: string }[];
    };
    const w = window as unknown as {
      axe: { run(ctx: Document | string, opts: object): Promise<{ violations: Violation[] }> };
    };
    const r = await w.axe.run(scope ?? document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => {
        const nodes = v.nodes
          .slice(0, 8)
          .map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`);
        return `${v.impact} ${v.id}: ${v.help}\n    ${nodes.join('\n    ')}`;
      });
  }, scope);
}
