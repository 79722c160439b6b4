/**
 * The API server's rules for object names, label and annotation keys, and label values
 * (k8s.io/apimachinery/pkg/util/validation and each kind's name validation).
 */
import { NAME_RULES } from '../../core/names';

// The core's name rules carry their patterns as strings (jsii has no regular expressions): compiled once here.
const DNS1123_LABEL_RE = new RegExp(NAME_RULES.dns1123Label.pattern);
const DNS1123_SUBDOMAIN_RE = new RegExp(NAME_RULES.dns1123Subdomain.pattern);
const LABEL_VALUE_RE = new RegExp(NAME_RULES.labelValue.pattern);

/** How a kind's names are validated. */
export enum NameRuleKind {
  /** DNS-1123 subdomain: most kinds and every custom resource. */
  DNS_SUBDOMAIN = 'DNS-1123 subdomain',
  /** DNS-1123 label. */
  DNS_LABEL = 'DNS-1123 label',
  /** DNS-1035 label: like a DNS-1123 label but starting with a letter (Services). */
  DNS1035_LABEL = 'DNS-1035 label',
  /** Any string without "/" or "%" that is not "." or ".." (RBAC, flow control). */
  PATH_SEGMENT = 'path segment name',
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Core kinds whose names are not DNS-1123 subdomains (group/kind). */
const NAME_RULE_BY_KIND: { [groupKind: string]: NameRuleKind } = {
  '/Namespace': NameRuleKind.DNS_LABEL,
  '/Service': NameRuleKind.DNS1035_LABEL,
  'rbac.authorization.k8s.io/Role': NameRuleKind.PATH_SEGMENT,
  'rbac.authorization.k8s.io/ClusterRole': NameRuleKind.PATH_SEGMENT,
  'rbac.authorization.k8s.io/RoleBinding': NameRuleKind.PATH_SEGMENT,
  'rbac.authorization.k8s.io/ClusterRoleBinding': NameRuleKind.PATH_SEGMENT,
  'flowcontrol.apiserver.k8s.io/FlowSchema': NameRuleKind.PATH_SEGMENT,
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': NameRuleKind.PATH_SEGMENT,
};

/** Extra length limits (the name ends up in a label value or a derived name). */
const MAX_NAME_LENGTH: { [groupKind: string]: number } = {
  // The controller puts the Job name into the batch.kubernetes.io/job-name label.
  'batch/Job': 63,
  // Job names are the CronJob name plus an 11-character suffix.
  'batch/CronJob': 52,
};

/** Core kinds that are cluster-scoped (their namespace does not take part in identity). */
export const CLUSTER_SCOPED_CORE_KINDS = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass', 'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice', 'internal.apiserver.k8s.io/StorageVersion',
  'storagemigration.k8s.io/StorageVersionMigration',
]);

/** The name rule of a kind. */
export function nameRuleFor(group: string, kind: string): NameRuleKind {
  return NAME_RULE_BY_KIND[`${group}/${kind}`] ?? NameRuleKind.DNS_SUBDOMAIN;
}

/** Why `name` is not a valid name of `group/kind`, or undefined when it is. */
export function checkObjectName(group: string, kind: string, name: string): string | undefined {
  const rule = nameRuleFor(group, kind);
  let problem: string | undefined;
  switch (rule) {
    case NameRuleKind.DNS_LABEL:
      problem = ruleProblem(name, DNS1123_LABEL_RE, 63, NAME_RULES.dns1123Label.description);
      break;
    case NameRuleKind.DNS1035_LABEL:
      problem = ruleProblem(name, DNS1035_LABEL, 63, 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters');
      break;
    case NameRuleKind.PATH_SEGMENT:
      if (name === '.' || name === '..') problem = 'may not be "." or ".."';
      else if (/[/%]/.test(name)) problem = 'may not contain "/" or "%"';
      break;
    default:
      problem = ruleProblem(name, DNS1123_SUBDOMAIN_RE, 253, NAME_RULES.dns1123Subdomain.description);
  }
  if (problem) return `name ${JSON.stringify(name)} is not a valid ${rule}: ${problem}`;
  const max = MAX_NAME_LENGTH[`${group}/${kind}`];
  if (max !== undefined && name.length > max) {
    return `name ${JSON.stringify(name)} has ${name.length} characters; a ${kind} name may have at most ${max}`;
  }
  return undefined;
}

function ruleProblem(value: string, pattern: RegExp, max: number, description: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > max) return `it has ${value.length} characters (at most ${max})`;
  if (!pattern.test(value)) return `it must consist of ${description}`;
  return undefined;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Why `key` is not a valid label or annotation key (`[prefix/]name`), or undefined. */
export function checkQualifiedName(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) return 'its prefix (before "/") is empty';
    if (prefix.length > 253) return `its prefix has ${prefix.length} characters (at most 253)`;
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) return `its prefix "${prefix}" must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")`;
  } else if (parts.length > 2) {
    return 'it may contain at most one "/"';
  }
  if (name.length === 0) return 'its name part is empty';
  if (name.length > 63) return `its name part has ${name.length} characters (at most 63)`;
  if (!QUALIFIED_NAME.test(name)) return 'its name part must consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) return `it has ${value.length} characters (at most 63)`;
  if (!LABEL_VALUE_RE.test(value)) return 'it must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}
