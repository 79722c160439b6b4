import { spec } from './spec-fixture';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { RetentionPolicy } from '../../lib/core/aws-options';
import { ModelPresets } from '../../lib/core/models';
import { BucketAccess, CapacityReservationKind, PlatformBucket } from '../../lib/core/platform-spec';
import {
  defaultRetentionPolicy, driftPayloadPrefix, platformRetention, platformWorkloadIdentities, poolGpuCapacity, scarceCapacityNotes,
  servedModelPrefix, servedModelReplicas, vectorDatabaseName,
} from '../../lib/core/platform-spec-derivation';

describe('platformWorkloadIdentities', () => {
  test('one identity per served model and per team with Kubeflow', () => {
    const ids = platformWorkloadIdentities(spec());
    expect(ids.map((i) => `${i.namespace}/${i.serviceAccount}`)).toEqual(['team-a/chat', 'team-a/ml-training', 'team-b/ml-training', 'observability/otel-collector']);
    expect(ids.find((i) => i.serviceAccount === 'chat')!.buckets).toEqual([
      { bucket: PlatformBucket.MODELS, prefix: 'served/chat/', access: BucketAccess.READ },
    ]);
  });

  test('no training identities without Kubeflow', () => {
    expect(platformWorkloadIdentities(spec({ kubeflow: false })).some((i) => i.serviceAccount === 'ml-training')).toBe(false);
  });

  test('pool capacity is nodes x GPUs of the smallest type', () => {
    expect(poolGpuCapacity({ name: 'x', instanceTypes: [GpuInstanceType.G6E_12XLARGE, GpuInstanceType.G6E_XLARGE], maxNodes: 3 })).toBe(3);
    // A time-sliced GPU counts once per slice, as the device plugin advertises it.
    expect(poolGpuCapacity({ name: 'x', instanceTypes: [GpuInstanceType.G5_12XLARGE], maxNodes: 2, timeSlicingReplicas: 4 })).toBe(32);
  });
});

describe('served models and the vector database', () => {
  const model = { name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'] };

  test('replicas: 1 to 2 by default, max follows a larger min, both as given', () => {
    expect(servedModelReplicas(model)).toEqual({ min: 1, max: 2 });
    expect(servedModelReplicas({ ...model, minReplicas: 3 })).toEqual({ min: 3, max: 3 });
    expect(servedModelReplicas({ ...model, minReplicas: 2, maxReplicas: 5 })).toEqual({ min: 2, max: 5 });
  });

  test('the weights prefix: served/<name>/ unless given', () => {
    expect(servedModelPrefix(model)).toBe('served/chat/');
    expect(servedModelPrefix({ ...model, modelStorePrefix: 'models/llama/' })).toBe('models/llama/');
  });

  test('the drift payload prefix of a team, and the vector database name', () => {
    expect(driftPayloadPrefix('team-a')).toBe('payloads/team-a/');
    expect(vectorDatabaseName({ expectedVectors: 1, dimension: 8 })).toBe('vectors');
    expect(vectorDatabaseName({ name: 'knowledge', expectedVectors: 1, dimension: 8 })).toBe('knowledge');
  });
});

describe('lifecycle', () => {
  test('retention: disposable environments destroy, every other retains, and the spec overrides per resource', () => {
    expect(defaultRetentionPolicy('dev')).toBe(RetentionPolicy.DESTROY);
    expect(defaultRetentionPolicy('ci-1234')).toBe(RetentionPolicy.DESTROY);
    expect(defaultRetentionPolicy('prod')).toBe(RetentionPolicy.RETAIN);
    expect(defaultRetentionPolicy('staging')).toBe(RetentionPolicy.RETAIN);
    expect(defaultRetentionPolicy('devops')).toBe(RetentionPolicy.RETAIN);
    expect(platformRetention({ environment: 'prod', retention: { secrets: RetentionPolicy.DESTROY } }))
      .toEqual({ buckets: 'retain', database: 'retain', containerImages: 'retain', secrets: 'destroy' });
  });

  test('scarce capacity: a line for each pool of large GPU instances without a reservation, or bound to one', () => {
    expect(scarceCapacityNotes(spec())).toEqual([{
      pool: 'h100',
      note: 'p5.48xlarge on-demand in one zone (us-west-2a) without a capacity reservation: EC2 often has none free (InsufficientInstanceCapacity); '
        + 'reserve capacity (capacityReservation) for dependable scale-up',
    }]);
    const blocked = spec({ gpuPools: [spec().gpuPools[0], { ...spec().gpuPools[1], capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' } }] });
    expect(scarceCapacityNotes(blocked)).toEqual([{
      pool: 'h100', note: 'p5.48xlarge from capacity block cr-0123456789abcdef0: nodes launch only while the block is active and are reclaimed at its end',
    }]);
  });
});
