import * as fs from 'fs';
import * as YAML from 'yaml';
import { assertProvidedByRender, find, imagesOf, renderKustomize, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue, PodSecurityLevel } from '../../../lib/k8s';

const release = OperatorCatalogue.feastOperator();
const ROOT = 'infra/feast-operator';

describe('Feast operator release (infra/feast-operator/config/default @ v0.66.0)', () => {
  test('the pinned source, phase, namespace and server-side apply', () => {
    expect(release.name).toBe('feast-operator');
    expect(release.namespace).toBe('feast-operator-system');
    expect(release.source.repoUrl).toBe('https://github.com/feast-dev/feast');
    expect(release.source.path).toBe('infra/feast-operator/config/default');
    expect(release.source.version).toBe('v0.66.0');
    expect(release.source.kustomize!.images).toEqual(['quay.io/feastdev/feast-operator:0.66.0']);
    expect(release.phase).toBe(InstallPhase.OPERATORS);
    expect(release.serverSideApply).toBe(true);
    expect(release.podSecurity).toBe(PodSecurityLevel.BASELINE);
  });

  test('without the platform\'s patch, the render is upstream\'s install manifest, object for object', () => {
    const render = renderKustomize(release, 'feast-operator', { withoutPatches: true });
    const install = YAML.parseAllDocuments(fs.readFileSync(upstreamPath('feast-operator', 'v0.66.0', ROOT, 'dist', 'install.yaml'), 'utf8'))
      .map((d) => d.toJS()).filter((o) => o);
    const key = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(render.map(key).sort()).toEqual(install.map(key).sort());
    expect(render.length).toBe(14);
    for (const o of install) expect(find(render, o.kind, o.metadata.name)).toEqual(o);
  });

  test('rendered as Argo CD builds it: no Namespace (the platform declares it), the pinned manager image, the declared CRD, pods and Service', () => {
    const render = renderKustomize(release, 'feast-operator');
    expect(render.filter((o) => o.kind === 'Namespace')).toEqual([]);
    const deploy = find(render, 'Deployment', 'feast-operator-controller-manager');
    expect(imagesOf(deploy)).toEqual(['quay.io/feastdev/feast-operator:0.66.0']);
    // The feature server and CronJob images the operator starts, as the platform pins them.
    expect(deploy.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'RELATED_IMAGE_FEATURE_SERVER', value: 'quay.io/feastdev/feature-server:0.66.0' },
      { name: 'RELATED_IMAGE_CRON_JOB', value: 'quay.io/openshift/origin-cli:4.17' },
    ]));
    expect(find(render, 'CustomResourceDefinition', 'featurestores.feast.dev')).toBeDefined();
    assertProvidedByRender(release.provides, render, 'feast-operator-system');
  });
});
