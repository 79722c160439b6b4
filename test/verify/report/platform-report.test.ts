/**
 * The platform report of the reference platform: synthesized in-process, verified as a system
 * (verifyPlatform), rendered to HTML, then opened in a real headless Chromium (Debian's
 * chromium; see headless-chromium.ts). Without Chromium the browser tests fail with what to install.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findChromium, HeadlessChromium, PageEvents } from './headless-chromium';
import { buildReferenceK8s, k8sApp, referenceContract } from '../../../examples/reference-platform/main';
import { REFERENCE_SPEC } from '../../../examples/reference-platform/spec';
import { CostModel, PlatformCostReport } from '../../../lib/core/cost';
import { CnaiPlatform } from '../../../lib/k8s';
import { clusterAddressesOf, PlatformVerification, verifyPlatform } from '../../../lib/verify/platform/verify-platform';
import { architectureView } from '../../../lib/verify/report/architecture';
import { PlatformReport } from '../../../lib/verify/report/platform-report';

let work: string;
let platform: CnaiPlatform;
let verification: PlatformVerification;
let cost: PlatformCostReport;
let html: string;
let htmlFile: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-report-'));
  const contract = referenceContract();
  const app = k8sApp(path.join(work, 'dist'));
  platform = buildReferenceK8s(app, contract);
  app.synth();
  const dist = path.join(work, 'dist');
  // Named as `npm run synth` names them, relative to the repository.
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => ({ file: `dist/${f}`, content: fs.readFileSync(path.join(dist, f), 'utf8') }));
  verification = verifyPlatform(files, { model: { clusterAddresses: clusterAddressesOf(contract) } });
  expect(verification.valid).toBe(true);
  cost = CostModel.report(REFERENCE_SPEC);
  html = PlatformReport.html({ spec: REFERENCE_SPEC, verification, cost });
  htmlFile = path.join(work, 'platform-report.html');
  fs.writeFileSync(htmlFile, html);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the cost model places served models where the Kubernetes layer does', () => {
  test('pool, instance types and GPUs per replica of every model agree with LlmService\'s sizing plan', () => {
    const fromK8s = Object.entries(platform.models).map(([name, m]) => ({
      model: name, pool: m.plan.pool.poolName, instanceTypes: m.plan.fittingInstanceTypes, gpusPerReplica: m.plan.gpusPerReplica,
    }));
    expect(fromK8s.map((p) => [p.model, p.pool, p.instanceTypes.map((t) => t.name), p.gpusPerReplica])).toEqual([
      ['chat', 'inference-l40s', ['g6e.xlarge', 'g6e.2xlarge'], 1],
      ['embed', 'shared-a10g', ['g5.2xlarge'], 1],
    ]);
    expect(CostModel.report(REFERENCE_SPEC, { placements: fromK8s })).toEqual(cost);
  });
});

describe('the HTML', () => {
  test('is self-contained: no script, nothing fetched, a policy that forbids both', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    // No path of the machine that generated it.
    expect(html).not.toContain(work);
    expect(html).not.toContain(os.tmpdir());
  });

  test('is the same for the same output (no date or time in it)', () => {
    expect(PlatformReport.html({ spec: REFERENCE_SPEC, verification })).toBe(html);
  });

  test('has its sections in order, and says where and when the prices are from', () => {
    const ids = [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(PlatformReport.SECTIONS);
    expect(PlatformReport.SECTIONS).toEqual(['summary', 'architecture', 'capacity', 'cost', 'models', 'flows', 'prices']);
    expect(html).toContain('Costs: us-east-1 on-demand Linux list prices as of 2026-01-19 (AWS Price List API; the platform runs in us-west-2, where prices differ).');
  });

  test('the architecture: operators by sync wave, platform and team namespaces with their workloads, pools, a line per served model', () => {
    const view = architectureView(REFERENCE_SPEC, verification, cost);
    expect(view.operators.map((w) => [w.wave, w.boxes.map((b) => b.title)])).toEqual([
      [-20, ['cert-manager', 'kube-prometheus-stack']],
      [-10, ['kueue', 'keda', 'kserve', 'external-secrets', 'opentelemetry-operator', 'kubeflow-trainer', 'katib', 'notebook-controller', 'efa-device-plugin',
        // The model gateway (Envoy Gateway, Envoy AI Gateway, the InferencePool CRDs) and its internal NLB's controller.
        'envoy-gateway', 'envoy-ai-gateway-crds', 'envoy-ai-gateway', 'inference-extension-crds', 'aws-load-balancer-controller']],
      [-5, ['kserve-runtimes', 'kubeflow-trainer-runtimes']],
    ]);
    expect(view.operators[0].boxes[0].lines.map((l) => l.text)).toEqual(['helm v1.20.2', 'in cert-manager']);
    expect(view.platformNamespaces.map((b) => b.title)).toEqual(['nvidia-gpu (platform)', 'knowledge (vector database)', 'mlflow (data service)', 'model-gateway (platform)', 'observability (platform)']);
    expect(view.platformNamespaces[1].lines.map((l) => l.text)).toEqual(['StatefulSet knowledge', 'CronJob secret-rollout', 'CronJob knowledge-snapshot', 'Job knowledge-collections-41c37426']);
    expect(view.teamNamespaces.map((b) => [b.title, b.lines.map((l) => l.text)])).toEqual([
      ['ai-apps (team)', ['quota 4 GPUs on inference-l40s', 'quota 2 slices on shared-a10g', 'Deployment chat', '  1-3 x 1 GPU on inference-l40s', 'InferenceService embed', '  1-2 x 1 slice on shared-a10g', 'Deployment chat-epp']],
      ['ml-research (team)', ['quota 16 GPUs on training-h100', 'quota 2 slices on shared-a10g', 'quota 2 GPUs on inference-l40s']],
    ]);
    expect(view.pools.map((b) => [b.title, ...b.lines.map((l) => l.text)])).toEqual([
      ['inference-l40s', 'g6e.xlarge, g6e.2xlarge', '0-6 nodes, 6 GPUs', 'spot'],
      ['shared-a10g', 'g5.2xlarge', '0-4 nodes, 4 GPUs (16 slices)', 'on-demand'],
      ['training-h100', 'p5.48xlarge', '0-2 nodes, 16 GPUs', 'on-demand'],
    ]);
    expect(view.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(['model:ai-apps/chat -> pool:inference-l40s', 'model:ai-apps/embed -> pool:shared-a10g']);
    expect(html).toContain('data-edge="model:ai-apps/chat-&gt;pool:inference-l40s"');
  });

  test('a served model missing from the output is drawn as missing', () => {
    const without = { ...verification, model: { ...verification.model, podGroups: verification.model.podGroups.filter((g) => g.id !== 'Deployment ai-apps/chat') } };
    const lines = architectureView(REFERENCE_SPEC, without, cost).teamNamespaces[0].lines;
    expect(lines.find((l) => l.key === 'model:ai-apps/chat')).toMatchObject({ text: 'chat: not in the output', cls: 'missing' });
  });

  test('lists every needed flow with what the NetworkPolicies decide', () => {
    const rows = [...html.matchAll(/<tr class="(allowed|blocked)">(.*?)<\/tr>/g)];
    expect(rows).toHaveLength(verification.flows.results.length);
    expect(rows.every((r) => r[1] === 'allowed')).toBe(true);
    expect(html).toContain('<tr class="allowed"><td>knowledge/knowledge-snapshot</td><td>knowledge/knowledge</td><td>TCP 6333</td><td>service</td>'
      + '<td>allowed by knowledge/knowledge-jobs-egress, knowledge/knowledge-ingress</td></tr>');
    expect(html).toContain('<tr class="allowed"><td>ai-apps/chat</td><td>EKS Pod Identity agent</td><td>TCP 80</td><td>aws</td><td>allowed by ai-apps/chat-egress</td></tr>');
  });
});

/** The figures of the text summary, by the report's `data-cost` keys, parsed from the text alone. */
function figuresOfText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const section = (title: string): string[] => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith(title));
    if (start < 0) throw new Error(`no section "${title}" in the text summary`);
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => !l.startsWith('  '));
    return end < 0 ? rest : rest.slice(0, end);
  };
  for (const l of section('Pools')) {
    const total = /^ {2}all pools\s+min (.+), max (.+), floor (.+)$/.exec(l);
    if (total) {
      out.set('totals.min', total[1]).set('totals.max', total[2]).set('totals.floor', total[3]);
      continue;
    }
    const m = /^ {2}(\S+)\s+.*?: min (.+?), max (.+?)(?:; floor (.+) \(\d+ nodes? for the served models' minimum replicas\))?$/.exec(l);
    if (!m) throw new Error(`unparsed pool line: ${l}`);
    // Without a floor of its own, a pool's floor is its minimum.
    out.set(`pools.${m[1]}.min`, m[2]).set(`pools.${m[1]}.max`, m[3]).set(`pools.${m[1]}.floor`, m[4] ?? m[2]);
  }
  for (const l of section('Teams')) {
    const m = /^ {2}(\S+)\s+(.+?): (.+)$/.exec(l);
    if (!m) throw new Error(`unparsed team line: ${l}`);
    out.set(`teams.${m[1]}`, m[2]);
    for (const q of m[3].split(', ')) {
      const p = /^\d+ (?:GPUs?|slices? \([\d.]+ GPUs?\)) on (\S+) (.+)$/.exec(q);
      if (!p) throw new Error(`unparsed quota: ${q}`);
      out.set(`teams.${m[1]}.${p[1]}`, p[2]);
    }
  }
  for (const l of section('Served models')) {
    const m = /^ {2}(\S+)\s+.* per replica: (.+?) per replica, (.+?) at \d+, (.+?) at \d+ replicas?$/.exec(l);
    if (!m) throw new Error(`unparsed model line: ${l}`);
    out.set(`models.${m[1]}.replica`, m[2]).set(`models.${m[1]}.min`, m[3]).set(`models.${m[1]}.max`, m[4]);
  }
  return out;
}

describe('in a real headless browser', () => {
  let browser: HeadlessChromium;
  let events: PageEvents;
  beforeAll(async () => {
    browser = await HeadlessChromium.launch();
    events = await browser.open(`file://${htmlFile}`, { width: 1440, height: 1000 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('it renders without a script, a console message, a policy violation or a request besides the file', () => {
    expect(events).toEqual({ console: [], exceptions: [], log: [], requests: [`file://${htmlFile}`] });
  });

  test('the rendered page has the sections, the diagrams and the charts', async () => {
    const page = await browser.evaluate<{ title: string; sections: string[]; headings: string[]; svgs: string[]; scripts: number }>(`({
      title: document.title,
      sections: [...document.querySelectorAll('section')].map((s) => s.id),
      headings: [...document.querySelectorAll('h2')].map((h) => h.innerText),
      svgs: [...document.querySelectorAll('svg')].map((s) => s.id),
      scripts: document.scripts.length,
    })`);
    expect(page).toEqual({
      title: 'cnai-prod platform',
      sections: PlatformReport.SECTIONS,
      headings: ['What was verified', 'Architecture of what was synthesized', 'GPU capacity', 'Monthly cost', 'Served models', 'Network flows', 'Prices and what the figures leave out'],
      svgs: ['architecture-diagram', 'capacity-chart', 'pool-cost-chart', 'team-cost-chart', 'model-cost-chart', 'flow-matrix'],
      scripts: 0,
    });
  });

  test('every figure on the page is the text summary\'s figure', async () => {
    const expected = figuresOfText(CostModel.formatText(cost));
    expect(expected.get('pools.training-h100.max')).toBe('$80,358.40');
    expect(expected.get('teams.ai-apps')).toBe('at most $6,989.25');
    expect(expected.get('models.ai-apps/embed.replica')).toBe('$221.19');
    const shown = await browser.evaluate<Array<[string, string]>>('[...document.querySelectorAll("[data-cost]")].map((e) => [e.dataset.cost, e.textContent.trim()])');
    expect(shown.length).toBeGreaterThan(30);
    const mismatches = shown.filter(([key, value]) => expected.get(key) !== value).map(([key, value]) => `${key}: page "${value}", summary "${expected.get(key)}"`);
    expect(mismatches).toEqual([]);
    // And every figure of the summary is on the page.
    const keys = new Set(shown.map(([key]) => key));
    expect([...expected.keys()].filter((k) => !keys.has(k))).toEqual([]);
  });

  test('the capacity chart shows each pool\'s GPUs', async () => {
    const shown = await browser.evaluate<string[]>('[...document.querySelectorAll("#capacity-chart [data-gpus]")].map((e) => e.textContent)');
    expect(shown).toEqual(['6 GPUs (6 x 1)', '4 GPUs = 16 slices (4 x 1)', '16 GPUs (2 x 8)']);
  });

  test('laid out: every box\'s text inside its box, no two boxes overlap, nothing outside its drawing', async () => {
    const layout = await browser.evaluate<{ overflowing: string[]; overlapping: string[]; outside: string[]; boxes: number }>(`(() => {
      const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
      const boxes = [...document.querySelectorAll('g.box')];
      const overflowing = boxes.flatMap((g) => {
        const r = g.querySelector('rect').getBoundingClientRect();
        return [...g.querySelectorAll('text')].filter((t) => !inside(t.getBoundingClientRect(), r)).map((t) => g.dataset.box + ': ' + t.textContent);
      });
      const rects = boxes.map((g) => [g.dataset.box, g.querySelector('rect').getBoundingClientRect()]);
      const overlapping = [];
      rects.forEach(([a, ra], i) => rects.slice(i + 1).forEach(([b, rb]) => {
        if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom) overlapping.push(a + ' / ' + b);
      }));
      const outside = [...document.querySelectorAll('svg')].flatMap((s) => {
        const r = s.getBoundingClientRect();
        return [...s.querySelectorAll('text, rect, polyline')].filter((e) => !e.closest('defs') && !inside(e.getBoundingClientRect(), r)).map((e) => s.id + ': ' + (e.textContent || e.tagName));
      });
      return { overflowing, overlapping, outside, boxes: boxes.length };
    })()`);
    expect(layout).toEqual({ overflowing: [], overlapping: [], outside: [], boxes: 18 + 5 + 2 + 3 });
  });

  test('a screenshot of the whole page is a PNG of the page\'s size', async () => {
    const png = await browser.screenshot();
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(1440);
    const height = await browser.evaluate<number>('document.documentElement.scrollHeight');
    expect(png.readUInt32BE(20)).toBe(height);
    expect(height).toBeGreaterThan(3000);
    expect(png.length).toBeGreaterThan(100_000);
    if (process.env.CNAI_REPORT_SCREENSHOT) fs.writeFileSync(process.env.CNAI_REPORT_SCREENSHOT, png);
  });
});

describe('the browser check can fail', () => {
  test('it sees a script blocked by the policy, a fetch, a console error and an exception', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-report-bad-'));
    const blocked = path.join(dir, 'blocked.html');
    const throwing = path.join(dir, 'throwing.html');
    fs.writeFileSync(blocked, '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:"></head>'
      + '<body><script>console.log("ran")</script><img src="http://198.51.100.1/x.png"></body></html>');
    fs.writeFileSync(throwing, '<!DOCTYPE html><html><body><script>console.error("oops"); null.x;</script></body></html>');
    const browser = await HeadlessChromium.launch();
    try {
      const a = await browser.open(`file://${blocked}`, { width: 800, height: 600 });
      expect(a.console).toEqual([]);
      expect(a.log).toEqual([
        expect.stringMatching(/^error security: Executing inline script violates the following Content Security Policy directive 'default-src 'none''/),
        expect.stringMatching(/^error security: Loading the image 'http:\/\/198\.51\.100\.1\/x\.png' violates the following Content Security Policy directive/),
      ]);
      expect(a.requests).toEqual([`file://${blocked}`, 'http://198.51.100.1/x.png']);
      const b = await browser.open(`file://${throwing}`, { width: 800, height: 600 });
      expect(b.console).toEqual(['error: oops']);
      expect(b.exceptions).toEqual([expect.stringMatching(/^TypeError: Cannot read properties of null \(reading 'x'\)/)]);
    } finally {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without Chromium the browser tests fail and say what to install (never a silent skip)', () => {
    const saved = { CHROMIUM: process.env.CHROMIUM, PATH: process.env.PATH };
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-no-chromium-'));
    try {
      process.env.CHROMIUM = path.join(empty, 'chromium');
      expect(() => findChromium()).toThrow(`no Chromium found ($CHROMIUM=${path.join(empty, 'chromium')} does not run): `
        + 'the platform report is checked in a real headless browser. Install Debian\'s chromium (`apt-get install -y chromium`), '
        + 'or point $CHROMIUM at a Chromium or Chrome executable.');
      delete process.env.CHROMIUM;
      process.env.PATH = empty;
      expect(() => findChromium()).toThrow('no Chromium found (tried chromium, chromium-browser, google-chrome, google-chrome-stable on PATH): '
        + 'the platform report is checked in a real headless browser. Install Debian\'s chromium (`apt-get install -y chromium`), '
        + 'or point $CHROMIUM at a Chromium or Chrome executable.');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
