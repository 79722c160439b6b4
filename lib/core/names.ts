import { invalidProp } from './errors';

/**
 * Naming rules of Kubernetes and AWS, checked in one place, and the deterministic
 * names both layers derive from a platform name and an environment.
 */

/** A rule a name must satisfy, with the text an error shows. */
export interface NameRule {
  /** What kind of name this is (e.g. "S3 bucket name"). */
  readonly kind: string;
  /** Minimum length. */
  readonly minLength: number;
  /** Maximum length. */
  readonly maxLength: number;
  /**
   * Whole-name pattern: the source of a JavaScript regular expression (anchored, no flags),
   * a string so that the rule reads the same from every language.
   */
  readonly pattern: string;
  /** The rule in words, for error messages. */
  readonly description: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes and AWS naming rules. */
export const NAME_RULES = {
  /** DNS-1123 label: Namespaces, Services, most names that end up in DNS. */
  dns1123Label: {
    kind: 'DNS-1123 label',
    minLength: 1,
    maxLength: 63,
    pattern: DNS1123_LABEL.source,
    description: 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
  } as NameRule,
  /** DNS-1123 subdomain: names of most Kubernetes objects. */
  dns1123Subdomain: {
    kind: 'DNS-1123 subdomain',
    minLength: 1,
    maxLength: 253,
    pattern: DNS1123_SUBDOMAIN.source,
    description: 'lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit, at most 253 characters',
  } as NameRule,
  /** Kubernetes label value. */
  labelValue: {
    kind: 'Kubernetes label value',
    minLength: 0,
    maxLength: 63,
    pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.source,
    description: 'at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  } as NameRule,
  /** S3 bucket name (general purpose buckets; dots avoided so TLS virtual-host addressing works). */
  s3Bucket: {
    kind: 'S3 bucket name',
    minLength: 3,
    maxLength: 63,
    pattern: /^(?!xn--)(?!sthree-)(?!amzn-s3-demo-)[a-z0-9][a-z0-9-]*[a-z0-9]$(?<!-s3alias)(?<!--ol-s3)(?<!--x-s3)(?<!--table-s3)/.source,
    description: '3 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit, without a reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3)',
  } as NameRule,
  /** IAM role name. */
  iamRole: {
    kind: 'IAM role name',
    minLength: 1,
    maxLength: 64,
    pattern: /^[\w+=,.@-]+$/.source,
    description: '1 to 64 letters, digits and +=,.@_-',
  } as NameRule,
  /** EKS cluster name. */
  eksCluster: {
    kind: 'EKS cluster name',
    minLength: 1,
    maxLength: 100,
    pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/.source,
    description: '1 to 100 letters, digits, "-" and "_", starting with a letter or digit',
  } as NameRule,
  /** EKS managed node group name. */
  eksNodeGroup: {
    kind: 'EKS node group name',
    minLength: 1,
    maxLength: 63,
    pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/.source,
    description: '1 to 63 letters, digits, "-" and "_", starting with a letter or digit',
  } as NameRule,
  /** RDS DB instance identifier. */
  rdsInstance: {
    kind: 'RDS DB instance identifier',
    minLength: 1,
    maxLength: 63,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$|^[a-z]$/.source,
    description: '1 to 63 lowercase letters, digits and "-", starting with a letter, not ending with "-", without "--"',
  } as NameRule,
  /** ECR repository name. */
  ecrRepository: {
    kind: 'ECR repository name',
    minLength: 2,
    maxLength: 256,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.source,
    description: '2 to 256 lowercase letters and digits, separated by single ".", "_", "-" or "/"',
  } as NameRule,
};

/** True when `value` satisfies `rule`. */
export function satisfiesNameRule(value: string, rule: NameRule): boolean {
  return typeof value === 'string' && value.length >= rule.minLength && value.length <= rule.maxLength && compiled(rule.pattern).test(value);
}

/** Each rule's pattern compiled once. */
const COMPILED = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = COMPILED.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    COMPILED.set(pattern, re);
  }
  return re;
}

/**
 * Throws a clear error when `value` breaks `rule`.
 * @param construct construct path (or spec name) for the message
 * @param prop the prop the value came from
 */
export function assertName(construct: string, prop: string, value: string, rule: NameRule, fix?: string): string {
  if (!satisfiesNameRule(value, rule)) {
    const length = typeof value === 'string' ? ` (${value.length} characters)` : '';
    throw invalidProp(construct, prop, value, `not a valid ${rule.kind}${length}; it must be ${rule.description}`,
      fix ?? `choose a name of ${rule.description}`);
  }
  return value;
}

/** True for a DNS-1123 label. */
export function isDns1123Label(value: string): boolean {
  return satisfiesNameRule(value, NAME_RULES.dns1123Label);
}

/** True for a DNS-1123 subdomain. */
export function isDns1123Subdomain(value: string): boolean {
  return satisfiesNameRule(value, NAME_RULES.dns1123Subdomain);
}

/** The inputs every derived name comes from. */
export interface PlatformIdentity {
  /** Short platform name, a DNS-1123 label (e.g. `cnai`). */
  readonly platformName: string;
  /** Environment, a DNS-1123 label (e.g. `prod`, `dev`). */
  readonly environment: string;
  /** AWS region (e.g. `us-west-2`). */
  readonly region: string;
  /** 12-digit AWS account id; makes bucket names globally unique. */
  readonly accountId: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;

/** True for an AWS region code such as `us-west-2`. */
export function isAwsRegion(value: string): boolean {
  return typeof value === 'string' && REGION.test(value);
}

/** True for a 12-digit AWS account id (a string: a number would lose leading zeros). */
export function isAwsAccountId(value: string): boolean {
  return typeof value === 'string' && ACCOUNT.test(value);
}

/**
 * Derives every name the AWS and Kubernetes layers share from one platform identity,
 * so that both sides agree without a string being retyped.
 */
export class PlatformNaming {
  /** The platform name. */
  public readonly platformName: string;
  /** The environment. */
  public readonly environment: string;
  /** The AWS region. */
  public readonly region: string;
  /** The AWS account id. */
  public readonly accountId: string;
  /** `<platformName>-<environment>`: the prefix of every derived name. */
  public readonly prefix: string;

  /**
   * @param identity platform name, environment, region and account
   * @param construct construct path (or spec name) used in error messages
   */
  constructor(identity: PlatformIdentity, construct: string = 'platform') {
    assertName(construct, 'platformName', identity.platformName, NAME_RULES.dns1123Label);
    assertName(construct, 'environment', identity.environment, NAME_RULES.dns1123Label);
    if (typeof identity.region !== 'string' || !REGION.test(identity.region)) {
      throw invalidProp(construct, 'region', identity.region, 'not an AWS region code', 'use a region code such as "us-west-2" or "eu-central-1"');
    }
    // A number would lose leading zeros, so only a string is accepted.
    if (typeof identity.accountId !== 'string' || !ACCOUNT.test(identity.accountId)) {
      throw invalidProp(construct, 'accountId', identity.accountId, 'an AWS account id has exactly 12 digits', 'give the 12-digit account id as a string, e.g. "123456789012"');
    }
    this.platformName = identity.platformName;
    this.environment = identity.environment;
    this.region = identity.region;
    this.accountId = identity.accountId;
    this.prefix = `${identity.platformName}-${identity.environment}`;
    // The longest derived name is the datasets bucket: check it once, here, so a
    // too-long platform name fails with one message instead of several later.
    const longest = this.bucketName('datasets');
    if (longest.length > NAME_RULES.s3Bucket.maxLength) {
      throw invalidProp(construct, 'platformName', identity.platformName,
        `with environment ${JSON.stringify(identity.environment)} the derived bucket name "${longest}" has ${longest.length} characters, over S3's limit of 63`,
        `shorten platformName and environment to at most ${NAME_RULES.s3Bucket.maxLength - (longest.length - this.prefix.length) - 1} characters together`);
    }
  }

  /** The EKS cluster name. */
  public get clusterName(): string {
    return this.prefix;
  }

  /** A name for an AWS resource of this platform: `<prefix>-<purpose>`. */
  public resourceName(purpose: string): string {
    return `${this.prefix}-${purpose}`;
  }

  /**
   * The globally unique name of a platform bucket: `<prefix>-<purpose>-<account>-<region>`.
   * @param purpose e.g. `models`, `datasets`
   */
  public bucketName(purpose: string): string {
    // Not validated here: callers check it with their own construct path (assertName).
    return `${this.prefix}-${purpose}-${this.accountId}-${this.region}`;
  }

  /** The IAM role name of a workload identity; long names are shortened deterministically. */
  public roleName(purpose: string): string {
    return shorten(`${this.prefix}-${purpose}`, NAME_RULES.iamRole.maxLength);
  }
}

/**
 * Shortens a name to `max` characters deterministically: keeps the head and appends a
 * short hash of the whole name, so two long names stay distinct.
 */
export function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = fnv1a(name).toString(16).padStart(8, '0');
  // Too short for a head and the hash: the hash alone (still deterministic).
  if (max <= hash.length + 1) return hash.slice(0, Math.max(0, max));
  return `${name.slice(0, max - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/* eslint-disable no-bitwise */
// 32-bit FNV-1a: a tiny stable hash, so shortened names stay the same across runs and machines.
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
/* eslint-enable no-bitwise */

/** The naming checks as a class, for languages without free functions (jsii). */
export class NameRules {
  /** DNS-1123 label: Namespaces, Services, most names that end up in DNS. */
  public static readonly DNS1123_LABEL: NameRule = NAME_RULES.dns1123Label;
  /** DNS-1123 subdomain: names of most Kubernetes objects. */
  public static readonly DNS1123_SUBDOMAIN: NameRule = NAME_RULES.dns1123Subdomain;
  /** Kubernetes label value. */
  public static readonly LABEL_VALUE: NameRule = NAME_RULES.labelValue;
  /** S3 bucket name. */
  public static readonly S3_BUCKET: NameRule = NAME_RULES.s3Bucket;
  /** IAM role name. */
  public static readonly IAM_ROLE: NameRule = NAME_RULES.iamRole;
  /** EKS cluster name. */
  public static readonly EKS_CLUSTER: NameRule = NAME_RULES.eksCluster;
  /** EKS managed node group name. */
  public static readonly EKS_NODE_GROUP: NameRule = NAME_RULES.eksNodeGroup;
  /** RDS DB instance identifier. */
  public static readonly RDS_INSTANCE: NameRule = NAME_RULES.rdsInstance;
  /** ECR repository name. */
  public static readonly ECR_REPOSITORY: NameRule = NAME_RULES.ecrRepository;

  /** True when `value` satisfies `rule` (one of {@link NAME_RULES} or a rule of your own). */
  public static satisfies(value: string, rule: NameRule): boolean {
    return satisfiesNameRule(value, rule);
  }

  /**
   * Throws a clear error when `value` breaks `rule`; returns `value` otherwise.
   * @param construct construct path (or spec name) for the message
   * @param prop the prop the value came from
   * @param value the name
   * @param rule the rule
   * @param fix what the error tells the user to do (by default: choose a name the rule describes)
   */
  public static assert(construct: string, prop: string, value: string, rule: NameRule, fix?: string): string {
    return assertName(construct, prop, value, rule, fix);
  }

  private constructor() {}
}
