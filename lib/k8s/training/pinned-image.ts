import { invalidProp } from '../../core/errors';

const DIGEST = /@sha256:[a-f0-9]{64}$/;
const REFERENCE = /^([a-zA-Z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/**
 * Checks that an image reference is pinned: a tag other than `latest`, or a digest.
 * Unpinned images change under a running platform and make a run impossible to repeat.
 * @internal
 */
export function checkPinnedImage(where: string, prop: string, image: string): string {
  if (typeof image !== 'string' || !REFERENCE.test(image)) {
    throw invalidProp(where, prop, image, 'not a container image reference', 'give registry/repository:tag or registry/repository@sha256:<digest>');
  }
  const lastPart = image.replace(DIGEST, '').split('/').pop() ?? '';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
  if (tag === undefined && !DIGEST.test(image)) {
    throw invalidProp(where, prop, image, 'the image is not pinned: it has neither a tag nor a digest (the registry serves whatever "latest" is today)',
      'pin a version tag (e.g. ":v1.11.0") or a digest ("@sha256:...")');
  }
  if (tag === 'latest' && !DIGEST.test(image)) {
    throw invalidProp(where, prop, image, 'the image is not pinned: the tag "latest" changes under a running platform',
      'pin a version tag (e.g. ":v1.11.0") or a digest ("@sha256:...")');
  }
  return image;
}
