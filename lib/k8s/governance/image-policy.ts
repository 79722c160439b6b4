/**
 * Images come from known sources and are pinned: in team namespaces and in the namespaces of
 * the platform's own workloads, every container image (init and ephemeral containers
 * included) comes from an allowed source and names a tag other than `latest`, or a digest.
 */
import { k8s } from 'cdk8s-plus-27';
import { AdmissionPolicyBinding, AdmissionPolicyProps } from './admission-policy';
import { CONTAINERS, CREATION_OR_SPEC_CHANGE, POD_AND_DEBUG_RULES, POD_SPEC, WORKLOAD_RULES, celStringList } from './cel-expressions';

/** Name of the policy. */
export const IMAGE_POLICY = 'cnai-allowed-images';

/**
 * The image policy.
 * @param sources allowed image name prefixes (registry, organisation or repository, normalized: `docker.io/...`)
 * @param teams selector of the team namespaces
 * @param platformNamespaces namespaces of the platform's own workloads
 */
export function imagePolicy(sources: string[], teams: k8s.LabelSelector, platformNamespaces: string[]): AdmissionPolicyProps {
  const bindings: AdmissionPolicyBinding[] = [{ name: `${IMAGE_POLICY}-teams`, namespaceSelector: teams }];
  if (platformNamespaces.length > 0) {
    bindings.push({
      name: `${IMAGE_POLICY}-platform`,
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...platformNamespaces].sort() }] },
    });
  }
  return {
    name: IMAGE_POLICY,
    description: 'Images come from the publishers of the images the library pins or from the platform\'s ECR namespace (its repositories), '
      + 'and are pinned: a tag other than latest, or a digest.',
    resourceRules: [...POD_AND_DEBUG_RULES, ...WORKLOAD_RULES],
    matchConditions: [CREATION_OR_SPEC_CHANGE],
    variables: [
      POD_SPEC,
      CONTAINERS,
      { name: 'images', expression: 'variables.containers.map(c, has(c.image) ? c.image : \'\')' },
      { name: 'sources', expression: celStringList(sources) },
      {
        // Without a digest, the tag is what follows the last ':' after the last '/' (a ':' before it is a registry port).
        name: 'unpinned',
        expression: 'variables.images.filter(i, !i.matches(\'@sha256:[0-9a-f]{64}$\') && (i.lastIndexOf(\':\') <= i.lastIndexOf(\'/\') '
          + '|| i.substring(i.lastIndexOf(\':\') + 1) == \'latest\'))',
      },
      {
        // The name without tag or digest, with Docker Hub's implicit registry and library/ made explicit.
        name: 'repositories',
        expression: 'variables.images.map(i, i.split(\'@\')[0])'
          + '.map(n, n.lastIndexOf(\':\') > n.lastIndexOf(\'/\') ? n.substring(0, n.lastIndexOf(\':\')) : n)'
          + '.map(r, r.indexOf(\'/\') < 0 ? \'docker.io/library/\' + r'
          + ' : (r.split(\'/\')[0].contains(\'.\') || r.split(\'/\')[0].contains(\':\') || r.split(\'/\')[0] == \'localhost\') ? r : \'docker.io/\' + r)',
      },
      { name: 'untrusted', expression: 'variables.repositories.filter(r, !variables.sources.exists(s, r == s || r.startsWith(s + \'/\')))' },
    ],
    validations: [
      {
        expression: 'size(variables.unpinned) == 0',
        message: 'Every image names a tag other than latest, or a digest (@sha256:...): an unpinned image changes under a running workload.',
        messageExpression: '\'images must name a tag other than latest, or a digest: \' + variables.unpinned.join(\', \')',
      },
      {
        expression: 'size(variables.untrusted) == 0',
        message: 'Every image comes from an allowed source: the publishers of the images the platform pins, or the platform\'s ECR repositories '
          + '(additionalImageSources adds more).',
        messageExpression: '\'images must come from the platform\\\'s ECR repositories or the publishers of its pinned images, not: \' + variables.untrusted.join(\', \')',
      },
    ],
    bindings,
  };
}
