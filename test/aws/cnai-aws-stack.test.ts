import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { App, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { ACCOUNT, AZS, configs, only, planStack, REGION, synth, tfJson } from './util';
import { buildReferenceAws } from '../../examples/reference-platform/aws-layer';
import { CnaiAwsStack, CnaiAwsStackProps } from '../../lib/aws';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { EksSupportType, TERRAFORM } from '../../lib/core/versions';

const BASE: CnaiAwsStackProps = { platformName: 'cnai', environment: 'dev', region: REGION, accountId: ACCOUNT, availabilityZones: AZS };

function platform(props: Partial<CnaiAwsStackProps> = {}): CnaiAwsStack {
  return new CnaiAwsStack(Testing.app(), 'platform', { ...BASE, ...props });
}

describe('CnaiAwsStack', () => {
  test('pinned provider: required_providers records hashicorp/aws 5.100.0 exactly, and the Terraform floor', () => {
    const json = synth(platform());
    expect(json.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '5.100.0' });
    expect(TERRAFORM.awsProvider.version).toBe('5.100.0');
    expect(json.terraform.required_version).toBe(TERRAFORM.requiredVersion);
  });

  test('provider: region, the account guard and default tags on every resource', () => {
    const json = synth(platform({ costCentre: 'ml-research' }));
    expect(json.provider.aws).toEqual([{
      region: REGION,
      allowed_account_ids: [ACCOUNT],
      default_tags: [{ tags: { 'platform': 'cnai', 'environment': 'dev', 'cost-centre': 'ml-research', 'managed-by': 'cnai-constructs' } }],
    }]);
  });

  test('the settings shared with the spec (PlatformAwsOptions) reach the cluster under the spec\'s names', () => {
    const json = synth(platform({ kubernetesVersion: '1.35', kubernetesSupportType: EksSupportType.EXTENDED, publicEndpointCidrs: ['198.51.100.0/24'] }));
    expect(only(json, 'aws_eks_cluster')).toMatchObject({
      version: '1.35',
      upgrade_policy: { support_type: 'EXTENDED' },
      vpc_config: { endpoint_public_access: true, public_access_cidrs: ['198.51.100.0/24'] },
    });
  });

  test('local backend by default', () => {
    expect(synth(platform()).terraform.backend).toEqual({ local: { path: 'terraform.platform.tfstate' } });
  });

  test('S3 backend option, encrypted, with S3-native locking unless a DynamoDB table is given', () => {
    const json = synth(platform({ s3Backend: { bucket: 'acme-tf-state' } }));
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'cnai-dev/terraform.tfstate', region: REGION, encrypt: true, use_lockfile: true },
    });
    const locked = synth(platform({ s3Backend: { bucket: 'acme-tf-state', dynamodbTable: 'tf-locks', region: 'eu-west-1' } }));
    expect(locked.terraform.backend.s3).toMatchObject({ dynamodb_table: 'tf-locks', region: 'eu-west-1' });
    expect(locked.terraform.backend.s3.use_lockfile).toBeUndefined();
  });

  test('one logs key shared by flow logs and control-plane logs', () => {
    const json = synth(platform());
    const groups = configs(json, 'aws_cloudwatch_log_group');
    // Flow logs, control plane, and the database's two exports.
    expect(groups.map((g) => g.name).sort()).toEqual([
      '/aws/eks/cnai-dev/cluster', '/aws/rds/instance/cnai-dev-postgres/postgresql', '/aws/rds/instance/cnai-dev-postgres/upgrade', '/aws/vpc/cnai-dev/flow-logs',
    ]);
    expect(new Set(groups.map((g) => g.kms_key_id)).size).toBe(1);
  });

  test('outputs form the platform contract; contract() returns the same plain data', () => {
    const stack = platform({
      gpuPools: [{ name: 'gpu-a10g', instanceTypes: [GpuInstanceType.G5_XLARGE] }],
      workloadIdentities: [{ namespace: 'serving', serviceAccount: 'vllm' }],
    });
    // Added after construction: still in the outputs, which render at synth.
    stack.addGpuNodePool('gpu-l4', { instanceTypes: [GpuInstanceType.G6_XLARGE] });
    const json = synth(stack);
    const out = json.output;
    expect(Object.keys(out).sort()).toEqual([
      'cluster_endpoint', 'cluster_name', 'database_endpoint', 'database_secret_arn', 'datasets_bucket', 'ecr_repository_urls',
      'models_bucket', 'node_pools', 'platform_contract', 'region', 'teardown', 'workload_identities',
    ]);
    expect(out.cluster_name.value).toBe('cnai-dev');
    expect(out.cluster_endpoint.value).toMatch(/aws_eks_cluster\..+\.endpoint/);
    expect(out.models_bucket.value).toBe('cnai-dev-models-123456789012-us-west-2');
    expect(out.database_secret_arn.value).toMatch(/master_user_secret\[0\]\.secret_arn/);
    expect(out.ecr_repository_urls.value.serving).toMatch(/aws_ecr_repository\..+\.repository_url/);

    const contract = stack.contract();
    expect(JSON.parse(out.node_pools.value)).toEqual(contract.nodePools);
    expect(contract.nodePools.map((p) => p.name)).toEqual(['system', 'gpu-a10g', 'gpu-l4']);
    expect(JSON.parse(out.workload_identities.value)).toEqual(contract.workloadIdentities);
    const rendered = out.platform_contract.value;
    expect(rendered.nodePools).toEqual(contract.nodePools);
    expect(rendered).toMatchObject({
      platformName: 'cnai',
      environment: 'dev',
      region: REGION,
      accountId: ACCOUNT,
      clusterName: 'cnai-dev',
      kubernetesVersion: '1.36',
      buckets: contract.buckets,
    });
    expect(rendered.database.host).toMatch(/aws_db_instance\..+\.address/);
  });

  test('without the database there are no database resources or outputs', () => {
    const json = synth(platform({ database: false }));
    expect(tfJson(json)).not.toHaveResource(DbInstance);
    expect(json.output.database_endpoint).toBeUndefined();
    expect(json.output.platform_contract.value.database).toBeUndefined();
  });

  test('a GPU pool in props without a name', () => {
    expect(() => platform({ gpuPools: [{ instanceTypes: [GpuInstanceType.G5_XLARGE] }] })).toThrow(
      'platform: invalid gpuPools[0].name = undefined: pools given in props need a name. Fix: give each pool a name, e.g. "gpu-l40s".');
  });

  test('an invalid platform identity is reported against the stack', () => {
    expect(() => platform({ accountId: '1234' })).toThrow(/^platform: invalid accountId = "1234": an AWS account id has exactly 12 digits/);
  });

  test('an EKS Auto Mode platform with an S3 backend validates and plans with the real provider', () => {
    const stack = platform({
      autoMode: true,
      database: false,
      s3Backend: { bucket: 'acme-tf-state' },
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
    });
    const result = planStack(stack);
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType.aws_eks_cluster).toBe(1);
    expect(result.plannedResourcesByType.aws_eks_node_group).toBeUndefined();
    expect(result.plannedResourcesByType.aws_eks_addon).toBeUndefined();
    // eslint-disable-next-line no-console
    console.log(`auto-mode stack: ${result.plannedResourceCount} resources planned; timings ms ${JSON.stringify(result.timingsMs)}`);
  });
});

describe('CnaiAwsStack.prepareStack', () => {
  /** The app's synthesized stacks: stack name to its Terraform JSON text. */
  function synthApp(build: (app: App) => void): Record<string, string> {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepare-stack-'));
    const app = new App({ outdir });
    build(app);
    app.synth();
    const stacks = path.join(outdir, 'stacks');
    return Object.fromEntries(fs.readdirSync(stacks).map((s) => [s, fs.readFileSync(path.join(stacks, s, 'cdk.tf.json'), 'utf8')]));
  }

  test('the only stack of an app synthesizes as it does with cdktf\'s preparation (another stack in the app)', () => {
    const alone = synthApp((app) => buildReferenceAws(app));
    const withAnother = synthApp((app) => {
      buildReferenceAws(app);
      new TerraformStack(app, 'another');
    });
    expect(Object.keys(alone)).toEqual(['cnai-reference']);
    expect(alone['cnai-reference']).toBe(withAnother['cnai-reference']);
  });

  test('a reference from another stack still becomes an output and a remote state', () => {
    const out = synthApp((app) => {
      const platformStack = new CnaiAwsStack(app, 'platform', BASE);
      const other = new TerraformStack(app, 'other');
      new TerraformOutput(other, 'cluster', { value: platformStack.cluster.nameReference });
    });
    expect(Object.keys(JSON.parse(out.platform).output)).toEqual(expect.arrayContaining([expect.stringMatching(/^cross-stack-output-aws_eks_cluster/)]));
    expect(JSON.parse(out.other).data.terraform_remote_state).toBeDefined();
  });
});
