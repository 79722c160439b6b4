import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { WORKLOAD_LABEL } from './labels';
import { invalidProp } from '../../core/errors';
import { SecretKeyRef } from '../common/secret-key-ref';
import { IRegistryConnection } from '../registry/registry-connection';
import { TeamNamespace } from '../team-namespace';

/** Address and port of the EKS Pod Identity agent on every node (where pods get AWS credentials). */
const POD_IDENTITY_AGENT = { ipv4: '169.254.170.23/32', ipv6: 'fd00:ec2::23/128', port: 80 };

/** An environment variable: a literal or a Secret key. @internal */
export interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { secretKeyRef: { name: string; key: string } };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Merges environment sources in order (later ones win) into a sorted list, checking names.
 * @internal
 */
export function envList(where: string, literal: { [name: string]: string }[], secret: { [name: string]: SecretKeyRef }[]): EnvEntry[] {
  const out = new Map<string, EnvEntry>();
  for (const m of literal) {
    for (const [name, value] of Object.entries(m)) {
      if (!ENV_NAME.test(name)) throw invalidProp(where, `env.${name}`, value, 'not an environment variable name', 'use letters, digits and "_", not starting with a digit');
      out.set(name, { name, value: String(value) });
    }
  }
  for (const m of secret) {
    for (const [name, ref] of Object.entries(m)) {
      if (!ENV_NAME.test(name)) throw invalidProp(where, `secretEnv.${name}`, ref?.secretName, 'not an environment variable name', 'use letters, digits and "_", not starting with a digit');
      if (!(ref instanceof SecretKeyRef)) {
        throw invalidProp(where, `secretEnv.${name}`, '<not shown>', 'not a SecretKeyRef', 'pass SecretKeyRef.fromName("<secret>", "<key>")');
      }
      out.set(name, { name, valueFrom: ref.toEnvVarSource() });
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The ServiceAccount of a namespace, created once per app: several workloads of a team
 * share its workload identity (the AWS layer associates the role with namespace and name).
 * @internal
 */
export function ensureServiceAccount(scope: Construct, namespace: string, name: string, automountToken: boolean): void {
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'ServiceAccount' && c.metadata.namespace === namespace && c.name === name) {
      const mounts = (c.toJson() as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
      if (automountToken && mounts === false) {
        throw invalidProp(scope.node.path, 'serviceAccountName', name, `the ServiceAccount ${namespace}/${name} exists without a mounted API token, which this workload (a Spark driver) needs`,
          'give this workload its own serviceAccountName');
      }
      return;
    }
  }
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'cnai-training' },
      annotations: { 'cnai.io/purpose': 'workload identity of training workloads (EKS Pod Identity association on the AWS layer)' },
    },
    automountServiceAccountToken: automountToken,
  });
}

/** What a workload's pods must reach outside their namespace. @internal */
export interface EgressNeeds {
  /** HTTPS anywhere (S3, Hugging Face, package indexes). */
  readonly https: boolean;
  /** The Pod Identity agent (AWS credentials). */
  readonly podIdentity: boolean;
  /** Pods of the same workload talk to each other (distributed training, Spark). */
  readonly peers: boolean;
}

/**
 * NetworkPolicies of one workload in a team namespace (on top of the namespace's default
 * deny): egress it needs, traffic among its own pods, and the registry flow.
 * @internal
 */
export function workloadNetwork(scope: Construct, team: TeamNamespace, workload: string, needs: EgressNeeds,
  registry?: IRegistryConnection, podLabels: { [key: string]: string } = { [WORKLOAD_LABEL]: workload }): void {
  const ns = team.namespaceName;
  const selector = { matchLabels: { ...podLabels } };
  const egress: k8s.NetworkPolicyEgressRule[] = [];
  if (needs.https) {
    // S3 and the Hub have no fixed addresses: any peer, port 443 only.
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] });
  }
  if (needs.podIdentity) {
    egress.push({
      to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.ipv4 } }, { ipBlock: { cidr: POD_IDENTITY_AGENT.ipv6 } }],
      ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(POD_IDENTITY_AGENT.port) }],
    });
  }
  if (egress.length > 0) {
    new k8s.KubeNetworkPolicy(scope, 'EgressPolicy', {
      metadata: { name: `${workload}-egress`, namespace: ns },
      spec: { podSelector: selector, policyTypes: ['Egress'], egress },
    });
  }
  if (needs.peers) {
    new k8s.KubeNetworkPolicy(scope, 'PeersPolicy', {
      metadata: { name: `${workload}-peers`, namespace: ns },
      spec: {
        podSelector: selector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: selector }] }],
        egress: [{ to: [{ podSelector: selector }] }],
      },
    });
  }
  if (registry) {
    team.allowTo(registry.server, registry.port, team.workloads(podLabels));
  }
}
