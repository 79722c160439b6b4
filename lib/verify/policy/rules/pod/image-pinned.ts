import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** The tag of an image reference (`undefined` when it has none), or `@digest`. */
export function imageVersion(image: string): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

/** Images pinned to a tag or digest, never latest. */
export const POD_IMAGE_PINNED: KubernetesRule = {
  id: 'pod-image-pinned',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Every image is pinned to a version tag or a digest, never latest or untagged.',
  explanation: 'An image without a tag is :latest, and latest (like any moving tag) runs whatever was pushed last: what '
    + 'was reviewed and scanned is not what runs, and a rollback is not possible. Containers without an image (a KServe '
    + 'model container filled in from its ServingRuntime) are not applicable.',
  benchmarks: [Benchmarks.kubernetesDocs('Images: "avoid using the :latest tag"', 'https://kubernetes.io/docs/concepts/containers/images/#image-names'),
    Benchmarks.eksBestPractices('Use immutable tags with ECR', 'https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec).flatMap((c) => {
      const image = c.spec.image;
      if (typeof image !== 'string' || image === '') return [];
      const version = imageVersion(image);
      if (version !== undefined && version !== 'latest' && version !== '') return [];
      return [{ subject: `${pod.prefix}${c.subject}`, message: `runs ${image}${version === undefined ? ' (no tag: latest)' : ''}`, fix: 'pin a version tag or a digest (lib/core/versions.ts pins every image of the library)' }];
    }));
  },
};
