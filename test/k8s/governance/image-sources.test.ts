import { PlatformContract } from '../../../lib/core/contract';
import { contractImageSources, normalizeRepository, pinnedImagePublishers, publisherOf, withoutCovered } from '../../../lib/k8s/governance/image-sources';

/** A contract with only the field the function reads. */
const contract = (ecrRepositories?: { [name: string]: string }) => ({ ecrRepositories } as unknown as PlatformContract);

describe('normalizeRepository', () => {
  test('a name without organisation is a Docker Hub official image', () => {
    expect(normalizeRepository('busybox')).toBe('docker.io/library/busybox');
  });

  test('an organisation without registry host is on Docker Hub', () => {
    expect(normalizeRepository('vllm/vllm-openai')).toBe('docker.io/vllm/vllm-openai');
  });

  test('a first part with a dot, a port, or localhost is a registry host', () => {
    expect(normalizeRepository('ghcr.io/kubeflow/trainer/model-initializer')).toBe('ghcr.io/kubeflow/trainer/model-initializer');
    expect(normalizeRepository('registry:5000/team/app')).toBe('registry:5000/team/app');
    expect(normalizeRepository('localhost/app')).toBe('localhost/app');
    expect(normalizeRepository('docker.io/library/python')).toBe('docker.io/library/python');
  });
});

describe('publisherOf', () => {
  test('registry and organisation', () => {
    expect(publisherOf('ghcr.io/kubeflow/katib/katib-ui')).toBe('ghcr.io/kubeflow');
    expect(publisherOf('docker.io/vllm/vllm-openai')).toBe('docker.io/vllm');
    expect(publisherOf('vllm/vllm-openai')).toBe('docker.io/vllm');
    expect(publisherOf('nvcr.io/nvidia/k8s/dcgm-exporter')).toBe('nvcr.io/nvidia');
  });

  test('Docker Hub official images and images directly under a registry stand for themselves', () => {
    expect(publisherOf('postgres')).toBe('docker.io/library/postgres');
    expect(publisherOf('docker.io/library/busybox')).toBe('docker.io/library/busybox');
    expect(publisherOf('registry.k8s.io/kubectl')).toBe('registry.k8s.io/kubectl');
  });
});

describe('pinnedImagePublishers', () => {
  const publishers = pinnedImagePublishers();

  test('sorted, without duplicates', () => {
    expect(publishers).toEqual([...new Set(publishers)].sort());
  });

  test('the publishers of pinned images, never a shared first path part alone', () => {
    for (const p of ['docker.io/vllm', 'docker.io/kserve', 'ghcr.io/kubeflow', 'nvcr.io/nvidia', 'docker.io/library/busybox', 'registry.k8s.io/kubectl', 'registry.k8s.io/kueue']) {
      expect(publishers).toContain(p);
    }
    for (const shared of ['docker.io', 'docker.io/library', 'registry.k8s.io', 'ghcr.io', 'quay.io']) expect(publishers).not.toContain(shared);
  });
});

describe('contractImageSources', () => {
  test('the namespace of the contract\'s repositories, once, sorted', () => {
    expect(contractImageSources(contract({
      vllm: '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod/vllm',
      training: '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod/training',
      other: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/analytics-dev/app',
    }))).toEqual(['123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod', '210987654321.dkr.ecr.eu-west-1.amazonaws.com/analytics-dev']);
  });

  test('a scheme and trailing slashes are dropped; a repository without namespace stands for itself', () => {
    expect(contractImageSources(contract({ a: 'https://123456789012.dkr.ecr.us-west-2.amazonaws.com/solo/' })))
      .toEqual(['123456789012.dkr.ecr.us-west-2.amazonaws.com/solo']);
  });

  test('no repositories: no sources', () => {
    expect(contractImageSources(contract())).toEqual([]);
    expect(contractImageSources(contract({}))).toEqual([]);
  });
});

describe('withoutCovered', () => {
  test('a source under another is dropped; duplicates once; sorted', () => {
    expect(withoutCovered(['docker.io/kserve/agent', 'quay.io', 'docker.io/kserve', 'quay.io/feastdev', 'docker.io/kserve']))
      .toEqual(['docker.io/kserve', 'quay.io']);
  });

  test('a common prefix that is not a path part does not cover', () => {
    expect(withoutCovered(['docker.io/kserve', 'docker.io/kserve-extra'])).toEqual(['docker.io/kserve', 'docker.io/kserve-extra']);
  });
});
