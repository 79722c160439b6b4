import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { KARPENTER, karpenterInterruptionQueueName, PlatformContract, TaintEffect } from '../../../lib/core';
import { OperatorCatalogue } from '../../../lib/k8s';
import { contract, cpuPoolContract } from '../helpers';

const chart = () => upstreamPath('karpenter', '1.14.1', 'charts/karpenter');

describe('Karpenter release (OCI chart 1.14.1) against the chart', () => {
  const system = {
    ...cpuPoolContract('system', 6),
    labels: { 'cnai.io/pool': 'system', 'cnai.io/accelerator-family': 'cpu' },
    taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
  };
  const withKarpenter: PlatformContract = {
    ...contract([system]),
    karpenter: { namespace: KARPENTER.namespace, serviceAccount: KARPENTER.serviceAccount, nodeRoleName: 'n', interruptionQueueName: karpenterInterruptionQueueName('cnai-test') },
  };
  const r = OperatorCatalogue.karpenter({ contract: withKarpenter });

  test('every value is one the chart has (nodeSelector is a label map)', () => {
    assertValuesInChart(r.values, chart(), ['nodeSelector']);
  });

  test('what it provides comes from the chart: CRDs and templates; the controller runs as the contract\'s service account', () => {
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'crds')));
    assertProvidedTemplates(r.provides, chart());
    expect(r.provides.workloads![0].serviceAccount).toBe('karpenter');
  });
});
