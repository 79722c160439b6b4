/**
 * Objects that controllers create at run time from objects of the model, which other objects
 * then refer to: the Secret of an ExternalSecret (External Secrets operator), the Secret of a
 * cert-manager Certificate, the PersistentVolumeClaims of a StatefulSet's volumeClaimTemplates.
 */
import { KubeObject } from '../upstream/types';
import { CreatedObject } from './adapters/adapter';
import { asArray, asObject, asString, at, groupOf } from './kinds';

/** Annotation on a modelled Secret whose keys cannot all be known offline (dataFrom, templateFrom). */
export const UNKNOWN_KEYS_ANNOTATION = 'verify.cnai.io/keys-unknown';

function externalSecretTarget(obj: KubeObject, namespace: string): CreatedObject | undefined {
  const spec = asObject(obj.spec) ?? {};
  const target = asObject(spec.target) ?? {};
  const policy = asString(target.creationPolicy) ?? 'Owner';
  // Merge patches a Secret someone else creates; None creates nothing.
  if (policy === 'Merge' || policy === 'None') return undefined;
  const name = asString(target.name) ?? obj.metadata.name ?? '';
  const template = asObject(target.template);
  const templated = Object.keys(asObject(template?.data) ?? {});
  const fromData = asArray(spec.data).map((d) => asString(asObject(d)?.secretKey)).filter((k): k is string => !!k);
  const templateFrom = asArray(template?.templateFrom).length > 0;
  // A template with data (mergePolicy Replace, the default) keeps only the templated keys.
  const replaces = (templated.length > 0 || templateFrom) && asString(template?.mergePolicy) !== 'Merge';
  const keys = replaces ? templated : [...fromData, ...templated];
  const unknown = asArray(spec.dataFrom).length > 0 || templateFrom;
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, ...(unknown ? { annotations: { [UNKNOWN_KEYS_ANNOTATION]: 'true' } } : {}) },
      data: Object.fromEntries(keys.map((k) => [k, ''])),
    },
    providedBy: `External Secrets operator (target of ExternalSecret ${namespace}/${obj.metadata.name})`,
  };
}

function certificateSecret(obj: KubeObject, namespace: string): CreatedObject | undefined {
  const name = asString(at(obj, 'spec.secretName'));
  if (!name) return undefined;
  return {
    object: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '', 'ca.crt': '' } },
    providedBy: `cert-manager (secretName of Certificate ${namespace}/${obj.metadata.name})`,
  };
}

function statefulSetClaims(obj: KubeObject, namespace: string): CreatedObject[] {
  const name = obj.metadata.name ?? '';
  const replicas = typeof at(obj, 'spec.replicas') === 'number' ? at(obj, 'spec.replicas') as number : 1;
  return asArray(at(obj, 'spec.volumeClaimTemplates')).flatMap((raw) => {
    const t = asObject(raw);
    const claim = asString(at(t, 'metadata.name'));
    if (!t || !claim) return [];
    return Array.from({ length: replicas }, (_, i) => ({
      object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${claim}-${name}-${i}`, namespace }, spec: t.spec },
      providedBy: `StatefulSet controller (volumeClaimTemplate ${claim} of StatefulSet ${namespace}/${name})`,
    }));
  });
}

/** What controllers create from `obj` (in `namespace`). */
export function controllerCreatedObjects(obj: KubeObject, namespace: string): CreatedObject[] {
  const group = groupOf(obj.apiVersion);
  if (group === 'external-secrets.io' && obj.kind === 'ExternalSecret') return [externalSecretTarget(obj, namespace)].filter((o): o is CreatedObject => !!o);
  if (group === 'cert-manager.io' && obj.kind === 'Certificate') return [certificateSecret(obj, namespace)].filter((o): o is CreatedObject => !!o);
  if (group === 'apps' && obj.kind === 'StatefulSet') return statefulSetClaims(obj, namespace);
  return [];
}
