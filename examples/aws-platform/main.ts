/**
 * The AWS side of the reference platform: network, EKS cluster with its system pool, two
 * GPU pools (L40S for inference, H100 with EFA for training), model store, workload
 * identities and PostgreSQL.
 *
 *   cd examples/aws-platform && npx cdktf synth    (or: node -r sucrase/register/ts main.ts)
 *   cd cdktf.out/stacks/cnai-aws-platform && terraform init && terraform plan
 *
 * Replace the account id, AZs and admin role with yours before `terraform apply`.
 */
import { App } from 'cdktf';
import { GpuInstanceType } from 'cnai-constructs';
import { CapacityType, CnaiAwsStack, InterfaceEndpointService, StoreBucket } from 'cnai-constructs/aws';
import { acceptDocumentedFindings } from '../shared/accepted-findings-aws';

/** Builds the example stack in `app`; the test of this example calls it too. */
export function buildAwsPlatform(app: App): CnaiAwsStack {
  const platform = new CnaiAwsStack(app, 'cnai-aws-platform', {
    platformName: 'cnai',
    environment: 'prod',
    region: 'us-west-2',
    accountId: '123456789012',
    availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
    adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
    // The API endpoint is private. To reach it from your network, add publicEndpointCidrs with your
    // own office or VPN ranges (a documentation range such as 203.0.113.0/24 reaches no one).
    interfaceEndpoints: [
      InterfaceEndpointService.ECR_API,
      InterfaceEndpointService.ECR_DKR,
      InterfaceEndpointService.STS,
      InterfaceEndpointService.EKS_AUTH,
    ],
    systemNodePool: { instanceTypes: ['m7i.xlarge', 'm6i.xlarge'], minSize: 2, maxSize: 4 },
    repositories: ['serving'],
  });

  // Inference: L40S, scales to zero, spot.
  platform.addGpuNodePool('inference-l40s', {
    instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE],
    capacityType: CapacityType.SPOT,
    minSize: 0,
    maxSize: 4,
  });
  // Training: H100 with EFA in one AZ and a cluster placement group.
  platform.addGpuNodePool('training-h100', {
    instanceTypes: [GpuInstanceType.P5_48XLARGE],
    efa: true,
    availabilityZones: ['us-west-2b'],
    minSize: 0,
    maxSize: 2,
    rootVolumeSizeGiB: 500,
  });

  const store = platform.modelStore;
  const server = platform.addWorkloadIdentity('model-server', { namespace: 'serving', serviceAccount: 'model-server' });
  store.grantRead(server, { prefix: 'released/' });
  store.repositories.serving.grantPull(server);

  const trainer = platform.addWorkloadIdentity('trainer', { namespace: 'training', serviceAccount: 'trainer' });
  store.grantRead(trainer, { bucket: StoreBucket.DATASETS });
  store.grantReadWrite(trainer, { prefix: 'checkpoints/' });

  const registry = platform.addWorkloadIdentity('model-registry', { namespace: 'mlflow', serviceAccount: 'mlflow' });
  store.grantReadWrite(registry, { prefix: 'mlflow/' });
  platform.database!.grantSecretRead(registry);

  // The library's policy findings still open (issue 14), suppressed with an OPEN reason: the report lists them.
  acceptDocumentedFindings({ scope: platform, database: platform.database });
  return platform;
}

if (require.main === module) {
  const app = new App();
  buildAwsPlatform(app);
  app.synth();
}
