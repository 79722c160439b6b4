import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NAME_RULES, assertName } from '../../core/names';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { PodSecurityLevel, createNamespace, namespacesInApp } from '../pod-security';
import { INamespaceOwner } from '../workload-selector';

/** Label of the pods of the platform's data services. */
export const DATA_SERVICE_LABEL = 'cnai.io/data-service';

/**
 * The namespace of a data service (vector database, model registry) when the user gives
 * none: restricted Pod Security, the platform's namespace labels (its monitors are scraped),
 * and namespace-wide default-deny (NamespaceIsolation: no traffic in or out but DNS and the
 * flows the services declare), created once per app (a second service of the same name
 * reuses it). A namespace the app declares otherwise is used as it is.
 */
export class DataServiceNamespace extends Construct implements INamespaceOwner {
  /** The owner of namespace `name`: a new restricted Namespace, unless the app already declares one. */
  public static ensure(scope: Construct, name: string, kubernetesVersion?: string): INamespaceOwner {
    assertName(scope.node.path, 'namespace', name, NAME_RULES.dns1123Label);
    const existing = scope.node.root.node.findAll()
      .find((c) => c instanceof DataServiceNamespace && c.namespaceName === name) as DataServiceNamespace | undefined;
    if (existing) return existing;
    if (namespacesInApp(scope).has(name)) return { namespaceName: name };
    return new DataServiceNamespace(scope, `Namespace-${name}`, name, kubernetesVersion);
  }

  public readonly namespaceName: string;
  /** The Namespace object. */
  public readonly apiObject: ApiObject;
  /** The namespace's default-deny NetworkPolicies. */
  public readonly isolation: NamespaceIsolation;

  private constructor(scope: Construct, id: string, name: string, kubernetesVersion?: string) {
    super(scope, id);
    this.namespaceName = name;
    this.apiObject = createNamespace(this, 'Resource', { name, level: PodSecurityLevel.RESTRICTED, kubernetesVersion, labels: { ...PLATFORM_NAMESPACE_LABELS } });
    this.isolation = NamespaceIsolation.ensure(this, name);
  }
}

/** The standard labels of a data service's pods. */
export function dataServiceLabels(service: string, instance: string, component: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/name': service,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'cnai-constructs',
    [DATA_SERVICE_LABEL]: instance,
  };
}
