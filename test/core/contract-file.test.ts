import { GpuInstanceType } from '../../lib/core/accelerators';
import { PlatformContract } from '../../lib/core/contract';
import { PlatformContractFile } from '../../lib/core/contract-file';
import { PlatformSpec } from '../../lib/core/platform-spec';

const CONTRACT: PlatformContract = {
  platformName: 'cnai',
  environment: 'dev',
  region: 'us-west-2',
  accountId: '123456789012',
  clusterName: 'cnai-dev',
  kubernetesVersion: '1.36',
  vpcCidr: '10.0.0.0/16',
  buckets: { models: 'cnai-dev-models', datasets: 'cnai-dev-datasets' },
  nodePools: [{
    name: 'l40s',
    provisioner: 'managed-node-group' as any,
    instanceTypes: ['g6e.xlarge'],
    labels: { 'cnai.io/pool': 'l40s' },
    taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' as any }],
    gpusPerNode: 1,
    gpuMemoryGiB: 48,
    efa: false,
    maxNodes: 4,
  }],
  workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'chat', roleName: 'cnai-dev-serve-chat' }],
};

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'dev',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 }],
  teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 2 }] }],
};

describe('PlatformContractFile', () => {
  test('the output of `terraform output -json platform_contract` is the contract', () => {
    expect(PlatformContractFile.parse(JSON.stringify(CONTRACT), 'platform-contract.json')).toEqual(CONTRACT);
  });

  test('every output of `terraform output -json` is accepted too: the contract is platform_contract.value', () => {
    const all = { cluster_name: { sensitive: false, type: 'string', value: 'cnai-dev' }, platform_contract: { sensitive: false, type: ['object', {}], value: CONTRACT } };
    expect(PlatformContractFile.parse(JSON.stringify(all))).toEqual(CONTRACT);
  });

  test('Terraform outputs without platform_contract: says which output to export', () => {
    expect(() => PlatformContractFile.parse(JSON.stringify({ cluster_name: { sensitive: false, type: 'string', value: 'x' } }), 'contract.json'))
      .toThrow('contract.json: invalid platform_contract = "cluster_name": the file holds Terraform outputs but no platform_contract output. '
        + 'Fix: export it from the stack of CnaiAwsStack (terraform output -json platform_contract > platform-contract.json).');
  });

  test('malformed JSON names the file and the parser\'s reason, not a bare SyntaxError', () => {
    expect(() => PlatformContractFile.parse('{"platformName": "cnai",', 'examples/x/platform-contract.json'))
      .toThrow(/^examples\/x\/platform-contract\.json: invalid \(JSON\) = .*: is not valid JSON \(Expected double-quoted property name in JSON at position 24\)\. Fix: re-export the file from the applied AWS layer/);
  });

  test('a hand-edited file: every wrong field named with its path, in one error', () => {
    const edited = { ...CONTRACT, clusterName: '', nodePools: [{ ...CONTRACT.nodePools[0], gpusPerNode: '1', taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedul' }] }] };
    delete (edited as any).workloadIdentities;
    let message = '';
    try {
      PlatformContractFile.parse(JSON.stringify(edited), 'platform-contract.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('platform-contract.json: invalid clusterName = "": is not a non-empty string');
    expect(message).toContain('invalid nodePools[0].gpusPerNode = "1": is not a number');
    expect(message).toContain('invalid nodePools[0].taints[0].effect = "NoSchedul": is not one of NoSchedule, PreferNoSchedule, NoExecute');
    expect(message).toContain('invalid workloadIdentities = undefined: is not a list of workload identities');
  });

  test('a contract that does not match the spec (the spec changed after apply): apply and re-export', () => {
    const spec = { ...SPEC, gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G6E_2XLARGE], maxNodes: 4 }] };
    expect(() => PlatformContractFile.checkMatchesSpec(spec, CONTRACT, 'cnai', 'platform-contract.json'))
      .toThrow('cnai: invalid spec.gpuPools[0].instanceTypes = ["g6e.2xlarge"]: the contract\'s pool has g6e.xlarge. '
        + 'Fix: platform-contract.json does not come from this spec: if the spec changed since the AWS layer was applied, apply it again (terraform apply) '
        + 'and re-export the contract (terraform output -json platform_contract > platform-contract.json); otherwise take the contract of the stack built from this spec (CnaiAwsStack.fromSpec).');
    expect(() => PlatformContractFile.checkMatchesSpec(SPEC, CONTRACT, 'cnai')).not.toThrow();
  });

  test('the metrics field: a hand-edited workspace names each wrong member', () => {
    const amp = { workspaceId: 'ws-1', region: 'us-west-2', remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write', queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1' };
    const good = { ...CONTRACT, metrics: { grafanaAdminSecretName: 'cnai-dev/grafana-admin', managedPrometheus: amp } };
    expect(PlatformContractFile.parse(JSON.stringify(good))).toEqual(good);
    const edited = { ...CONTRACT, metrics: { grafanaAdminSecretName: 7, managedPrometheus: { ...amp, queryUrl: undefined } } };
    let message = '';
    try {
      PlatformContractFile.parse(JSON.stringify(edited), 'platform-contract.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^2 problems found:/);
    expect(message).toContain('invalid metrics.grafanaAdminSecretName = 7: is not a non-empty string');
    expect(message).toContain('invalid metrics.managedPrometheus.queryUrl = undefined: is missing');
  });

  test('a spec that asks for a managed Prometheus workspace the (older) contract does not have: apply and re-export', () => {
    expect(() => PlatformContractFile.checkMatchesSpec({ ...SPEC, metrics: { managedPrometheus: {} } }, CONTRACT, 'cnai', 'platform-contract.json'))
      .toThrow(/^cnai: invalid contract\.metrics\.managedPrometheus = undefined: spec\.metrics\.managedPrometheus is set, and the contract has no managed Prometheus workspace\. Fix: platform-contract\.json does not come from this spec/);
  });
});
