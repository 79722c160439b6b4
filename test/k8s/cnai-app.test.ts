import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { buildReferenceK8s, referenceContract } from '../../examples/reference-platform/k8s-layer';
import { CnaiApp } from '../../lib/k8s';
import { ArgoCdBootstrap } from '../../lib/k8s/operators/argo-cd-bootstrap';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-app-'));

/** Every file under `dir`, by relative path, with its content. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Nested charts, a dependency across charts, objects depending on each other, values that need quotes and blocks. */
function smallApp(app: App): App {
  const cm = (scope: Construct, id: string, data: Record<string, string>) =>
    new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() }, data } as any);
  const base = new Chart(app, 'base');
  const a = cm(base, 'A', { port: '8080', script: 'set -e\necho ok\n' });
  const b = cm(base, 'B', { flag: 'yes' });
  a.node.addDependency(b);
  const serving = new Chart(app, 'serving');
  cm(serving, 'C', { 'app.kubernetes.io/name': 'c' });
  new Chart(serving, 'nested');
  serving.addDependency(base);
  return app;
}

function synthBoth(props: AppProps, build: (app: App) => unknown) {
  const theirs = tmp();
  const ours = tmp();
  const app = new App({ ...props, outdir: theirs });
  build(app);
  app.synth();
  ArgoCdBootstrap.synthAll(app);
  const cnai = new CnaiApp({ ...props, outdir: ours });
  build(cnai);
  cnai.synth();
  return { theirs: files(theirs), ours: files(ours) };
}

describe('CnaiApp', () => {
  test('writes the reference platform byte for byte as cdk8s\'s App, bootstrap included', () => {
    const contract = referenceContract();
    const { theirs, ours } = synthBoth({ yamlOutputType: YamlOutputType.FILE_PER_CHART }, (app) => buildReferenceK8s(app, contract));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(['0000-cnai-platform-operators.k8s.yaml', path.join('bootstrap', 'kustomization.yaml')]));
    for (const f of Object.keys(theirs)) expect([f, ours[f]]).toEqual([f, theirs[f]]);
  });

  test.each([
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP, ['app.k8s.yaml']],
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART, ['0000-base.k8s.yaml', '0001-serving-nested-c87b3e1a.k8s.yaml', '0002-serving.k8s.yaml']],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE, ['ConfigMap.a.k8s.yaml', 'ConfigMap.b.k8s.yaml', 'ConfigMap.c.k8s.yaml']],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
      ['0000-base/ConfigMap.a.k8s.yaml', '0000-base/ConfigMap.b.k8s.yaml', '0002-serving/ConfigMap.c.k8s.yaml']],
  ])('writes %s as cdk8s does, with construct metadata', (_name, yamlOutputType, expected) => {
    const { theirs, ours } = synthBoth({ yamlOutputType, recordConstructMetadata: true }, smallApp);
    expect(Object.keys(ours).filter((f) => f.endsWith('.yaml')).sort()).toEqual(expected.map((f) => f.split('/').join(path.sep)));
    expect(ours).toEqual(theirs);
    expect(JSON.parse(ours['construct-metadata.json']).resources).toEqual({ a: { path: 'base/A' }, b: { path: 'base/B' }, c: { path: 'serving/C' } });
  });

  test('names files without an index when no chart depends on another', () => {
    const { theirs, ours } = synthBoth({}, (app) => new ApiObject(new Chart(app, 'only'), 'X', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
    expect(ours).toEqual({ 'only.k8s.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n' });
    expect(ours).toEqual(theirs);
  });

  test('synthYaml returns what cdk8s returns', () => {
    const theirs = smallApp(new App()).synthYaml();
    expect(smallApp(new CnaiApp()).synthYaml()).toBe(theirs);
    expect(theirs).toContain('  script: |\n    set -e\n    echo ok\n');
  });

  test('fails validation with the message of cdk8s', () => {
    const failing = (app: App) => new Chart(app, 'bad').node.addValidation({ validate: () => ['the reason'] });
    const theirs = new App({ outdir: tmp() });
    failing(theirs);
    expect(() => theirs.synth()).toThrow('Validation failed with the following errors:\n  [bad] the reason');
    const ours = new CnaiApp({ outdir: tmp() });
    failing(ours);
    expect(() => ours.synth()).toThrow('Validation failed with the following errors:\n  [bad] the reason');
  });
});
