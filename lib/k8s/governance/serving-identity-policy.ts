/**
 * The serving identity boundary. A served model's service account (e.g. `chat`) has its serving
 * identity: it reads the model's prefix of the model store. The platform's own objects (the vLLM
 * Deployment, the InferenceService, applied by Argo CD; KServe's predictor Deployment; the pods
 * of their ReplicaSets) are the only ones that run as it:
 *
 * - a pod that runs as a serving service account is created or changed by a controller and has
 *   an owner that controls it (never a bare pod, never a pod a person creates or changes);
 * - a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob that runs as it, and an
 *   InferenceService whose predictor runs as it, are created and changed by a controller (Argo
 *   CD syncing the platform's output, KServe, the Deployment controller), never by a person.
 *
 * So a developer, who may create pods and workloads in the team's namespace, cannot start or
 * change a workload that runs as a serving identity; changing a served model goes through the
 * platform's output (git). A service account of the team namespace itself may only start pods
 * that run as that same account.
 */
import { k8s } from 'cdk8s-plus-27';
import { AdmissionPolicyProps, AdmissionOperation } from './admission-policy';
import { BY_CONTROLLER, CONTROLLED, CREATION_OR_SPEC_CHANGE, WORKLOAD_RULES, celStringList } from './cel-expressions';

/** Name of the policy. */
export const SERVING_IDENTITY_POLICY = 'cnai-serving-identity';

/**
 * The serving identity policy.
 * @param serviceAccounts the serving service accounts
 * @param teams selector of the team namespaces
 */
export function servingIdentityPolicy(serviceAccounts: string[], teams: k8s.LabelSelector): AdmissionPolicyProps {
  const accounts = celStringList(serviceAccounts);
  return {
    name: SERVING_IDENTITY_POLICY,
    description: `In team namespaces, the serving service accounts (${serviceAccounts.join(', ') || 'none'}) run only in the workloads controllers apply and `
      + 'run for the platform (Argo CD, KServe, the Deployment controller): never in pods or workloads people create or change.',
    resourceRules: [
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: [AdmissionOperation.CREATE, AdmissionOperation.UPDATE] },
      ...WORKLOAD_RULES,
      { apiGroups: ['serving.kserve.io'], apiVersions: ['v1beta1'], resources: ['inferenceservices'], operations: [AdmissionOperation.CREATE, AdmissionOperation.UPDATE] },
    ],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      {
        name: 'podSpec',
        expression: "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec "
          + ": object.kind == 'InferenceService' ? (has(object.spec.predictor) ? object.spec.predictor : {}) : object.spec.template.spec",
      },
      {
        name: 'serviceAccount',
        expression: "has(variables.podSpec.serviceAccountName) ? variables.podSpec.serviceAccountName : has(variables.podSpec.serviceAccount) ? variables.podSpec.serviceAccount : 'default'",
      },
      { name: 'serving', expression: `variables.serviceAccount in ${accounts}` },
      BY_CONTROLLER,
      CONTROLLED,
      {
        name: 'ownNamespaceAccount',
        expression: 'request.userInfo.username.startsWith(\'system:serviceaccount:\' + request.namespace + \':\')',
      },
    ],
    validations: [
      {
        expression: '!variables.serving || (variables.byController && (!variables.ownNamespaceAccount '
          + '|| request.userInfo.username == \'system:serviceaccount:\' + request.namespace + \':\' + variables.serviceAccount))',
        message: 'Only controllers create or change what runs as a serving identity: change the served model in the platform\'s output, which Argo CD applies.',
        messageExpression: 'request.userInfo.username + \' may not create or change a \' + object.kind + \' that runs as \' + variables.serviceAccount '
          + '+ \': it is a served model\\\'s identity; change the served model in the platform\\\'s output, which Argo CD applies, or give your workload its own service account\'',
      },
      {
        expression: 'object.kind != \'Pod\' || !variables.serving || request.operation != \'CREATE\' || variables.controlled',
        message: 'A bare pod never runs as a serving identity: its owner must control it (the ReplicaSet of the served model\'s Deployment).',
      },
    ],
    bindings: [{ name: SERVING_IDENTITY_POLICY, namespaceSelector: teams }],
  };
}
