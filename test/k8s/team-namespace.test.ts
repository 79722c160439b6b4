import { Testing } from 'cdk8s';
import { chart, gpuPoolContract, ofKind, one } from './helpers';
import { GpuInstanceType } from '../../lib/core';
import {
  FlowProtocol, KueueQueues, NodePoolReference, PodSecurityLevel, TeamNamespace, WorkloadSelector,
} from '../../lib/k8s';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

function policies(objects: any[], ns: string): any[] {
  return ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === ns);
}

describe('TeamNamespace', () => {
  test('restricted Pod Security, quota, limits, default deny with DNS, RBAC and LocalQueue', () => {
    const { chart: ch } = chart();
    const q = new KueueQueues(ch, 'q', { pools: [a10g] });
    const cq = q.addTeam('team-a', [{ pool: a10g, gpus: 2, cpu: 16, memoryGiB: 64 }]);
    const team = new TeamNamespace(ch, 'team-a', { clusterQueue: cq, developerGroups: ['a-devs'], viewerGroups: ['auditors'] });
    const objects = Testing.synth(ch);

    const ns = one(objects, 'Namespace', 'team-a');
    expect(ns.metadata.labels).toMatchObject({
      'cnai.io/team': 'team-a',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.36',
    });
    expect(ns.metadata.annotations['cnai.io/pod-security-reason']).toBeUndefined();
    expect(team.podSecurity).toBe(PodSecurityLevel.RESTRICTED);

    // The namespace ceiling is what the queue can ever admit: nominal plus borrowing limits.
    const quota = one(objects, 'ResourceQuota', 'team-quota');
    const cqSpec = one(objects, 'ClusterQueue', 'team-a').spec.resourceGroups[0].flavors[0].resources;
    const res = (n: string) => cqSpec.find((r: any) => r.name === n);
    expect(Number(quota.spec.hard['requests.nvidia.com/gpu'])).toBe(res('nvidia.com/gpu').nominalQuota + res('nvidia.com/gpu').borrowingLimit);
    expect(quota.spec.hard['requests.cpu']).toBe(String(Number(res('cpu').nominalQuota) + Number(res('cpu').borrowingLimit)));
    expect(quota.spec.hard['requests.memory']).toBe('128Gi');

    expect(one(objects, 'LimitRange', 'container-defaults').spec.limits[0]).toEqual({
      type: 'Container', defaultRequest: { cpu: '250m', memory: '512Mi' }, default: { memory: '2Gi' },
    });

    const deny = one(objects, 'NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = one(objects, 'NetworkPolicy', 'allow-dns');
    expect(dns.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(dns.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);

    const devs = one(objects, 'RoleBinding', 'team-developers');
    expect(devs.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ml-developer' });
    expect(devs.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'a-devs' }]);
    expect(one(objects, 'RoleBinding', 'team-viewers').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });

    const lq = one(objects, 'LocalQueue', 'team-a');
    expect(lq.metadata.namespace).toBe('team-a');
    expect(lq.spec).toEqual({ clusterQueue: 'team-a' });
    expect(team.localQueueName).toBe('team-a');
  });

  test('the developer Role: workloads through the platform\'s kinds, service accounts read-only (the training identity boundary)', () => {
    const { chart: ch } = chart();
    new TeamNamespace(ch, 'team-a', { developerGroups: ['a-devs'] });
    const role = one(Testing.synth(ch), 'Role', 'ml-developer');
    const rw = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const ro = ['get', 'list', 'watch'];
    expect(role.metadata.namespace).toBe('team-a');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: rw },
      { apiGroups: [''], resources: ['pods/log', 'events', 'serviceaccounts'], verbs: ro },
      { apiGroups: [''], resources: ['pods/portforward', 'pods/exec'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: rw },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: rw },
      { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: rw },
      { apiGroups: ['kubeflow.org'], resources: ['experiments', 'notebooks'], verbs: rw },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: rw },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: rw },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads', 'localqueues'], verbs: ro },
    ]);
    // No verb that makes or changes a service account, nor its tokens (the Pod Identity association is by name).
    const saRules = role.rules.filter((r: any) => r.resources.some((x: string) => x.startsWith('serviceaccounts')));
    expect(saRules.flatMap((r: any) => r.verbs).filter((v: string) => !ro.includes(v))).toEqual([]);
    expect(role.rules.flatMap((r: any) => r.resources)).not.toContain('serviceaccounts/token');
  });

  test('a weaker Pod Security level records its reason', () => {
    const { chart: ch } = chart();
    new TeamNamespace(ch, 'team-b', { podSecurity: PodSecurityLevel.BASELINE, podSecurityReason: 'legacy notebook images run as root' });
    const ns = one(Testing.synth(ch), 'Namespace', 'team-b');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(ns.metadata.annotations['cnai.io/pod-security-reason']).toBe('legacy notebook images run as root');
  });

  test('flows between team namespaces are allowed as objects, both directions opened', () => {
    const { chart: ch } = chart();
    const vision = new TeamNamespace(ch, 'vision');
    const language = new TeamNamespace(ch, 'language');
    vision.allowFrom(language.workloads({ app: 'rag' }), 8080, vision.workloads({ app: 'embeddings' }));
    language.allowTo(vision.workloads({ app: 'reranker' }), 9000, language.workloads({ app: 'rag' }), { protocol: FlowProtocol.TCP });
    const objects = Testing.synth(ch);

    const ingress = policies(objects, 'vision').filter((p) => p.metadata.name.startsWith('allow-from-'));
    expect(ingress.map((p) => p.spec)).toEqual([
      {
        podSelector: { matchLabels: { app: 'embeddings' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'language' } }, podSelector: { matchLabels: { app: 'rag' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      },
      {
        podSelector: { matchLabels: { app: 'reranker' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'language' } }, podSelector: { matchLabels: { app: 'rag' } } }], ports: [{ protocol: 'TCP', port: 9000 }] }],
      },
    ]);
    const egress = policies(objects, 'language').filter((p) => p.metadata.name.startsWith('allow-to-'));
    expect(egress.map((p) => [p.spec.podSelector, p.spec.egress[0].to[0].podSelector, p.spec.egress[0].ports[0].port])).toEqual([
      [{ matchLabels: { app: 'rag' } }, { matchLabels: { app: 'embeddings' } }, 8080],
      [{ matchLabels: { app: 'rag' } }, { matchLabels: { app: 'reranker' } }, 9000],
    ]);
  });

  test('a flow to a namespace declared elsewhere in the app (e.g. an operator namespace)', () => {
    const { chart: ch } = chart();
    const team = new TeamNamespace(ch, 'team-a');
    new TeamNamespace(ch, 'monitoring', { allowWithinNamespace: false });
    team.allowFrom(WorkloadSelector.inNamespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' }), 9090);
    expect(() => Testing.synth(ch)).not.toThrow();
  });

  test('every team namespace gets default deny for ingress and egress', () => {
    const { chart: ch } = chart();
    for (const name of ['a', 'b', 'c']) new TeamNamespace(ch, name, { allowWithinNamespace: name !== 'c' });
    const objects = Testing.synth(ch);
    for (const name of ['a', 'b', 'c']) {
      const deny = policies(objects, name).find((p) => p.metadata.name === 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    expect(policies(objects, 'c').map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns']);
  });

  describe('errors', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['a namespace name that is not DNS-1123', () => new TeamNamespace(chart().chart, 'Team_Vision'),
        /test\/Team_Vision: invalid name = "Team_Vision": not a valid DNS-1123 label .* Fix: name the namespace with lowercase letters/],
      ['a weaker Pod Security level without a reason', () => new TeamNamespace(chart().chart, 't', { podSecurity: PodSecurityLevel.PRIVILEGED }),
        /invalid podSecurity = "privileged": a Pod Security level weaker than restricted needs a stated reason/],
      ['a flow from a namespace that does not exist', () => {
        const { chart: ch } = chart();
        new TeamNamespace(ch, 't').allowFrom(WorkloadSelector.inNamespace('ghost', { app: 'x' }), 80);
        return Testing.synth(ch);
      }, /test\/t: invalid peer.namespace = "ghost": a flow names a namespace that no Namespace object of the app declares/],
      ['a target in another namespace', () => {
        const { chart: ch } = chart();
        const a = new TeamNamespace(ch, 'a');
        const b = new TeamNamespace(ch, 'b');
        return a.allowFrom(b.workloads(), 80, b.workloads({ app: 'x' }));
      }, /test\/a: invalid target = "b": the workload is in namespace b, not in a/],
      ['a port out of range', () => {
        const { chart: ch } = chart();
        const a = new TeamNamespace(ch, 'a');
        return a.allowFrom(a.workloads(), 70000);
      }, /invalid port = 70000: not a TCP\/UDP port/],
      ['a queue of another team', () => {
        const { chart: ch } = chart();
        const cq = new KueueQueues(ch, 'q', { pools: [a10g] }).addTeam('other', [{ pool: a10g, gpus: 1 }]);
        return new TeamNamespace(ch, 'mine', { clusterQueue: cq });
      }, /invalid clusterQueue = "other": the ClusterQueue belongs to team other, not mine/],
      ['a malformed group name', () => new TeamNamespace(chart().chart, 't', { developerGroups: [' devs'] }), /invalid developerGroups\[0\] = " devs": not a group name/],
      ['a pod label value that is not valid', () => WorkloadSelector.inNamespace('a', { app: 'not valid!' }), /invalid podLabels.app = "not valid!": not a valid label value/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });
});
