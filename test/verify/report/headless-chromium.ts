/**
 * A small driver of a real headless Chromium for the report's browser test: it starts
 * Chromium with `--remote-debugging-pipe` and speaks the DevTools protocol over the pipe
 * (file descriptors 3 and 4, JSON messages ended by a NUL byte), as Playwright does. It opens
 * a page, records console messages, uncaught exceptions, log entries (CSP violations) and every
 * network request, evaluates expressions in the rendered page and takes screenshots.
 *
 * Chromium comes from the system: $CHROMIUM, else `chromium` (Debian: `apt-get install -y
 * chromium`), `chromium-browser` or `google-chrome` on PATH. Without one, {@link findChromium}
 * throws an error that says what to install: the test fails, it is never skipped.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable, Writable } from 'stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Chromium executable, or an error saying what to install. */
export function findChromium(): string {
  const given = process.env.CHROMIUM;
  const names = given ? [given] : CANDIDATES;
  for (const name of names) {
    // The environment as this module sees it (under jest, the test's own process.env).
    const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 30_000, env: process.env });
    if (r.status === 0 && /chrom/i.test(r.stdout)) return name;
  }
  throw new Error(`no Chromium found (${given ? `$CHROMIUM=${given} does not run` : `tried ${CANDIDATES.join(', ')} on PATH`}): `
    + 'the platform report is checked in a real headless browser. Install Debian\'s chromium (`apt-get install -y chromium`), '
    + 'or point $CHROMIUM at a Chromium or Chrome executable.');
}

/** What the page said while it loaded. */
export interface PageEvents {
  /** Console messages: `type: text`. */
  readonly console: string[];
  /** Uncaught exceptions. */
  readonly exceptions: string[];
  /** Log entries (CSP violations, failed loads...): `level source: text`. */
  readonly log: string[];
  /** URLs the page requested (the document itself included). */
  readonly requests: string[];
}

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: any;
  readonly result?: any;
  readonly error?: { message: string };
  readonly sessionId?: string;
}

/** A headless Chromium with one page. */
export class HeadlessChromium {
  /** Starts Chromium (see {@link findChromium}). */
  public static async launch(): Promise<HeadlessChromium> {
    const executable = findChromium();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-chromium-'));
    const child = spawn(executable, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--mute-audio',
      '--hide-scrollbars', `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const browser = new HeadlessChromium(child, profile);
    const target = await browser.send('Target.createTarget', { url: 'about:blank' });
    const attached = await browser.send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
    browser.session = attached.sessionId;
    for (const domain of ['Runtime', 'Log', 'Page', 'Network']) await browser.send(`${domain}.enable`, {}, true);
    return browser;
  }

  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  private readonly listeners: Array<(m: Message) => void> = [];
  private readonly stderr: string[] = [];
  private nextId = 0;
  private session?: string;
  private buffer = '';
  private exited = false;

  private constructor(private readonly child: ChildProcess, private readonly profile: string) {
    const out = child.stdio[4] as Readable;
    out.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message: Message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    (child.stdio[2] as Readable).on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const [, p] of this.pending) p.reject(new Error(`Chromium exited (${code ?? signal}) during ${p.method}: ${this.stderr.join('').slice(-2000)}`));
      this.pending.clear();
    });
  }

  /**
   * Opens `url` and waits for its load event and a rendered frame; returns what the page
   * reported while loading.
   */
  public async open(url: string, viewport: { width: number; height: number }): Promise<PageEvents> {
    const events: PageEvents = { console: [], exceptions: [], log: [], requests: [] };
    const loaded = new Promise<void>((resolve) => {
      this.listeners.push((m) => {
        if (m.sessionId !== this.session) return;
        const p = m.params;
        switch (m.method) {
          case 'Runtime.consoleAPICalled':
            events.console.push(`${p.type}: ${(p.args ?? []).map((a: any) => a.value ?? a.description ?? '').join(' ')}`);
            break;
          case 'Runtime.exceptionThrown':
            events.exceptions.push(p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text ?? 'exception');
            break;
          case 'Log.entryAdded':
            events.log.push(`${p.entry.level} ${p.entry.source}: ${p.entry.text}`);
            break;
          case 'Network.requestWillBeSent':
            events.requests.push(p.request.url);
            break;
          case 'Page.loadEventFired':
            resolve();
            break;
          default:
        }
      });
    });
    await this.send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false }, true);
    const nav = await this.send('Page.navigate', { url }, true);
    if (nav.errorText) throw new Error(`Chromium could not open ${url}: ${nav.errorText}`);
    await withTimeout(loaded, 30_000, `the load event of ${url}`);
    // One animation frame after load: layout and paint have run.
    await this.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
    return events;
  }

  /** Evaluates an expression in the page (promises awaited) and returns its value as JSON. */
  public async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, true);
    if (r.exceptionDetails) throw new Error(`evaluation failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG screenshot of the whole page (or of `clip`). */
  public async screenshot(clip?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
    const r = await this.send('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true, ...(clip ? { clip: { ...clip, scale: 1 } } : {}),
    }, true);
    return Buffer.from(r.data, 'base64');
  }

  /** Closes Chromium and removes its profile. */
  public async close(): Promise<void> {
    if (!this.exited) {
      const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        await withTimeout(this.send('Browser.close'), 10_000, 'Browser.close');
      } catch {
        this.child.kill('SIGKILL');
      }
      await withTimeout(exit, 10_000, 'Chromium to exit').catch(() => this.child.kill('SIGKILL'));
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }

  private send(method: string, params: object = {}, inPage: boolean = false): Promise<any> {
    if (this.exited) return Promise.reject(new Error(`Chromium has exited: ${this.stderr.join('').slice(-2000)}`));
    const id = ++this.nextId;
    const message: Message & { params: object } = { id, method, params, ...(inPage ? { sessionId: this.session } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
      else p.resolve(m.result);
      return;
    }
    for (const l of this.listeners) l(m);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
