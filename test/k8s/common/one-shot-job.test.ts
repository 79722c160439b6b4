import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { contentHash, oneShotJob } from '../../../lib/k8s/common/one-shot-job';
import { assertValidManifests } from '../../../lib/verify/k8s';

describe('oneShotJob', () => {
  test('a restricted Job without a service account token, retried on failure, in the workloads wave', () => {
    const chart = Testing.chart();
    oneShotJob(chart, 'Job', {
      name: `init-${contentHash('SELECT 1')}`,
      namespace: 'data',
      labels: { app: 'init' },
      uid: 1000,
      container: { name: 'run', image: 'public.ecr.aws/docker/library/busybox:1.37.0', command: ['true'] },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } }],
    });
    const objects = Testing.synth(chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    const restricted = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
    expect(objects).toEqual([{
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'init-e004ebd5', namespace: 'data', labels: { app: 'init' }, annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: { app: 'init' } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: { ...restricted, fsGroup: 1000 },
            containers: [{
              name: 'run',
              image: 'public.ecr.aws/docker/library/busybox:1.37.0',
              command: ['true'],
              securityContext: {
                ...restricted, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
              },
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Mi' } }],
          },
        },
      },
    }]);
  });

  test('the name suffix is the first 8 hex digits of the content\'s SHA-256', () => {
    expect(contentHash('SELECT 1')).toBe('e004ebd5');
    expect(contentHash('SELECT 2')).not.toBe(contentHash('SELECT 1'));
  });
});
