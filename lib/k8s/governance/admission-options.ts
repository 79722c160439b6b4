import { AdmissionPolicyMode } from './admission-policy';
import { OperatorRelease } from '../operators';

/** A kind of access to the node a pod can ask for. */
export enum HostAccess {
  /** A privileged container (`securityContext.privileged: true`). */
  PRIVILEGED = 'privileged',
  /** The node's network namespace (`hostNetwork`). */
  HOST_NETWORK = 'hostNetwork',
  /** The node's process namespace (`hostPID`). */
  HOST_PID = 'hostPID',
  /** The node's IPC namespace (`hostIPC`). */
  HOST_IPC = 'hostIPC',
  /** Volumes from the node's filesystem (`hostPath`). */
  HOST_PATH = 'hostPath',
}

/** A namespace whose pods may have some access to their node, and why. */
export interface HostAccessExemption {
  /** The namespace. */
  readonly namespace: string;
  /** What its pods may use. */
  readonly access: HostAccess[];
  /** Which workload needs it and what for (at least 10 characters; shown on the policy). */
  readonly reason: string;
}

/**
 * A service account that must stay unused: created (by an upstream chart, say) with rights that
 * no workload of the platform needs.
 */
export interface DormantIdentity {
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly serviceAccount: string;
  /** What it is granted and why nothing runs as it (at least 10 characters; written on the policy). */
  readonly reason: string;
}

/** A workload whose pods may request GPUs without going through Kueue, and why. */
export interface WorkloadExemption {
  /** Namespace of the workload. */
  readonly namespace: string;
  /**
   * Name of the Deployment, StatefulSet, DaemonSet or Job that runs the pods (their controller:
   * the pods of a Deployment are matched through its ReplicaSet `<name>-<pod-template-hash>`).
   */
  readonly workload: string;
  /** Why it does not go through Kueue (at least 10 characters; shown on the policy). */
  readonly reason: string;
}

/** What the platform's admission policies allow besides their defaults, and whether they deny. */
export interface AdmissionPolicyOptions {
  /**
   * Warn and audit, or enforce: the one setting between observing and enforcing the
   * platform's rules (GPU workloads through Kueue, allowed images, no host access, served
   * model sources). Run in WARN first, fix or exempt what the warnings name, then ENFORCE.
   * @default AdmissionPolicyMode.WARN
   */
  readonly mode?: AdmissionPolicyMode;
  /**
   * The mode of the training identity boundary (`cnai-training-identity`). It is not a rule
   * to roll out but the boundary between developers and the training identity's S3 write
   * rights (developers may create pods; without it, any pod of theirs could run as
   * `ml-training`), and nothing the platform runs needs what it denies, so it is enforced
   * from the start. WARN only while moving workloads that ran bare pods as the training
   * account to TrainJobs or queued Jobs.
   * @default AdmissionPolicyMode.ENFORCE
   */
  readonly trainingIdentityMode?: AdmissionPolicyMode;
  /**
   * The mode of the serving identity boundary (`cnai-serving-identity`): the served models'
   * service accounts (read rights on their model prefixes) run only in what controllers apply
   * and run for the platform, never in pods or workloads people create or change. Enforced from
   * the start for the same reason as the training identity's; WARN only while moving workloads of
   * your own off a served model's service account.
   * @default AdmissionPolicyMode.ENFORCE
   */
  readonly servingIdentityMode?: AdmissionPolicyMode;
  /**
   * What the `cnai-dormant-identities` binding does: no pod runs as a dormant service account
   * (one upstream creates with rights that nothing of the platform uses) and no token is issued
   * for it. Nothing legitimate uses them, so it denies from the start.
   * @default AdmissionPolicyMode.ENFORCE
   */
  readonly dormantIdentityMode?: AdmissionPolicyMode;
  /**
   * Dormant service accounts besides those of the platform's operator releases
   * (`OperatorRelease.dormantServiceAccounts`), e.g. of charts you install yourself.
   * @default - none
   */
  readonly dormantIdentities?: DormantIdentity[];
  /**
   * Workloads whose pods may request GPUs outside Kueue, besides the platform's served models.
   * @default - none
   */
  readonly gpuExemptions?: WorkloadExemption[];
  /**
   * Namespaces whose pods may access their node, besides the platform's own (kube-system for
   * the EKS add-ons, the GPU device plugin's, node exporter's, the EFA device plugin's).
   * @default - none
   */
  readonly hostAccessExemptions?: HostAccessExemption[];
  /**
   * Image sources besides the publishers of the images the library pins and the platform's
   * ECR namespace (`<registry>/<platform>-<environment>`, where the contract's repositories are): a registry (`quay.io`), an organisation (`docker.io/my-org`) or a
   * repository, without tag, digest or scheme.
   * @default - none
   */
  readonly additionalImageSources?: string[];
  /**
   * Key prefixes of the models bucket served models may load from, besides `served/`, the
   * registry's artifacts and the team's own training outputs (`training/<namespace>/`).
   * Each ends with `/`.
   * @default - none
   */
  readonly additionalModelPrefixes?: string[];
}

/** The exemptions the platform itself needs, each with its reason. */
export class AdmissionExemptions {
  /** The EKS add-ons in kube-system (VPC CNI, kube-proxy, EBS CSI node, Pod Identity agent) run privileged on the host network with host paths. */
  public static kubeSystem(): HostAccessExemption {
    return {
      namespace: 'kube-system',
      access: [HostAccess.PRIVILEGED, HostAccess.HOST_NETWORK, HostAccess.HOST_PID, HostAccess.HOST_IPC, HostAccess.HOST_PATH],
      reason: 'EKS add-ons: the VPC CNI, kube-proxy, the EBS CSI node plugin and the Pod Identity agent configure the node itself (privileged, host network, host paths)',
    };
  }

  /** The GPU support of the platform (NvidiaGpuSupport): the device plugin registers with the kubelet through a host socket. */
  public static gpuDevicePlugin(namespace: string): HostAccessExemption {
    return {
      namespace,
      access: [HostAccess.HOST_PATH],
      reason: 'the NVIDIA device plugin registers GPUs with the kubelet through its socket directory /var/lib/kubelet/device-plugins (hostPath)',
    };
  }

  /** A served model: a long-running GPU server, outside Kueue. */
  public static servedModel(namespace: string, workload: string, modelName: string): WorkloadExemption {
    return {
      namespace,
      workload,
      reason: `served model ${modelName}: a long-running server (not a batch workload Kueue admits); `
        + 'its GPUs count against the namespace\'s ResourceQuota, and LlmService checks them against the team\'s quota at synth time',
    };
  }

  /** The dormant service accounts of the operator releases (`OperatorRelease.dormantServiceAccounts`), each with its release's name in the reason. */
  public static dormantOfReleases(releases: OperatorRelease[]): DormantIdentity[] {
    return releases.flatMap((r) => r.dormantServiceAccounts.map((d) => ({ namespace: r.namespace, serviceAccount: d.name, reason: `${r.name}: ${d.reason}` })));
  }

  /**
   * The host access of the operator releases that need it, with their stated Pod Security
   * reason: node exporter (kube-prometheus-stack), the EFA device plugin, the NVIDIA device
   * plugin and DCGM exporter charts.
   */
  public static ofReleases(releases: OperatorRelease[]): HostAccessExemption[] {
    const out: HostAccessExemption[] = [];
    for (const r of releases) {
      const access = RELEASE_HOST_ACCESS[r.name];
      if (access) out.push({ namespace: r.namespace, access, reason: `${r.name}: ${r.podSecurityReason ?? 'needs host access'}` });
    }
    return out;
  }
}

/**
 * What the upstream pods of a release use of their node (read in the vendored charts):
 * node exporter (prometheus-node-exporter values: hostNetwork, hostPID, host root, /proc and
 * /sys mounts); the EFA device plugin (values securityContext.privileged, templates/daemonset.yaml
 * hostNetwork and hostPath); the NVIDIA device plugin chart (device plugin and GPU feature
 * discovery hostPath volumes, privileged containers in _helpers.tpl); DCGM exporter (hostPath
 * /var/lib/kubelet/pod-resources).
 */
const RELEASE_HOST_ACCESS: { [release: string]: HostAccess[] } = {
  'kube-prometheus-stack': [HostAccess.HOST_NETWORK, HostAccess.HOST_PID, HostAccess.HOST_PATH],
  'efa-device-plugin': [HostAccess.PRIVILEGED, HostAccess.HOST_NETWORK, HostAccess.HOST_PATH],
  'nvidia-device-plugin': [HostAccess.PRIVILEGED, HostAccess.HOST_PATH],
  'dcgm-exporter': [HostAccess.HOST_PATH],
};
