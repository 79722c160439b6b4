/** Label Kueue reads to put a workload into a LocalQueue. */
export const QUEUE_NAME_LABEL = 'kueue.x-k8s.io/queue-name';

/** Label the training constructs put on every pod they define, for network flows. */
export const WORKLOAD_LABEL = 'cnai.io/workload';

/** The extended resource of EFA interfaces (AWS EFA device plugin). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** Namespace label that lets Katib's webhook inject its metrics collector into trial pods. */
export const KATIB_INJECTION_LABEL = 'katib.kubeflow.org/metrics-collector-injection';
