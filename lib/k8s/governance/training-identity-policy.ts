/**
 * The training identity boundary. A team's training service account (`ml-training`) has the
 * training identity: it reads the datasets and writes the team's training outputs in the model
 * store. Developers may not create service accounts (their Role reads them only), and they
 * reach the identity only through workloads a controller runs:
 *
 * - a pod that runs as a training service account is created or changed by a controller (a
 *   service account: the Job, StatefulSet and ReplicaSet controllers, Kueue, the Spark driver
 *   starting its executors as itself), never by a person; a service account of the team
 *   namespace itself may only start pods that run as that same account;
 * - such a pod has an owner that controls it (a bare pod never runs as the training identity);
 * - Jobs and CronJobs that run as it are queued by Kueue (label `kueue.x-k8s.io/queue-name`);
 * - Deployments, StatefulSets, DaemonSets and ReplicaSets run as it only when a controller owns
 *   them (a Notebook's StatefulSet), never as long-running servers of their own.
 *
 * TrainJobs (and Katib trials, which are TrainJobs) reach it through Kueue: the TrainJob
 * carries the queue label (the Kueue policy), JobSet's Jobs are owned by their JobSet, and
 * their pods are created by the Job controller.
 */
import { k8s } from 'cdk8s-plus-27';
import { AdmissionPolicyProps } from './admission-policy';
import { BY_CONTROLLER, CONTROLLED, CREATION_OR_SPEC_CHANGE, LABELS, POD_RULES, POD_SPEC, QUEUE_LABEL, SERVICE_ACCOUNT, WORKLOAD_RULES, celString, celStringList } from './cel-expressions';

/** Name of the policy. */
export const TRAINING_IDENTITY_POLICY = 'cnai-training-identity';

/**
 * The training identity policy.
 * @param serviceAccounts the training service accounts
 * @param teams selector of the team namespaces
 */
export function trainingIdentityPolicy(serviceAccounts: string[], teams: k8s.LabelSelector): AdmissionPolicyProps {
  const queue = celString(QUEUE_LABEL);
  return {
    name: TRAINING_IDENTITY_POLICY,
    description: `In team namespaces, the training service accounts (${serviceAccounts.join(', ')}) run only in pods a controller creates for a Kueue-queued `
      + 'Job, a TrainJob or a Notebook: never in pods people create or change, bare pods, or servers of their own.',
    resourceRules: [...POD_RULES, ...WORKLOAD_RULES],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      POD_SPEC,
      SERVICE_ACCOUNT,
      { name: 'training', expression: `variables.serviceAccount in ${celStringList(serviceAccounts)}` },
      LABELS,
      BY_CONTROLLER,
      CONTROLLED,
      {
        name: 'ownNamespaceAccount',
        expression: 'request.userInfo.username.startsWith(\'system:serviceaccount:\' + request.namespace + \':\')',
      },
    ],
    validations: [
      {
        expression: 'object.kind != \'Pod\' || !variables.training || (variables.byController && (!variables.ownNamespaceAccount '
          + '|| request.userInfo.username == \'system:serviceaccount:\' + request.namespace + \':\' + variables.serviceAccount))',
        message: 'Only controllers create or change pods that run as the training identity: submit a TrainJob, or a Job in the team\'s Kueue queue '
          + `(label ${QUEUE_LABEL}).`,
        messageExpression: 'request.userInfo.username + \' may not create or change a pod that runs as \' + variables.serviceAccount '
          + `+ ': only controllers do; submit a TrainJob, or a Job in the team\\'s Kueue queue (label ${QUEUE_LABEL})'`,
      },
      {
        expression: 'object.kind != \'Pod\' || !variables.training || request.operation != \'CREATE\' || variables.controlled',
        message: 'A bare pod never runs as the training identity: its owner must control it (the Job of a TrainJob or of a queued Job, a Notebook\'s StatefulSet).',
      },
      {
        expression: `!(object.kind in ['Job', 'CronJob']) || !variables.training || variables.controlled || (object.kind == 'Job' ? ${queue} in variables.labels `
          + `: has(object.spec.jobTemplate.metadata) && has(object.spec.jobTemplate.metadata.labels) && ${queue} in object.spec.jobTemplate.metadata.labels)`,
        message: `A Job or CronJob that runs as the training identity is queued by Kueue: set the label ${QUEUE_LABEL} to the team's LocalQueue (on a CronJob: on its jobTemplate).`,
      },
      {
        expression: '!(object.kind in [\'Deployment\', \'StatefulSet\', \'DaemonSet\', \'ReplicaSet\']) || !variables.training || variables.controlled',
        message: 'A long-running workload of its own never runs as the training identity (only one a controller owns, such as a Notebook\'s StatefulSet): '
          + 'give it its own service account.',
      },
    ],
    bindings: [{ name: TRAINING_IDENTITY_POLICY, namespaceSelector: teams }],
  };
}
