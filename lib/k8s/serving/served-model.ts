/**
 * What every served model's construct resolves the same way (LlmService, PredictiveService):
 * its source, name, replica count, workload identity and the labels of its objects. Internal to
 * the serving constructs (not exported from the library's index).
 */
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ModelSource, ModelSourceKind } from '../common/model-source';

/** KServe names its Service `<name>-predictor`: a name of at most this many characters keeps it a DNS-1123 label. */
export const KSERVE_MAX_NAME_LENGTH = 53;

/**
 * The source, checked to be a ModelSource (a string URI is refused without being shown: it may carry a token).
 * @param fix how to build a source the construct takes
 */
export function checkModelSource(where: string, source: unknown, fix: string): ModelSource {
  if (!(source instanceof ModelSource)) {
    const shown = typeof source === 'string' ? '<string, not shown>' : source;
    throw invalidProp(where, 'source', shown, 'not a ModelSource', fix);
  }
  return source;
}

/** A name KServe can put in front of `-predictor` (checked when the server is a KServe InferenceService). */
export function checkKServeName(where: string, name: string): string {
  if (name.length > KSERVE_MAX_NAME_LENGTH) {
    throw invalidProp(where, 'name', name, 'KServe names its Service <name>-predictor, which must stay within 63 characters',
      `use a name of at most ${KSERVE_MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** The ServiceAccount's name (a DNS-1123 subdomain), by default the service's. */
export function servedModelServiceAccount(where: string, serviceAccountName: string | undefined, name: string): string {
  return assertName(where, 'serviceAccountName', serviceAccountName ?? name, NAME_RULES.dns1123Subdomain);
}

/**
 * The fixed replica count when no autoscaling is given (default 1); a count beside autoscaling,
 * or below 1, is refused.
 * @param fix how to give a valid count
 */
export function fixedReplicas(where: string, replicas: number | undefined, autoscaled: boolean, fix: string): number {
  if (autoscaled && replicas !== undefined) {
    throw invalidProp(where, 'replicas', replicas, 'a fixed count and autoscaling are both given', 'drop replicas (autoscaling sets minReplicas and maxReplicas), or drop autoscaling');
  }
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1)) {
    throw invalidProp(where, 'replicas', replicas, 'not a whole number of at least 1', fix);
  }
  return replicas ?? 1;
}

/**
 * For a model in S3, checks that the contract gives the ServiceAccount a workload identity (the
 * AWS layer associates the model store's read role with it), and returns the region the loader
 * is told (the source's, else the contract's for S3).
 * @param reader what reads the model (in the problem: "the pods", "the storage initializer")
 */
export function modelStoreRegion(where: string, source: ModelSource, contract: PlatformContract | undefined,
  namespace: string, serviceAccount: string, reader: string): string | undefined {
  if (source.kind === ModelSourceKind.S3 && contract) {
    const known = contract.workloadIdentities.some((w) => w.namespace === namespace && w.serviceAccount === serviceAccount);
    if (!known) {
      throw invalidProp(where, 'serviceAccountName', `${namespace}/${serviceAccount}`,
        `the contract has no workload identity for it, so ${reader} cannot read ${source.storageUri}`,
        `add a WorkloadIdentity for namespace ${namespace} and service account ${serviceAccount} with read access to the model store in the AWS layer (ModelStore.grantRead)`);
    }
  }
  return source.region ?? (source.kind === ModelSourceKind.S3 ? contract?.region : undefined);
}

/** The labels of a served model's objects: the recommended app labels, its selector label and `extra`. */
export function servedModelLabels(name: string, component: string, selectorLabel: string,
  extra: { [key: string]: string }): { [key: string]: string } {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'cnai-platform',
    'app.kubernetes.io/managed-by': 'cnai-constructs',
    [selectorLabel]: name,
    ...extra,
  };
}
