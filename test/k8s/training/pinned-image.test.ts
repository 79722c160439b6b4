import { checkPinnedImage } from '../../../lib/k8s/training/pinned-image';

const SHA = 'a'.repeat(64);

describe('checkPinnedImage', () => {
  test('pinned references are returned as given: a tag, a registry port, a digest, a tag with a digest, latest with a digest', () => {
    for (const image of [
      'docker.io/pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime',
      'registry.example.com:5000/org/trainer:v1.11.0',
      `ghcr.io/org/trainer@sha256:${SHA}`,
      `ghcr.io/org/trainer:v1@sha256:${SHA}`,
      `ghcr.io/org/trainer:latest@sha256:${SHA}`,
      'python:3.14',
    ]) expect(checkPinnedImage('job', 'image', image)).toBe(image);
  });

  test('a registry port is not a tag (exact message)', () => {
    expect(() => checkPinnedImage('job', 'image', 'registry.example.com:5000/org/trainer')).toThrow(
      'job: invalid image = "registry.example.com:5000/org/trainer": the image is not pinned: it has neither a tag nor a digest (the registry serves whatever "latest" is today). '
      + 'Fix: pin a version tag (e.g. ":v1.11.0") or a digest ("@sha256:...").');
  });

  test('the tag latest (exact message)', () => {
    expect(() => checkPinnedImage('job', 'image', 'ghcr.io/org/trainer:latest')).toThrow(
      'job: invalid image = "ghcr.io/org/trainer:latest": the image is not pinned: the tag "latest" changes under a running platform. '
      + 'Fix: pin a version tag (e.g. ":v1.11.0") or a digest ("@sha256:...").');
  });

  test('not a reference: capitals in the repository, a space, a short digest, an empty string (exact message)', () => {
    expect(() => checkPinnedImage('job', 'image', 'ghcr.io/Org/trainer:v1')).toThrow(
      'job: invalid image = "ghcr.io/Org/trainer:v1": not a container image reference. Fix: give registry/repository:tag or registry/repository@sha256:<digest>.');
    for (const image of ['trainer :v1', 'ghcr.io/org/trainer@sha256:abc', '', 'ghcr.io/org/trainer:-v1']) {
      expect(() => checkPinnedImage('job', 'image', image)).toThrow(`invalid image = ${JSON.stringify(image)}: not a container image reference`);
    }
  });
});
