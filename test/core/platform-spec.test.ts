import { RetentionPolicy } from '../../lib/core/aws-options';
import {
  BucketAccess, CapacityReservationKind, ModelRegistryKind, PlatformBucket, PoolCapacity, ServedModelBackend,
  ServedModelTask, VectorEngine,
} from '../../lib/core/platform-spec';

// The enums are the one vocabulary of the library: a spec written as JSON (or in another
// language) carries these strings, and the Kubernetes constructs take the same enums.
describe('the spec\'s vocabulary', () => {
  test('each enum has the values a spec file carries', () => {
    expect(Object.values(PoolCapacity)).toEqual(['on-demand', 'spot']);
    expect(Object.values(CapacityReservationKind)).toEqual(['on-demand-reservation', 'capacity-block']);
    expect(Object.values(RetentionPolicy)).toEqual(['retain', 'destroy']);
    expect(Object.values(ServedModelTask)).toEqual(['chat', 'embed']);
    expect(Object.values(ServedModelBackend)).toEqual(['vllm', 'kserve']);
    expect(Object.values(VectorEngine)).toEqual(['qdrant', 'pgvector']);
    expect(Object.values(ModelRegistryKind)).toEqual(['mlflow', 'kubeflow']);
    expect(Object.values(BucketAccess)).toEqual(['read', 'read-write']);
    expect(Object.values(PlatformBucket)).toEqual(['models', 'datasets']);
  });
});
