/**
 * Where images may come from: the publishers of the images the library pins, and the
 * platform's own ECR namespace. Internal to the image policy.
 */
import { PlatformContract } from '../../core/contract';
import {
  ASSISTANT_IMAGES, BOOTSTRAP_IMAGES, CHAT_UI_IMAGES, DATA_SERVICE_IMAGES, GATEWAY_IMAGES, GPU_IMAGES, IMAGES, KSERVE_RUNTIME_IMAGES,
  OBSERVABILITY_IMAGES,
  OPERATOR_IMAGES,
  PinnedImage, TRAINING_IMAGES,
} from '../../core/versions';

/** Every image the library pins (lib/core/versions.ts). */
function pinnedImages(): PinnedImage[] {
  const groups = [IMAGES, GPU_IMAGES, OPERATOR_IMAGES, KSERVE_RUNTIME_IMAGES, TRAINING_IMAGES, DATA_SERVICE_IMAGES, OBSERVABILITY_IMAGES];
  return [...groups, BOOTSTRAP_IMAGES, GATEWAY_IMAGES, CHAT_UI_IMAGES, ASSISTANT_IMAGES]
    .flatMap((group) => Object.values(group) as PinnedImage[]);
}

/**
 * The image name as the container runtime resolves it: a reference without a registry host
 * (no `.` or `:` in its first part, and not `localhost`) is on Docker Hub (`docker.io/`), in
 * `library/` when it has no organisation.
 */
export function normalizeRepository(repository: string): string {
  const parts = repository.split('/');
  if (parts.length === 1) return `docker.io/library/${repository}`;
  const host = parts[0];
  return host.includes('.') || host.includes(':') || host === 'localhost' ? repository : `docker.io/${repository}`;
}

/**
 * The publisher of a pinned image: its registry and organisation (`ghcr.io/kubeflow`,
 * `docker.io/vllm`, `nvcr.io/nvidia`), so that the other images of a project the platform
 * already trusts (e.g. Trainer's runtimes under `ghcr.io/kubeflow`) are allowed too. Docker
 * Hub's official images (`docker.io/library/...`) and images directly under a registry
 * (`registry.k8s.io/kubectl`) are allowed as the repository only: their first path part is
 * shared by everyone.
 */
export function publisherOf(repository: string): string {
  const name = normalizeRepository(repository);
  const parts = name.split('/');
  if (parts.length <= 2 || parts[1] === 'library') return name;
  return parts.slice(0, 2).join('/');
}

/** The publishers of every pinned image, sorted, without duplicates. */
export function pinnedImagePublishers(): string[] {
  return [...new Set(pinnedImages().map((i) => publisherOf(i.repository)))].sort();
}

/**
 * The platform's ECR namespace: the contract's repositories are `<registry>/<platform>-<environment>/<name>`
 * (ModelStore), so the namespace holds the platform's own images (the repositories the AWS layer
 * creates, and those a team adds beside them in the same account, e.g. training images). A
 * repository without a namespace stands for itself.
 */
export function contractImageSources(contract: PlatformContract): string[] {
  return [...new Set(Object.values(contract.ecrRepositories ?? {}).map((url) => {
    const name = url.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
    const parts = name.split('/');
    return parts.length > 2 ? parts.slice(0, -1).join('/') : name;
  }))].sort();
}

/**
 * Sources without redundant entries: one that another covers (`docker.io/kserve/agent` under
 * `docker.io/kserve`) is dropped.
 */
export function withoutCovered(sources: string[]): string[] {
  const unique = [...new Set(sources)].sort();
  return unique.filter((s) => !unique.some((t) => t !== s && s.startsWith(`${t}/`)));
}
