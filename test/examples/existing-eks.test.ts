// examples/existing-eks through its CLI, verified (see harness.ts): terraform validate and an
// offline plan, with the imported cluster's lookup answered by the verifier's stub.
import { Testing } from 'cdktf';
import { exampleTests } from './harness';
import { buildExistingEks } from '../../examples/existing-eks/main';

exampleTests('existing-eks');

describe('examples/existing-eks: what it adds to the cluster', () => {
  const { stack, cluster, modelStore } = buildExistingEks(Testing.app());
  const json = JSON.parse(Testing.synth(stack));

  test('its platform contract names the imported cluster, the new pool and the served model\'s identity', () => {
    expect(cluster.platformContract({ buckets: modelStore.contract() })).toMatchObject({
      platformName: 'cnai',
      environment: 'prod',
      region: 'us-west-2',
      accountId: '123456789012',
      clusterName: 'ml-prod',
      kubernetesVersion: '1.34',
      vpcCidr: '10.20.0.0/16',
      nodePools: [{ name: 'inference-l40s', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'], gpusPerNode: 1, maxNodes: 4 }],
      workloadIdentities: [{ namespace: 'ai-apps', serviceAccount: 'chat', roleName: 'cnai-prod-serve-chat' }],
    });
  });

  test('nothing of the cluster itself is in the stack; the endpoint is read at plan time', () => {
    expect(json.resource.aws_eks_cluster).toBeUndefined();
    expect(Object.values(json.data.aws_eks_cluster)).toEqual([{ name: 'ml-prod' }]);
    expect(json.output.cluster_endpoint.value).toMatch(/^\$\{data\.aws_eks_cluster\.cluster_[0-9A-F]+\.endpoint\}$/);
  });

  test('the model server may read its weights only', () => {
    const policies = Object.values<any>(json.resource.aws_iam_role_policy);
    expect(policies).toHaveLength(1);
    const document = Object.entries<any>(json.data.aws_iam_policy_document).find(([id]) => policies[0].policy.includes(id))![1];
    expect(JSON.stringify(document.statement)).toContain('served/chat/');
    expect(JSON.stringify(document.statement)).not.toMatch(/"s3:PutObject"/);
  });
});
