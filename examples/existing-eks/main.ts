/**
 * GPU nodes and a served model's identity on an EKS cluster you already run: the cluster is
 * imported from what you know about it (`Cluster.fromClusterAttributes`) and nothing about it
 * changes; the stack adds an L40S GPU pool (a managed node group with IMDSv2, encrypted gp3 and
 * the catalogue's labels and taints), a model store, and the Pod Identity role of the `chat`
 * model's server, which may read only its weights. The `platform_contract` output is what the
 * Kubernetes layer takes.
 *
 *   cd examples/existing-eks && npx cdktf synth    (or: node -r sucrase/register/ts main.ts)
 *   cd cdktf.out/stacks/cnai-existing-eks && terraform init && terraform plan
 *
 * Replace the account, region and cluster facts with yours (aws eks describe-cluster --name <name>).
 * The cluster needs the Pod Identity agent add-on and an authentication mode that takes access entries.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { GpuInstanceType, PlatformNaming } from 'cnai-constructs';
import { CapacityType, Cluster, ClusterAuthenticationMode, ICluster, ModelStore } from 'cnai-constructs/aws';
import { acceptDocumentedFindings } from '../shared/accepted-findings-aws';

/** Name of the stack (its folder under cdktf.out/stacks). */
export const STACK_NAME = 'cnai-existing-eks';

/** What the example builds, for tests. */
export interface ExistingEks {
  readonly stack: TerraformStack;
  readonly cluster: ICluster;
  readonly modelStore: ModelStore;
}

/** Builds the example stack in `app`. */
export function buildExistingEks(app: App): ExistingEks {
  const naming = new PlatformNaming({ platformName: 'cnai', environment: 'prod', region: 'us-west-2', accountId: '123456789012' });
  const stack = new TerraformStack(app, STACK_NAME);
  // The imported cluster's region and account are the provider's.
  new AwsProvider(stack, 'aws', {
    region: naming.region,
    allowedAccountIds: [naming.accountId],
    defaultTags: [{ tags: { 'platform': naming.platformName, 'environment': naming.environment, 'managed-by': 'cnai-constructs' } }],
  });
  new LocalBackend(stack, { path: `terraform.${STACK_NAME}.tfstate` });

  const cluster = Cluster.fromClusterAttributes(stack, 'cluster', {
    naming,
    clusterName: 'ml-prod',
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidr: '10.20.0.0/16',
    privateSubnets: [
      { subnetId: 'subnet-0a1b2c3d4e5f60711', availabilityZone: 'us-west-2a' },
      { subnetId: 'subnet-0a1b2c3d4e5f60722', availabilityZone: 'us-west-2b' },
      { subnetId: 'subnet-0a1b2c3d4e5f60733', availabilityZone: 'us-west-2c' },
    ],
    clusterSecurityGroupId: 'sg-0a1b2c3d4e5f60744',
    kubernetesVersion: '1.34',
    // The endpoint is left out: it is read from the cluster at plan time.
    podIdentityAgent: true,
    authenticationMode: ClusterAuthenticationMode.API_AND_CONFIG_MAP,
  });

  // Inference: L40S, spot, scales to zero when no GPU pod waits.
  cluster.addGpuNodePool('inference-l40s', {
    instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE],
    capacityType: CapacityType.SPOT,
    minSize: 0,
    maxSize: 4,
  });

  // The chat model's server reads its weights, and nothing else.
  const modelStore = new ModelStore(stack, 'model-store', { naming });
  const chat = cluster.addWorkloadIdentity('serve-chat', { namespace: 'ai-apps', serviceAccount: 'chat', purpose: 'serve-chat' });
  modelStore.grantRead(chat, { prefix: 'served/chat/' });

  new TerraformOutput(stack, 'cluster_endpoint', { value: cluster.endpoint, description: 'Kubernetes API endpoint (read from the cluster)' });
  new TerraformOutput(stack, 'platform_contract', {
    value: cluster.platformContract({ buckets: modelStore.contract() }),
    description: 'The platform contract the Kubernetes layer takes as a prop',
  });
  // The library's policy findings still open (issue 14), suppressed with an OPEN reason: the report lists them.
  acceptDocumentedFindings({ scope: stack });
  return { stack, cluster, modelStore };
}

if (require.main === module) {
  const app = new App();
  buildExistingEks(app);
  app.synth();
}
