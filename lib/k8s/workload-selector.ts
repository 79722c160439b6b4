import { invalidProp } from '../core/errors';
import { NAME_RULES, assertName, satisfiesNameRule } from '../core/names';

/** Something that owns a namespace (e.g. a TeamNamespace). */
export interface INamespaceOwner {
  /** Namespace name. */
  readonly namespaceName: string;
}

/** Labels a selector matches exactly (`matchLabels`). */
export interface MatchLabelsSelector {
  /** The labels. */
  readonly matchLabels: { [key: string]: string };
}

/** A NetworkPolicy peer that selects pods by their namespace and their labels. */
export interface NetworkPolicyPeerSelector {
  /** Selects the namespace by its `kubernetes.io/metadata.name` label. */
  readonly namespaceSelector: MatchLabelsSelector;
  /** Selects the pods by their labels. */
  readonly podSelector: MatchLabelsSelector;
}

/**
 * The pods of one workload, as a network peer: a namespace and pod labels. Built from the
 * namespace's owner (`team.workloads({...})`) so a flow never names a namespace by hand.
 */
export class WorkloadSelector {
  /**
   * Pods with the given labels in a namespace. Prefer `team.workloads(labels)`.
   * @param namespace namespace name (must be declared as a Namespace in the app)
   * @param podLabels labels of the pods; empty for every pod of the namespace
   */
  public static inNamespace(namespace: string, podLabels: { [key: string]: string } = {}): WorkloadSelector {
    return new WorkloadSelector(namespace, podLabels, undefined);
  }

  /**
   * Pods with the given labels in the namespace of an owner.
   * @param owner the namespace's owner (a TeamNamespace)
   * @param podLabels labels of the pods; empty for every pod of the namespace
   */
  public static of(owner: INamespaceOwner, podLabels: { [key: string]: string } = {}): WorkloadSelector {
    return new WorkloadSelector(owner.namespaceName, podLabels, owner);
  }

  /** Namespace of the pods. */
  public readonly namespace: string;
  /** Labels of the pods. */
  public readonly podLabels: { [key: string]: string };
  /** The owner of the namespace, when known. */
  public readonly owner?: INamespaceOwner;

  private constructor(namespace: string, podLabels: { [key: string]: string }, owner?: INamespaceOwner) {
    const where = `WorkloadSelector(${namespace})`;
    assertName(where, 'namespace', namespace, NAME_RULES.dns1123Label);
    for (const [k, v] of Object.entries(podLabels)) {
      if (!satisfiesNameRule(v, NAME_RULES.labelValue)) {
        throw invalidProp(where, `podLabels.${k}`, v, `not a valid label value; it must be ${NAME_RULES.labelValue.description}`, 'use the labels the workload\'s pods carry');
      }
    }
    this.namespace = namespace;
    this.podLabels = { ...podLabels };
    this.owner = owner;
  }

  /** The NetworkPolicy peer that selects these pods. */
  public toPeer(): NetworkPolicyPeerSelector {
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.namespace } },
      podSelector: { matchLabels: { ...this.podLabels } },
    };
  }
}
