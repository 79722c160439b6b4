// previewContract of whole stacks (CnaiAwsStack, fromSpec) is asserted in cnai-aws-stack-from-spec.test.ts and
// test/contract; here each replacement on its own, with a stand-in stack whose contract holds Terraform tokens.
import { Token } from 'cdktf';
import { APPLIED_CONTRACT_FILE, CnaiAwsStack, isPreviewContract, PENDING_APPLY, previewContract } from '../../lib/aws';
import { PlatformContract } from '../../lib/core/contract';
import { PlatformNaming } from '../../lib/core/names';

const token = (name: string) => Token.asString({ Ref: name });

function base(region: string): PlatformContract {
  return {
    platformName: 'cnai',
    environment: 'test',
    region,
    accountId: '123456789012',
    clusterName: 'cnai-test',
    kubernetesVersion: '1.36',
    buckets: { models: `cnai-test-models-123456789012-${region}`, datasets: `cnai-test-datasets-123456789012-${region}` },
    nodePools: [],
    workloadIdentities: [],
  } as unknown as PlatformContract;
}

/** A stand-in for a stack: previewContract reads only its contract and naming. */
function stack(contract: Partial<PlatformContract>, region = 'us-west-2'): CnaiAwsStack {
  const naming = new PlatformNaming({ platformName: 'cnai', environment: 'test', region, accountId: '123456789012' });
  return { naming, contract: () => ({ ...base(region), ...contract }) } as unknown as CnaiAwsStack;
}

describe('previewContract', () => {
  test('a contract without apply-time values is returned unchanged, and is no preview', () => {
    const c = previewContract(stack({}));
    expect(c).toEqual(base('us-west-2'));
    expect(isPreviewContract(c)).toBe(false);
    expect(c.database).toBeUndefined();
    expect(c.ecrRepositories).toBeUndefined();
    expect('loadBalancerController' in c).toBe(false);
    expect('metrics' in c).toBe(false);
  });

  test('ECR URLs: the deterministic URL in place of the token; a known URL is kept', () => {
    const c = previewContract(stack({ ecrRepositories: { serving: token('serving'), other: '210987654321.dkr.ecr.us-west-2.amazonaws.com/x/other' } }));
    expect(c.ecrRepositories).toEqual({
      serving: '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-test/serving',
      other: '210987654321.dkr.ecr.us-west-2.amazonaws.com/x/other',
    });
  });

  test('ECR URLs in China end in amazonaws.com.cn', () => {
    const c = previewContract(stack({ ecrRepositories: { serving: token('serving') } }, 'cn-north-1'));
    expect(c.ecrRepositories).toEqual({ serving: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/cnai-test/serving' });
  });

  test('the database host and master secret ARN are marked; the rest of the database is kept', () => {
    const c = previewContract(stack({
      database: { host: token('host'), port: 5432, databaseName: 'platform', username: 'platform_admin', masterSecretArn: token('arn') } as any,
    }));
    expect(c.database).toEqual({
      host: 'cnai-test-postgres.pending-apply.invalid',
      port: 5432,
      databaseName: 'platform',
      username: 'platform_admin',
      masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:pending-apply-cnai-test-postgres',
    });
    expect(isPreviewContract(c)).toBe(true);
  });

  test('the master secret ARN of a GovCloud preview is in the GovCloud partition', () => {
    const c = previewContract(stack({
      database: { host: token('host'), port: 5432, databaseName: 'platform', username: 'platform_admin', masterSecretArn: token('arn') } as any,
    }, 'us-gov-west-1'));
    expect(c.database!.masterSecretArn).toBe('arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:pending-apply-cnai-test-postgres');
  });

  test('an applied database is kept as it is', () => {
    const database = { host: 'db.c1a2b3.us-west-2.rds.amazonaws.com', port: 5432, databaseName: 'platform', username: 'u', masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-1' };
    expect(previewContract(stack({ database } as any)).database).toEqual(database);
  });

  test('the load balancer controller\'s VPC id', () => {
    const lbc = { namespace: 'kube-system', serviceAccount: 'aws-load-balancer-controller' };
    expect(previewContract(stack({ loadBalancerController: { ...lbc, vpcId: token('vpc') } })).loadBalancerController).toEqual({ ...lbc, vpcId: PENDING_APPLY });
    expect(previewContract(stack({ loadBalancerController: { ...lbc, vpcId: 'vpc-0abc' } })).loadBalancerController).toEqual({ ...lbc, vpcId: 'vpc-0abc' });
  });

  test('the managed Prometheus workspace id, and the URLs made from it as after apply', () => {
    const c = previewContract(stack({
      metrics: {
        grafanaAdminSecretName: 'cnai-test/grafana-admin',
        managedPrometheus: { workspaceId: token('ws'), region: 'us-west-2', remoteWriteUrl: token('rw'), queryUrl: token('q') },
      },
    }));
    expect(c.metrics).toEqual({
      grafanaAdminSecretName: 'cnai-test/grafana-admin',
      managedPrometheus: {
        workspaceId: 'pending-apply',
        region: 'us-west-2',
        remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/pending-apply/api/v1/remote_write',
        queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/pending-apply',
      },
    });
  });

  test('metrics without a workspace are kept as they are', () => {
    expect(previewContract(stack({ metrics: { grafanaAdminSecretName: 'cnai-test/grafana-admin' } })).metrics)
      .toEqual({ grafanaAdminSecretName: 'cnai-test/grafana-admin' });
  });

  test('the applied contract\'s file name', () => {
    expect(APPLIED_CONTRACT_FILE).toBe('platform-contract.json');
    expect(PENDING_APPLY).toBe('pending-apply');
  });
});
