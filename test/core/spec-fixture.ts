import { GpuInstanceType } from '../../lib/core/accelerators';
import { CnaiError, CnaiValidationError } from '../../lib/core/errors';
import { ModelPresets } from '../../lib/core/models';
import { PlatformSpec } from '../../lib/core/platform-spec';
import { validatePlatformSpec } from '../../lib/core/platform-spec-validation';

/** A consistent spec (two pools, two teams, one model, a vector database), with overrides. */
export function spec(overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  return {
    name: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    availabilityZones: ['us-west-2a', 'us-west-2b'],
    gpuPools: [
      { name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 },
      { name: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true },
    ],
    teams: [
      { name: 'team-a', quotas: [{ pool: 'l40s', gpus: 2 }, { pool: 'h100', gpus: 8 }] },
      { name: 'team-b', quotas: [{ pool: 'l40s', gpus: 2 }] },
    ],
    models: [
      { name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192, maxReplicas: 2 },
    ],
    vectorDatabase: { name: 'vectors', expectedVectors: 1_000_000, dimension: 1024, clients: ['chat'] },
    ...overrides,
  };
}

/** The problems validatePlatformSpec reports for a spec, as `<prop>: <problem>` (none: valid). */
export function problemsOf(s: PlatformSpec): string[] {
  try {
    validatePlatformSpec(s);
  } catch (e) {
    if (e instanceof CnaiValidationError) return e.problems.map((p) => `${p.prop}: ${p.problem}`);
    if (e instanceof CnaiError) return [`${e.prop}: ${e.problem}`];
    throw e;
  }
  return [];
}
