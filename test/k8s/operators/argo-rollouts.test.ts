import { assertProvidedByRender, find, imagesOf, renderKustomize } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';
import { PodSecurityLevel } from '../../../lib/k8s/pod-security';

const rollouts = OperatorCatalogue.argoRollouts();

describe('Argo Rollouts release (manifests/cluster-install @ v1.9.1)', () => {
  const before = renderKustomize(rollouts, 'argo-rollouts', { withoutImages: true });
  const after = renderKustomize(rollouts, 'argo-rollouts');

  test('source, namespace, wave and image pin, literally', () => {
    expect(rollouts.source.repoUrl).toBe('https://github.com/argoproj/argo-rollouts');
    expect(rollouts.source.path).toBe('manifests/cluster-install');
    expect(rollouts.source.version).toBe('v1.9.1');
    expect(rollouts.namespace).toBe('argo-rollouts');
    expect(rollouts.phase).toBe(InstallPhase.OPERATORS);
    expect(rollouts.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    expect(rollouts.source.kustomize!.images).toEqual(['quay.io/argoproj/argo-rollouts:v1.9.1']);
  });

  test('upstream names the controller image :latest; the release pins it', () => {
    expect(imagesOf(before)).toEqual(['quay.io/argoproj/argo-rollouts:latest']);
    expect(imagesOf(after)).toEqual(['quay.io/argoproj/argo-rollouts:v1.9.1']);
  });

  test('no Namespace of its own; every namespaced object in argo-rollouts; the binding names that service account', () => {
    expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
    const namespaced = after.filter((o) => !['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['argo-rollouts']));
    expect(find(after, 'ClusterRoleBinding', 'argo-rollouts').subjects).toEqual([{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: 'argo-rollouts' }]);
  });

  test('the controller runs restricted-compliant', () => {
    const pod = find(after, 'Deployment', 'argo-rollouts').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('its ClusterRole is as broad as documented: Secrets cluster-wide, Jobs create/delete (the job metric provider)', () => {
    const rules = find(after, 'ClusterRole', 'argo-rollouts').rules;
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] });
    expect(rules).toContainEqual({ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] });
  });

  test('what it provides matches the render', () => {
    assertProvidedByRender(rollouts.provides, after, 'argo-rollouts');
    expect(rollouts.provides.customResources).toEqual([
      { group: 'argoproj.io', kinds: ['AnalysisRun', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'Experiment', 'Rollout'] },
    ]);
  });
});
