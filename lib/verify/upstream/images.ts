/**
 * Image references: parsing, and whether one is pinned (an explicit tag that is not
 * `latest`, or a digest). A bare name like `controller` is a placeholder that upstream
 * replaces at release time: it is never pullable as is.
 */

/** An image reference split into its parts. */
export interface ImageRef {
  /** Registry and repository, e.g. `ghcr.io/kubeflow/katib/katib-controller`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry[:port]/repo[:tag][@digest]`. */
export function parseImage(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Why an image reference is not pinned, or undefined when it is. */
export function imagePinProblem(ref: string): string | undefined {
  if (ref.trim() === '') return 'is empty';
  const image = parseImage(ref);
  if (image.digest) return undefined;
  if (image.tag === 'latest') return 'is on the floating tag latest';
  if (image.tag === undefined || image.tag === '') {
    if (!image.name.includes('/') && !image.name.includes('.')) {
      return 'is a placeholder (no registry, no repository path, no tag: upstream replaces it at release time, so it cannot be pulled)';
    }
    return 'has no tag (it pulls latest)';
  }
  return undefined;
}

/** An image found in an object, with its JSON path. */
export interface FoundImage {
  readonly path: string;
  readonly image: string;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Container images of an object (any `containers`, `initContainers`, `ephemeralContainers` list, and a `container` object). */
export function containerImages(value: unknown, at = ''): FoundImage[] {
  const out: FoundImage[] = [];
  const walk = (v: unknown, p: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`));
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as { [k: string]: unknown })) {
      const kp = p === '' ? k : `${p}.${k}`;
      if (CONTAINER_LISTS.has(k) && Array.isArray(x)) {
        x.forEach((c, i) => {
          const image = (c as { image?: unknown } | null)?.image;
          if (typeof image === 'string') out.push({ path: `${kp}[${i}].image`, image });
          walk(c, `${kp}[${i}]`);
        });
      } else if (k === 'container' && x && typeof x === 'object' && !Array.isArray(x) && typeof (x as { image?: unknown }).image === 'string') {
        out.push({ path: `${kp}.image`, image: (x as { image: string }).image });
        walk(x, kp);
      } else {
        walk(x, kp);
      }
    }
  };
  walk(value, at);
  return out;
}

const LATEST_IN_TEXT = /(?:[a-z0-9][a-z0-9._-]*(?::\d+)?\/)*[a-z0-9][a-z0-9._-]*:latest(?![\w.-])/gi;

/** Image references on `:latest` inside any string of an object (e.g. JSON held by a ConfigMap). */
export function latestImagesInStrings(value: unknown, at = ''): FoundImage[] {
  const out: FoundImage[] = [];
  const walk = (v: unknown, p: string) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(LATEST_IN_TEXT)) out.push({ path: p, image: m[0] });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as { [k: string]: unknown })) walk(x, p === '' ? k : `${p}.${k}`);
    }
  };
  walk(value, at);
  return out;
}
