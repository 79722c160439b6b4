import { CnaiError, GpuArchitecture, GpuInstanceType, PRICE_REFERENCE } from '../../lib/core';

describe('GPU instance type catalogue', () => {
  test('covers every size of the required families', () => {
    const expected: { [family: string]: string[] } = {
      g4dn: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', '12xlarge', 'metal'],
      g5: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', '12xlarge', '24xlarge', '48xlarge'],
      g6: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', '12xlarge', '24xlarge', '48xlarge'],
      g6e: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', '12xlarge', '24xlarge', '48xlarge'],
      p4d: ['24xlarge'],
      p4de: ['24xlarge'],
      p5: ['48xlarge'],
      p5e: ['48xlarge'],
      p5en: ['48xlarge'],
    };
    expect(GpuInstanceType.families()).toEqual(Object.keys(expected));
    for (const [family, sizes] of Object.entries(expected)) {
      expect(GpuInstanceType.ofFamily(family).map((t) => t.name)).toEqual(sizes.map((s) => `${family}.${s}`));
    }
    expect(GpuInstanceType.all()).toHaveLength(36);
  });

  test('every entry has a static constant named after it, and of() returns that constant', () => {
    for (const t of GpuInstanceType.all()) {
      const constant = t.name.toUpperCase().replace(/[.-]/g, '_');
      expect((GpuInstanceType as any)[constant]).toBe(t);
      expect(GpuInstanceType.of(t.name)).toBe(t);
    }
    expect(GpuInstanceType.of(' G5.XLarge ')).toBe(GpuInstanceType.G5_XLARGE);
  });

  test('facts are consistent', () => {
    for (const t of GpuInstanceType.all()) {
      const f = t.facts;
      expect(f.instanceType).toBe(t.name);
      expect(t.name.startsWith(`${f.family}.`)).toBe(true);
      expect([1, 4, 8]).toContain(f.gpuCount);
      expect(f.vcpus).toBeGreaterThan(0);
      expect(f.memoryGiB).toBeGreaterThan(0);
      expect(f.onDemandHourlyUsd).toBeGreaterThan(0);
      expect(f.efaSupported).toBe(f.maxEfaInterfaces > 0);
      expect(t.totalGpuMemoryGiB).toBe(f.gpuCount * f.gpuMemoryGiB);
      // The driver reports a little less than AWS lists, never more.
      expect(t.gpuUsableMemoryGiB).toBeLessThanOrEqual(f.gpuMemoryGiB);
      expect(t.gpuUsableMemoryGiB).toBeGreaterThan(f.gpuMemoryGiB * 0.9);
      expect(Object.isFrozen(f)).toBe(true);
    }
  });

  test('g5 and p5 facts', () => {
    const g5 = GpuInstanceType.G5_XLARGE;
    expect(g5.facts).toEqual({
      instanceType: 'g5.xlarge',
      family: 'g5',
      gpuModel: 'A10G',
      gpuProduct: 'NVIDIA-A10G',
      gpuArchitecture: GpuArchitecture.AMPERE,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      vcpus: 4,
      memoryGiB: 16,
      efaSupported: false,
      maxEfaInterfaces: 0,
      onDemandHourlyUsd: 1.006,
      gpuUsableMemoryGiB: 22.488,
      localNvmeGb: 250,
    });
    const p5 = GpuInstanceType.P5_48XLARGE;
    expect(p5.gpuCount).toBe(8);
    expect(p5.gpuMemoryGiB).toBe(80);
    expect(p5.totalGpuMemoryGiB).toBe(640);
    expect(p5.gpuProduct).toBe('NVIDIA-H100-80GB-HBM3');
    expect(p5.gpuArchitecture).toBe(GpuArchitecture.HOPPER);
    expect(p5.efaSupported).toBe(true);
    expect(p5.maxEfaInterfaces).toBe(32);
    expect(p5.vcpus).toBe(192);
    expect(p5.memoryGiB).toBe(2048);
    expect(p5.onDemandHourlyUsd).toBe(55.04);
    expect(p5.localNvmeGb).toBe(30400);
    expect(String(p5)).toBe('p5.48xlarge');
  });

  test('GPU feature discovery product labels per family', () => {
    const products = Object.fromEntries(GpuInstanceType.families().map((f) => [f, GpuInstanceType.ofFamily(f)[0].gpuProduct]));
    expect(products).toEqual({
      g4dn: 'Tesla-T4',
      g5: 'NVIDIA-A10G',
      g6: 'NVIDIA-L4',
      g6e: 'NVIDIA-L40S',
      p4d: 'NVIDIA-A100-SXM4-40GB',
      p4de: 'NVIDIA-A100-SXM4-80GB',
      p5: 'NVIDIA-H100-80GB-HBM3',
      p5e: 'NVIDIA-H200',
      p5en: 'NVIDIA-H200',
    });
    for (const t of GpuInstanceType.all()) {
      // Label values: at most 63 characters of [A-Za-z0-9-_.].
      expect(t.gpuProduct).toMatch(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,61}[A-Za-z0-9]$/);
    }
  });

  test('EFA: none below 8xlarge on g families, several interfaces on the large p and g6e types', () => {
    for (const name of ['g4dn.xlarge', 'g4dn.4xlarge', 'g5.4xlarge', 'g6.2xlarge', 'g6e.4xlarge']) {
      expect(GpuInstanceType.of(name).efaSupported).toBe(false);
    }
    expect(GpuInstanceType.G6E_24XLARGE.maxEfaInterfaces).toBe(2);
    expect(GpuInstanceType.G6E_48XLARGE.maxEfaInterfaces).toBe(4);
    expect(GpuInstanceType.P4D_24XLARGE.maxEfaInterfaces).toBe(4);
    expect(GpuInstanceType.P4DE_24XLARGE.maxEfaInterfaces).toBe(4);
    expect(GpuInstanceType.P5E_48XLARGE.maxEfaInterfaces).toBe(32);
    expect(GpuInstanceType.P5EN_48XLARGE.maxEfaInterfaces).toBe(16);
  });

  test('prices: larger sizes of a family cost more per GPU or equal, and the reference is dated', () => {
    expect(PRICE_REFERENCE.region).toBe('us-east-1');
    expect(PRICE_REFERENCE.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_REFERENCE.source).toContain('Price List');
    for (const family of GpuInstanceType.families()) {
      const types = GpuInstanceType.ofFamily(family);
      const cheapestPerGpu = Math.min(...types.map((t) => t.onDemandHourlyUsd / t.gpuCount));
      expect(cheapestPerGpu).toBeGreaterThan(0);
    }
    expect(GpuInstanceType.G4DN_XLARGE.onDemandHourlyUsd).toBeLessThan(GpuInstanceType.G5_XLARGE.onDemandHourlyUsd);
  });

  test('p5e carries an estimated price and is left out of the listed-price candidates', () => {
    const p5e = GpuInstanceType.P5E_48XLARGE;
    expect(p5e.priceIsEstimate).toBe(true);
    expect(p5e.facts.priceNote).toMatch(/Capacity Blocks/);
    expect(GpuInstanceType.withListedPrice()).not.toContain(p5e);
    expect(GpuInstanceType.withListedPrice()).toHaveLength(GpuInstanceType.all().length - 1);
    expect(GpuInstanceType.P5EN_48XLARGE.priceIsEstimate).toBe(false);
  });

  describe('errors', () => {
    test('unknown size of a known family lists the sizes of that family', () => {
      expect(() => GpuInstanceType.of('g5.metal', 'platform/gpu-pool', 'instanceTypes[0]')).toThrow(
        'platform/gpu-pool: invalid instanceTypes[0] = "g5.metal": family g5 has no such size in the GPU catalogue. '
        + 'Fix: use one of g5.xlarge, g5.2xlarge, g5.4xlarge, g5.8xlarge, g5.16xlarge, g5.12xlarge, g5.24xlarge, g5.48xlarge.');
    });

    test('a near miss lists close matches', () => {
      expect(() => GpuInstanceType.of('g6e.xlarg')).toThrow(
        'GpuInstanceType: invalid instanceType = "g6e.xlarg": family g6e has no such size in the GPU catalogue');
      expect(() => GpuInstanceType.of('p5d.48xlarge')).toThrow(
        'GpuInstanceType: invalid instanceType = "p5d.48xlarge": not an instance type of the GPU catalogue. '
        + 'Fix: use one of p5.48xlarge, p5e.48xlarge.');
    });

    test('a CPU family one letter away from a GPU family is not taken for a typo (m5 is not g5)', () => {
      expect(() => GpuInstanceType.of('m5.xlarge')).toThrow(
        'GpuInstanceType: invalid instanceType = "m5.xlarge": m5 is not an NVIDIA GPU instance family (the catalogue holds the GPU families '
        + 'g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en). Fix: use a GPU instance type of the families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, '
        + 'e.g. g5.xlarge (1 x A10G 24 GiB), g6e.xlarge (1 x L40S 48 GiB), p5.48xlarge (8 x H100 80 GiB).');
    });

    test('a CPU type lists the families available', () => {
      let error: unknown;
      try {
        GpuInstanceType.of('m5.large', 'platform/pool', 'instanceType');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CnaiError);
      const e = error as CnaiError;
      expect(e.construct).toBe('platform/pool');
      expect(e.prop).toBe('instanceType');
      expect(e.value).toBe('m5.large');
      expect(e.message).toBe('platform/pool: invalid instanceType = "m5.large": m5 is not an NVIDIA GPU instance family '
        + '(the catalogue holds the GPU families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en). '
        + 'Fix: use a GPU instance type of the families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, '
        + 'e.g. g5.xlarge (1 x A10G 24 GiB), g6e.xlarge (1 x L40S 48 GiB), p5.48xlarge (8 x H100 80 GiB).');
    });

    test('a non-string value is rejected with the same error', () => {
      expect(() => GpuInstanceType.of(42 as any)).toThrow('GpuInstanceType: invalid instanceType = 42: not an EC2 instance type name (family.size)');
    });

    test('unknown family', () => {
      expect(() => GpuInstanceType.ofFamily('g7')).toThrow(
        'GpuInstanceType: invalid family = "g7": not a GPU instance family of the catalogue. '
        + 'Fix: use one of the families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en.');
    });
  });
});

describe('GpuInstanceType.family (deprecated: static family clashed with the instance family under jsii)', () => {
  test('is ofFamily under its old name', () => {
    expect(GpuInstanceType.family('g5').map((t) => t.name)).toEqual(GpuInstanceType.ofFamily('g5').map((t) => t.name));
    expect(GpuInstanceType.ofFamily('g5')[0].family).toBe('g5');
  });
});
