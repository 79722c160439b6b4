// examples/delivery through its CLIs, verified (see harness.ts), and the flows its delivery needs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleTests } from './harness';
import { buildDeliveryApp } from '../../examples/delivery/main';
import { endpointName } from '../../lib/verify/platform/network-policy';
import { verifyPlatform } from '../../lib/verify/platform/verify-platform';

exampleTests('delivery');

describe('examples/delivery: the flows of the delivery, derived and allowed', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-delivery-flows-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('the gates reach Prometheus from the Rollouts controller; the evaluation Job reaches S3; the promotion Job reaches MLflow', () => {
    buildDeliveryApp(out).synth();
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: path.join(out, f) }));
    const result = verifyPlatform(files);
    const flows = result.flows.results.map((r) => ({ from: endpointName(r.flow.from), flow: `${r.flow.kind} ${endpointName(r.flow.to)} ${r.flow.protocol} ${r.flow.port}`, allowed: r.decision.allowed }));
    const of = (from: string) => flows.filter((f) => f.from === from).map((f) => `${f.flow}${f.allowed ? '' : ' BLOCKED'}`).sort();
    // The controller: the API server (its ClusterRole) and the Prometheus the gates query; nothing else.
    expect(of('argo-rollouts/argo-rollouts')).toEqual([
      'api-server kube-apiserver TCP 443', 'dns kube-system/coredns TCP 53', 'dns kube-system/coredns UDP 53',
      'service monitoring/kube-prometheus-stack-prometheus TCP 9090',
    ]);
    // The evaluation Job: S3 (the candidate, the dataset) through its Pod Identity; no Service of the cluster.
    expect(of('team-chat/chat-evaluation (job metric evaluation)')).toEqual([
      'aws AWS services TCP 443', 'aws EKS Pod Identity agent TCP 80', 'dns kube-system/coredns TCP 53', 'dns kube-system/coredns UDP 53',
    ]);
    // The promotion Job: MLflow alone.
    expect(of('team-chat/chat-promotion (job metric promotion)')).toEqual([
      'dns kube-system/coredns TCP 53', 'dns kube-system/coredns UDP 53', 'service mlflow/mlflow TCP 5000',
    ]);
    expect(result.valid).toBe(true);
  }, 400_000);
});
