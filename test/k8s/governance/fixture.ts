/** A small platform's admission policies and builders of the objects they judge. */
import { Chart, Testing } from 'cdk8s';
import { AdmissionRequest } from './admission';
import { PlatformContract } from '../../../lib/core';
import { AdmissionExemptions, HostAccess, PlatformAdmissionPolicies, PlatformAdmissionPoliciesProps } from '../../../lib/k8s';
import { contract, cpuPoolContract } from '../helpers';

export const ECR_TRAINER = '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-test/trainer';

/** The contract: models bucket `cnai-test-models`, one ECR repository. */
export const CONTRACT: PlatformContract = {
  ...contract([cpuPoolContract('system', 3)]),
  buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' },
  ecrRepositories: { trainer: `https://${ECR_TRAINER}` },
};

/** The labels TeamNamespace gives team `team-a`'s namespace. */
export const TEAM_A = { 'app.kubernetes.io/part-of': 'cnai-platform', 'cnai.io/team': 'team-a', 'pod-security.kubernetes.io/enforce': 'restricted' };

/** A person in the team's developer group. */
export const DEVELOPER = { username: 'alice@example.com', groups: ['team-a-developers', 'system:authenticated'] };
/** Argo CD, applying the platform's output. */
export const ARGO_CD = { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: ['system:serviceaccounts'] };
/** A control-plane controller. */
export const controller = (name: string) => ({ username: `system:serviceaccount:kube-system:${name}`, groups: ['system:serviceaccounts'] });

/** The policies of a platform with one served model (team-a/chat) and GPU support in nvidia-gpu. */
export function policyObjects(props: Partial<PlatformAdmissionPoliciesProps> = {}): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'governance');
  new PlatformAdmissionPolicies(chart, 'admission', {
    contract: CONTRACT,
    platformNamespaces: ['nvidia-gpu', 'mlflow'],
    gpuExemptions: [AdmissionExemptions.servedModel('team-a', 'chat', 'chat')],
    hostAccessExemptions: [
      AdmissionExemptions.gpuDevicePlugin('nvidia-gpu'),
      { namespace: 'monitoring', access: [HostAccess.HOST_NETWORK, HostAccess.HOST_PID, HostAccess.HOST_PATH], reason: 'node exporter reads the node' },
    ],
    ...props,
  });
  return Testing.synth(chart);
}

/** A container. */
export function container(image: string, extra: { [key: string]: unknown } = {}): { [key: string]: unknown } {
  return { name: 'main', image, ...extra };
}

/** GPU resources of a container. */
export const GPU = { resources: { requests: { 'cpu': '1', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } };

/** Metadata of an object. */
export interface Meta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: { [key: string]: string };
  readonly ownerReferences?: { [key: string]: unknown }[];
}

/** A Pod. */
export function pod(spec: { [key: string]: unknown }, meta: Meta = {}): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a', ...meta }, spec };
}

/** A workload of a built-in kind with a pod template (CronJob: in its job template). */
export function workload(kind: string, spec: { [key: string]: unknown }, meta: Meta = {}, templateLabels: { [key: string]: string } = {}): any {
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  const template = { metadata: { labels: { app: 'w', ...templateLabels } }, spec };
  const body = kind === 'CronJob'
    ? { schedule: '0 * * * *', jobTemplate: { metadata: { labels: { ...templateLabels } }, spec: { template } } }
    : { template, ...(kind === 'Job' ? {} : { selector: { matchLabels: { app: 'w' } } }) };
  return { apiVersion, kind, metadata: { name: 'w', namespace: 'team-a', ...meta }, spec: body };
}

/** The owner reference of a controller. */
export function ownedBy(kind: string, name: string, apiVersion: string = kind === 'Job' ? 'batch/v1' : 'apps/v1'): { [key: string]: unknown } {
  return { apiVersion, kind, name, uid: '6f1c1b2e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true };
}

/** Who sends a request. */
export interface Requester {
  readonly username: string;
  readonly groups?: string[];
}

/** A request creating `object` in team-a, by `who`. */
export function create(object: any, who: Requester = ARGO_CD, namespaceLabels: { [key: string]: string } = TEAM_A): AdmissionRequest {
  return { operation: 'CREATE', object, namespaceLabels, ...who };
}
