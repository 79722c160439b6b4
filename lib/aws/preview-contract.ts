import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Token } from 'cdktf';
import type { CnaiAwsStack } from './cnai-aws-stack';
import { PlatformContract } from '../core/contract';
import { PlatformContractFile } from '../core/contract-file';
import {
  APPLIED_CONTRACT_FILE, ContractPreview, pendingDatabaseHost, pendingDatabaseSecretArn, PENDING_APPLY, previewEcrRepositoryUrl,
} from '../core/contract-preview';
import { ManagedPrometheusEndpoints } from '../core/metrics-backend';

// Defined in core, where the Kubernetes layer's preview (ContractPreview.fromSpec) uses them too.
export { APPLIED_CONTRACT_FILE, PENDING_APPLY };

/**
 * The platform contract of a stack for synthesizing the Kubernetes layer before the AWS
 * layer is applied (previews, tests, CI): every name, label and taint is the real one;
 * the few values AWS assigns at apply time (the database host and its secret ARN, ECR
 * URLs, the managed Prometheus workspace id and the URLs made from it, the VPC id of the load
 * balancer controller) are replaced by
 * clearly marked preview values. For a deployment, synthesize the
 * Kubernetes layer from `terraform output -json platform_contract` instead.
 */
export function previewContract(stack: CnaiAwsStack): PlatformContract {
  const c = stack.contract();
  const naming = stack.naming;
  const repos = c.ecrRepositories;
  const amp = c.metrics?.managedPrometheus;
  // The workspace id is AWS's; the URLs are derived from it as after apply.
  const ampId = amp && Token.isUnresolved(amp.workspaceId) ? PENDING_APPLY : amp?.workspaceId;
  return {
    ...c,
    ecrRepositories: repos === undefined ? undefined : Object.fromEntries(Object.entries(repos).map(([name, url]) => [name,
      // ECR URLs are deterministic; only the token stands in the way.
      Token.isUnresolved(url) ? previewEcrRepositoryUrl(naming, name) : url])),
    database: c.database === undefined ? undefined : {
      ...c.database,
      host: Token.isUnresolved(c.database.host) ? pendingDatabaseHost(naming) : c.database.host,
      masterSecretArn: Token.isUnresolved(c.database.masterSecretArn) ? pendingDatabaseSecretArn(naming) : c.database.masterSecretArn,
    },
    // The VPC id is AWS's (the load balancer controller's entry).
    ...(c.loadBalancerController ? {
      loadBalancerController: {
        ...c.loadBalancerController,
        vpcId: Token.isUnresolved(c.loadBalancerController.vpcId) ? PENDING_APPLY : c.loadBalancerController.vpcId,
      },
    } : {}),
    ...(c.metrics ? {
      metrics: {
        ...c.metrics,
        ...(amp ? {
          managedPrometheus: {
            ...amp,
            workspaceId: ampId!,
            remoteWriteUrl: ManagedPrometheusEndpoints.remoteWriteUrl(amp.region, ampId!),
            queryUrl: ManagedPrometheusEndpoints.queryUrl(amp.region, ampId!),
          },
        } : {}),
      },
    } : {}),
  };
}

/** True when a contract still holds preview values (see {@link previewContract}). */
export function isPreviewContract(contract: PlatformContract): boolean {
  return ContractPreview.isPreview(contract);
}

/**
 * The contract for synthesizing the Kubernetes layer: the applied one when `dir` holds
 * {@link APPLIED_CONTRACT_FILE} (saved from `terraform output -json platform_contract` after
 * apply), else {@link previewContract} of the stack `build` makes in a temporary app.
 */
export function appliedOrPreviewContract(dir: string, build: (app: App) => CnaiAwsStack): PlatformContract {
  const file = path.join(dir, APPLIED_CONTRACT_FILE);
  if (fs.existsSync(file)) return PlatformContractFile.read(file);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-preview-'));
  try {
    return previewContract(build(new App({ outdir })));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
