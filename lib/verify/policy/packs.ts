/**
 * The packs: every rule of the library, grouped. A user adds a rule by writing one (a
 * TerraformRule or KubernetesRule, see types.ts) and passing it in `PolicyRunOptions.rules`.
 */
import { AI_DRIFT_PAYLOAD_OPT_IN } from './rules/ai/drift-payload-opt-in';
import { AI_GPU_KUEUE } from './rules/ai/gpu-kueue';
import { AI_MODEL_SOURCE } from './rules/ai/model-source';
import { AI_TRACING_CONTENT_OFF } from './rules/ai/tracing-content-off';
import { CLOUDWATCH_LOGS_KMS } from './rules/aws/cloudwatch-logs-kms';
import { CLOUDWATCH_LOGS_RETENTION } from './rules/aws/cloudwatch-logs-retention';
import { ECR_IMAGE_SCANNING } from './rules/aws/ecr-image-scanning';
import { ECR_KMS_ENCRYPTION } from './rules/aws/ecr-kms-encryption';
import { ECR_TAG_IMMUTABILITY } from './rules/aws/ecr-tag-immutability';
import { EKS_CONTROL_PLANE_LOGGING } from './rules/aws/eks-control-plane-logging';
import { EKS_ENDPOINT_PRIVATE } from './rules/aws/eks-endpoint-private';
import { EKS_SECRETS_ENCRYPTION } from './rules/aws/eks-secrets-encryption';
import { IAM_NO_WILDCARDS } from './rules/aws/iam-no-wildcards';
import { KMS_ROTATION } from './rules/aws/kms-rotation';
import { LAUNCH_TEMPLATE_IMDSV2 } from './rules/aws/launch-template-imdsv2';
import { RDS_AUTO_MINOR_UPGRADE } from './rules/aws/rds-auto-minor-upgrade';
import { RDS_BACKUPS } from './rules/aws/rds-backups';
import { RDS_DELETION_PROTECTION } from './rules/aws/rds-deletion-protection';
import { RDS_IAM_AUTHENTICATION } from './rules/aws/rds-iam-authentication';
import { RDS_KMS_ENCRYPTION } from './rules/aws/rds-kms-encryption';
import { S3_ACCESS_LOGGING } from './rules/aws/s3-access-logging';
import { S3_KMS_ENCRYPTION } from './rules/aws/s3-kms-encryption';
import { S3_PUBLIC_ACCESS_BLOCK } from './rules/aws/s3-public-access-block';
import { S3_TLS_ONLY } from './rules/aws/s3-tls-only';
import { SECRETS_ROTATION } from './rules/aws/secrets-rotation';
import { SQS_KMS_ENCRYPTION } from './rules/aws/sqs-kms-encryption';
import { NET_DEFAULT_DENY } from './rules/network/default-deny';
import { NET_FLOWS_DECLARED } from './rules/network/flows-declared';
import { NET_NO_NODE_PORT } from './rules/network/no-node-port';
import { NET_NO_PUBLIC_LOAD_BALANCER } from './rules/network/no-public-load-balancer';
import { POD_APPARMOR } from './rules/pod/apparmor';
import { POD_CAPABILITIES } from './rules/pod/capabilities';
import { POD_CREATE_WORKLOAD_IDENTITY } from './rules/pod/create-workload-identity';
import { POD_HOST_NAMESPACES } from './rules/pod/host-namespaces';
import { POD_HOST_PATH } from './rules/pod/host-path';
import { POD_HOST_PORTS } from './rules/pod/host-ports';
import { POD_HOST_PROCESS } from './rules/pod/host-process';
import { POD_IMAGE_PINNED } from './rules/pod/image-pinned';
import { POD_NAMESPACE_RESTRICTED } from './rules/pod/namespace-restricted';
import { POD_PRIORITY_CLASS } from './rules/pod/priority-class';
import { POD_PRIVILEGE_ESCALATION } from './rules/pod/privilege-escalation';
import { POD_PRIVILEGED } from './rules/pod/privileged';
import { POD_PROBES } from './rules/pod/probes';
import { POD_PROC_MOUNT } from './rules/pod/proc-mount';
import { POD_READ_ONLY_ROOT_FILESYSTEM } from './rules/pod/read-only-root-filesystem';
import { POD_RESOURCES } from './rules/pod/resources';
import { POD_RUN_AS_NON_ROOT } from './rules/pod/run-as-non-root';
import { POD_RUN_AS_USER } from './rules/pod/run-as-user';
import { POD_SECCOMP } from './rules/pod/seccomp';
import { POD_SELINUX } from './rules/pod/selinux';
import { POD_SERVICE_ACCOUNT_TOKEN } from './rules/pod/service-account-token';
import { POD_SYSCTLS } from './rules/pod/sysctls';
import { POD_VOLUME_TYPES } from './rules/pod/volume-types';
import { PolicyPack, PolicyRule } from './types';

/** Every rule of the library, by pack, in report order. */
export const POLICY_PACKS: { [pack in PolicyPack]: PolicyRule[] } = {
  [PolicyPack.AWS_DATA_PROTECTION]: [
    S3_KMS_ENCRYPTION, S3_PUBLIC_ACCESS_BLOCK, S3_TLS_ONLY, S3_ACCESS_LOGGING,
    RDS_KMS_ENCRYPTION, RDS_BACKUPS, RDS_DELETION_PROTECTION, RDS_AUTO_MINOR_UPGRADE, RDS_IAM_AUTHENTICATION,
    EKS_SECRETS_ENCRYPTION, EKS_ENDPOINT_PRIVATE, EKS_CONTROL_PLANE_LOGGING,
    CLOUDWATCH_LOGS_KMS, CLOUDWATCH_LOGS_RETENTION, SQS_KMS_ENCRYPTION,
    ECR_KMS_ENCRYPTION, ECR_IMAGE_SCANNING, ECR_TAG_IMMUTABILITY,
    KMS_ROTATION, LAUNCH_TEMPLATE_IMDSV2, IAM_NO_WILDCARDS, SECRETS_ROTATION,
  ],
  [PolicyPack.POD_SECURITY]: [
    POD_NAMESPACE_RESTRICTED,
    POD_PRIVILEGED, POD_HOST_NAMESPACES, POD_HOST_PATH, POD_HOST_PORTS, POD_HOST_PROCESS, POD_APPARMOR, POD_SELINUX, POD_PROC_MOUNT, POD_SYSCTLS,
    POD_VOLUME_TYPES, POD_PRIVILEGE_ESCALATION, POD_RUN_AS_NON_ROOT, POD_RUN_AS_USER, POD_SECCOMP, POD_CAPABILITIES,
    POD_READ_ONLY_ROOT_FILESYSTEM, POD_RESOURCES, POD_PROBES, POD_IMAGE_PINNED, POD_SERVICE_ACCOUNT_TOKEN, POD_PRIORITY_CLASS,
    POD_CREATE_WORKLOAD_IDENTITY,
  ],
  [PolicyPack.NETWORK_ISOLATION]: [NET_DEFAULT_DENY, NET_NO_PUBLIC_LOAD_BALANCER, NET_NO_NODE_PORT, NET_FLOWS_DECLARED],
  [PolicyPack.AI_PLATFORM]: [AI_GPU_KUEUE, AI_MODEL_SOURCE, AI_TRACING_CONTENT_OFF, AI_DRIFT_PAYLOAD_OPT_IN],
};

/** Every rule of the library. */
export function allPolicyRules(): PolicyRule[] {
  return Object.values(POLICY_PACKS).flat();
}
