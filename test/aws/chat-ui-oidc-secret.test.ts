import { Testing } from 'cdktf';
import { CnaiAwsStack } from '../../lib/aws';
import { GpuInstanceType, ModelPresets, PlatformSpec } from '../../lib/core';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 4 }] }],
  models: [{ name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192 }],
  kubeflow: false,
  observability: false,
  gateway: {},
  chatUi: { oidc: { discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', clientId: 'cnai-chat', clientSecretName: 'cnai-test/chat-ui-oidc' } },
};

function secretStatements(spec: PlatformSpec): any[] {
  const stack = JSON.parse(Testing.synth(CnaiAwsStack.fromSpec(Testing.app(), 'cnai', spec)));
  const [, doc] = Object.entries<any>(stack.data.aws_iam_policy_document).find(([id]) => id.startsWith('cluster_external-secrets_permissions'))!;
  return doc.statement.filter((st: any) => st.actions.includes('secretsmanager:GetSecretValue'));
}

describe('CnaiAwsStack.fromSpec with the chat front end', () => {
  test('External Secrets may read the OIDC client secret you store, by its name, and no other secret of yours', () => {
    const mine = secretStatements(SPEC).filter((st) => st.sid === 'ChatUiOidcClientSecret');
    expect(mine).toEqual([expect.objectContaining({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: ['arn:aws:secretsmanager:us-west-2:123456789012:secret:cnai-test/chat-ui-oidc-??????'],
    })]);
    // In another partition, its ARN names that partition.
    const gov = { ...SPEC, region: 'us-gov-west-1', availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b'] };
    expect(secretStatements(gov).find((st) => st.sid === 'ChatUiOidcClientSecret').resources)
      .toEqual(['arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:cnai-test/chat-ui-oidc-??????']);
    const { chatUi: _c, ...without } = SPEC;
    expect(secretStatements(without).filter((st) => st.sid === 'ChatUiOidcClientSecret')).toEqual([]);
  });
});
