import * as fs from 'fs';
import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { LOAD_BALANCER_CONTROLLER, PlatformContract } from '../../../lib/core';
import { OperatorCatalogue } from '../../../lib/k8s';
import { contract, cpuPoolContract } from '../helpers';

const chart = () => upstreamPath('aws-load-balancer-controller', 'v3.5.0', 'helm', 'aws-load-balancer-controller');

describe('OperatorCatalogue.awsLoadBalancerController (v3.5.0)', () => {
  const withController: PlatformContract = {
    ...contract([cpuPoolContract('system', 6)]),
    loadBalancerController: { namespace: LOAD_BALANCER_CONTROLLER.namespace, serviceAccount: LOAD_BALANCER_CONTROLLER.serviceAccount, vpcId: 'vpc-0123456789abcdef0' },
  };
  const r = OperatorCatalogue.awsLoadBalancerController({ contract: withController });

  test('every value is one the chart has', () => {
    // The security contexts are rendered whole (toYaml), so any field of a SecurityContext is allowed.
    assertValuesInChart(r.values, chart(), ['podSecurityContext', 'securityContext']);
  });

  test('cluster, region and VPC from the contract; the contract\'s service account; cert-manager; no IngressClass, mutator webhook, Shield or WAF', () => {
    expect(r.namespace).toBe('aws-load-balancer-controller');
    expect(r.values).toMatchObject({
      clusterName: 'cnai-test',
      region: 'us-west-2',
      vpcId: 'vpc-0123456789abcdef0',
      serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
      image: { repository: 'public.ecr.aws/eks/aws-load-balancer-controller', tag: 'v3.5.0' },
      enableCertManager: true,
      createIngressClassResource: false,
      enableServiceMutatorWebhook: false,
      enableShield: false,
      enableWaf: false,
      enableWafv2: false,
    });
    expect(r.values.securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true });
  });

  test('what it provides comes from the chart: CRDs and templates', () => {
    // crds/ holds several CRDs per file: read every `kind:` under `names:` with its group.
    const kinds: string[] = [];
    for (const f of ['crds.yaml', 'gateway-crds.yaml']) {
      const text = fs.readFileSync(path.join(chart(), 'crds', f), 'utf8');
      for (const m of text.matchAll(/\n {2}group: (\S+)\n {2}names:\n(?: {4}\S.*\n)*? {4}kind: (\S+)/g)) kinds.push(`${m[2]}.${m[1]}`);
    }
    expect(declaredKinds(r.provides)).toEqual(kinds.sort());
    expect(crdKindsIn(path.join(chart(), 'crds')).every((k) => kinds.includes(k))).toBe(true);
    assertProvidedTemplates(r.provides, chart());
  });

  test('a contract without the controller\'s identity', () => {
    expect(() => OperatorCatalogue.awsLoadBalancerController({ contract: contract([cpuPoolContract('system', 6)]) }))
      .toThrow('OperatorCatalogue.awsLoadBalancerController: invalid contract.loadBalancerController = undefined: the AWS layer did not prepare the AWS Load Balancer Controller');
  });

  test('kube-system, or no replica', () => {
    expect(() => OperatorCatalogue.awsLoadBalancerController({ contract: { ...withController, loadBalancerController: { ...withController.loadBalancerController!, namespace: 'kube-system' } } }))
      .toThrow('invalid contract.loadBalancerController.namespace = "kube-system"');
    expect(() => OperatorCatalogue.awsLoadBalancerController({ contract: withController, replicas: 0 })).toThrow('invalid replicas = 0: not a positive whole number');
  });
});
