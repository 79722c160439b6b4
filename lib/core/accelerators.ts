import { editDistance } from './edit-distance';
import { invalidProp } from './errors';

/**
 * Catalogue of the AWS EC2 instance types with NVIDIA GPUs that the platform can run on.
 * Plain data, so that node pools, queues, serving and sizing all read the same facts.
 * Sources are cited per family below.
 */

/** NVIDIA GPU architecture generation. */
export enum GpuArchitecture {
  /** Turing (T4). */
  TURING = 'turing',
  /** Ampere (A10G, A100). */
  AMPERE = 'ampere',
  /** Ada Lovelace (L4, L40S). */
  ADA = 'ada',
  /** Hopper (H100, H200). */
  HOPPER = 'hopper',
}

/** Facts about one GPU instance type. */
export interface GpuInstanceTypeFacts {
  /** EC2 instance type, e.g. `g5.xlarge`. */
  readonly instanceType: string;
  /** Instance family, e.g. `g5`. */
  readonly family: string;
  /** GPU model as NVIDIA names it, e.g. `A10G`. */
  readonly gpuModel: string;
  /** Value of the `nvidia.com/gpu.product` node label that NVIDIA GPU feature discovery sets. */
  readonly gpuProduct: string;
  /** GPU architecture. */
  readonly gpuArchitecture: GpuArchitecture;
  /** GPUs per instance. */
  readonly gpuCount: number;
  /** Memory per GPU in GiB, as AWS lists it. */
  readonly gpuMemoryGiB: number;
  /** vCPUs. */
  readonly vcpus: number;
  /** Instance memory in GiB. */
  readonly memoryGiB: number;
  /** Whether the type supports Elastic Fabric Adapter. */
  readonly efaSupported: boolean;
  /** Most EFA interfaces the type supports (0 without EFA). */
  readonly maxEfaInterfaces: number;
  /** On-demand Linux price per hour in USD, in {@link PRICE_REFERENCE}'s region and date. */
  readonly onDemandHourlyUsd: number;
  /**
   * GPU memory the driver reports as total per GPU, in GiB (what `nvidia-smi` shows as
   * total and what vLLM's utilisation fraction applies to); slightly below the listed figure.
   * @default - gpuMemoryGiB
   */
  readonly gpuUsableMemoryGiB?: number;
  /**
   * Local NVMe instance storage in GB (total over all volumes).
   * @default - none (EBS only)
   */
  readonly localNvmeGb?: number;
  /**
   * True when {@link onDemandHourlyUsd} is not a listed on-demand price in the reference
   * region but an estimate (see {@link priceNote}); sizing leaves such types out by default.
   * @default false
   */
  readonly priceIsEstimate?: boolean;
  /**
   * Where the price comes from when it is not the listed on-demand price.
   * @default - the listed on-demand price of {@link PRICE_REFERENCE}
   */
  readonly priceNote?: string;
}

/** Where and when the on-demand prices of the catalogue were read. */
export const PRICE_REFERENCE: { readonly region: string; readonly readOn: string; readonly source: string } = {
  region: 'us-east-1',
  // The date the table we copied was generated from the AWS Price List API, not the day we copied it.
  readOn: '2026-01-19',
  source: 'AWS Price List API, on-demand Linux, us-east-1, as recorded in Karpenter\'s generated price table '
    + '(aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go, "generated at 2026-01-19T13:23:24Z for us-east-1"); '
    + 'p4d/p4de/p5 cross-checked against datareceipts/data-receipts 109-gpu-pricing/hyperscalers.json (retrieved 2026-11-09), p5en against dstack PR #4110 offers. '
    + 'Includes the June 2025 P4/P5 price reduction. Prices change: check https://aws.amazon.com/ec2/pricing/on-demand/ before budgeting.',
};

interface GpuSpec {
  readonly model: string;
  readonly product: string;
  readonly arch: GpuArchitecture;
  /** Per-GPU memory as AWS lists it (GiB; really decimal GB for some types). */
  readonly memoryGiB: number;
  /** Total memory `nvidia-smi` reports (MiB). */
  readonly reportedMiB: number;
}

// Product labels: GPU feature discovery takes the NVML device name and replaces spaces with
// "-" (e.g. "NVIDIA H100 80GB HBM3" -> "NVIDIA-H100-80GB-HBM3"); NVML names as printed by
// nvidia-smi on these instances, cross-checked against published node labels
// (nvidia.com/gpu.product=Tesla-T4, =NVIDIA-H100-80GB-HBM3, =NVIDIA-L40S, =NVIDIA-A10G, =NVIDIA-L4).
// With time-slicing or MPS the plugin appends "-SHARED" unless renaming is disabled.
// Reported MiB: the "total" column of nvidia-smi on each GPU (T4 15360, A10G 23028, L4 23034,
// L40S 46068, A100-40GB 40960, A100-80GB 81920, H100 SXM 81559, H200 143771).
const T4: GpuSpec = { model: 'T4', product: 'Tesla-T4', arch: GpuArchitecture.TURING, memoryGiB: 16, reportedMiB: 15360 };
const A10G: GpuSpec = { model: 'A10G', product: 'NVIDIA-A10G', arch: GpuArchitecture.AMPERE, memoryGiB: 24, reportedMiB: 23028 };
const L4: GpuSpec = { model: 'L4', product: 'NVIDIA-L4', arch: GpuArchitecture.ADA, memoryGiB: 24, reportedMiB: 23034 };
const L40S: GpuSpec = { model: 'L40S', product: 'NVIDIA-L40S', arch: GpuArchitecture.ADA, memoryGiB: 48, reportedMiB: 46068 };
const A100_40: GpuSpec = { model: 'A100 40GB', product: 'NVIDIA-A100-SXM4-40GB', arch: GpuArchitecture.AMPERE, memoryGiB: 40, reportedMiB: 40960 };
const A100_80: GpuSpec = { model: 'A100 80GB', product: 'NVIDIA-A100-SXM4-80GB', arch: GpuArchitecture.AMPERE, memoryGiB: 80, reportedMiB: 81920 };
const H100: GpuSpec = { model: 'H100', product: 'NVIDIA-H100-80GB-HBM3', arch: GpuArchitecture.HOPPER, memoryGiB: 80, reportedMiB: 81559 };
const H200: GpuSpec = { model: 'H200', product: 'NVIDIA-H200', arch: GpuArchitecture.HOPPER, memoryGiB: 141, reportedMiB: 143771 };

// [instanceType, gpus, vcpus, memoryGiB, maxEfaInterfaces, usdPerHour, localNvmeGb]
type Row = [string, number, number, number, number, number, number | undefined];

interface FamilySpec {
  readonly gpu: GpuSpec;
  readonly rows: Row[];
  /** Set when the family has no listed on-demand price in the reference region. */
  readonly priceNote?: string;
}

// Sources. Shapes (GPUs, vCPUs, memory, local NVMe, EFA interfaces) of g4dn, g5, g6, g6e,
// p4d and p5 come from Karpenter's instance-type reference, which is generated from EC2
// DescribeInstanceTypes (aws/karpenter-provider-aws website/content/en/preview/reference/
// instance-types.md: instance-cpu, instance-memory, instance-gpu-count, instance-local-nvme,
// and the vpc.amazonaws.com/efa resource = maximum EFA interfaces). AWS's own table is the EC2
// "Accelerated computing instance specifications" page (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html),
// which was not re-read for this catalogue. Prices: see PRICE_REFERENCE.
const FAMILIES: { [family: string]: FamilySpec } = {
  // G4dn: NVIDIA T4. EFA on 8xlarge and up (1 interface); metal has 2 x 900 GB NVMe.
  g4dn: {
    gpu: T4,
    rows: [
      ['g4dn.xlarge', 1, 4, 16, 0, 0.526, 125],
      ['g4dn.2xlarge', 1, 8, 32, 0, 0.752, 225],
      ['g4dn.4xlarge', 1, 16, 64, 0, 1.204, 225],
      ['g4dn.8xlarge', 1, 32, 128, 1, 2.176, 900],
      ['g4dn.16xlarge', 1, 64, 256, 1, 4.352, 900],
      ['g4dn.12xlarge', 4, 48, 192, 1, 3.912, 900],
      ['g4dn.metal', 8, 96, 384, 1, 7.824, 1800],
    ],
  },
  // G5: NVIDIA A10G. EFA on 8xlarge and up (1 interface).
  g5: {
    gpu: A10G,
    rows: [
      ['g5.xlarge', 1, 4, 16, 0, 1.006, 250],
      ['g5.2xlarge', 1, 8, 32, 0, 1.212, 450],
      ['g5.4xlarge', 1, 16, 64, 0, 1.624, 600],
      ['g5.8xlarge', 1, 32, 128, 1, 2.448, 900],
      ['g5.16xlarge', 1, 64, 256, 1, 4.096, 1900],
      ['g5.12xlarge', 4, 48, 192, 1, 5.672, 3800],
      ['g5.24xlarge', 4, 96, 384, 1, 8.144, 3800],
      ['g5.48xlarge', 8, 192, 768, 1, 16.288, 7600],
    ],
  },
  // G6: NVIDIA L4. EFA on 8xlarge and up (1 interface).
  g6: {
    gpu: L4,
    rows: [
      ['g6.xlarge', 1, 4, 16, 0, 0.8048, 250],
      ['g6.2xlarge', 1, 8, 32, 0, 0.9776, 450],
      ['g6.4xlarge', 1, 16, 64, 0, 1.3232, 600],
      ['g6.8xlarge', 1, 32, 128, 1, 2.0144, 900],
      ['g6.16xlarge', 1, 64, 256, 1, 3.3968, 1880],
      ['g6.12xlarge', 4, 48, 192, 1, 4.6016, 3760],
      ['g6.24xlarge', 4, 96, 384, 1, 6.6752, 3760],
      ['g6.48xlarge', 8, 192, 768, 1, 13.3504, 7520],
    ],
  },
  // G6e: NVIDIA L40S. EFA on 8xlarge and up: 1 interface, 2 on 24xlarge, 4 on 48xlarge.
  g6e: {
    gpu: L40S,
    rows: [
      ['g6e.xlarge', 1, 4, 32, 0, 1.861, 250],
      ['g6e.2xlarge', 1, 8, 64, 0, 2.24208, 450],
      ['g6e.4xlarge', 1, 16, 128, 0, 3.00424, 600],
      ['g6e.8xlarge', 1, 32, 256, 1, 4.52856, 900],
      ['g6e.16xlarge', 1, 64, 512, 1, 7.57719, 1900],
      ['g6e.12xlarge', 4, 48, 384, 1, 10.49264, 3800],
      ['g6e.24xlarge', 4, 96, 768, 2, 15.06559, 3800],
      ['g6e.48xlarge', 8, 192, 1536, 4, 30.13118, 7600],
    ],
  },
  // P4d: 8 x A100 40GB SXM4, 4 EFA interfaces, 8 x 1000 GB NVMe.
  p4d: {
    gpu: A100_40,
    rows: [
      ['p4d.24xlarge', 8, 96, 1152, 4, 21.957642, 8000],
    ],
  },
  // P4de: p4d with A100 80GB (same host: 96 vCPUs, 1152 GiB, 4 EFA, 8 x 1000 GB NVMe).
  // Shape from torchx named_resources_aws (96 CPUs, 1152 GiB, 4 EFA) and SageMaker HyperPod's instance table.
  p4de: {
    gpu: A100_80,
    rows: [
      ['p4de.24xlarge', 8, 96, 1152, 4, 27.44705, 8000],
    ],
  },
  // P5: 8 x H100 SXM 80GB, 32 EFA interfaces (EC2 "EFA configuration for P5"), 8 x 3.8 TB NVMe.
  // p5.4xlarge (1 x H100) is left out: its EFA support could not be confirmed from a public source.
  p5: {
    gpu: H100,
    rows: [
      ['p5.48xlarge', 8, 192, 2048, 32, 55.04, 30400],
    ],
  },
  // P5e: 8 x H200 141GB, 32 EFA interfaces like P5 (EC2 "EFA configuration for P5 and P5e";
  // torchx named_resources_aws), 8 x 3.84 TB NVMe.
  p5e: {
    gpu: H200,
    rows: [
      ['p5e.48xlarge', 8, 192, 2048, 32, 63.296, 30720],
    ],
    priceNote: 'p5e has no listed on-demand price in us-east-1 (AWS sells it through EC2 Capacity Blocks); '
      + 'the figure is the listed on-demand price of p5en.48xlarge, which has the same 8 x H200, as an estimate',
  },
  // P5en: 8 x H200 141GB with EFAv3, 16 EFA interfaces (torchx named_resources_aws), 8 x 3.84 TB NVMe.
  p5en: {
    gpu: H200,
    rows: [
      ['p5en.48xlarge', 8, 192, 2048, 16, 63.296, 30720],
    ],
  },
};

function buildFacts(family: string, spec: FamilySpec, row: Row): GpuInstanceTypeFacts {
  const [instanceType, gpuCount, vcpus, memoryGiB, maxEfaInterfaces, onDemandHourlyUsd, localNvmeGb] = row;
  return {
    instanceType,
    family,
    gpuModel: spec.gpu.model,
    gpuProduct: spec.gpu.product,
    gpuArchitecture: spec.gpu.arch,
    gpuCount,
    gpuMemoryGiB: spec.gpu.memoryGiB,
    vcpus,
    memoryGiB,
    efaSupported: maxEfaInterfaces > 0,
    maxEfaInterfaces,
    onDemandHourlyUsd,
    gpuUsableMemoryGiB: Math.round((spec.gpu.reportedMiB / 1024) * 1000) / 1000,
    localNvmeGb,
    ...(spec.priceNote ? { priceIsEstimate: true, priceNote: spec.priceNote } : {}),
  };
}

const CATALOGUE: { [instanceType: string]: GpuInstanceTypeFacts } = {};
for (const [family, spec] of Object.entries(FAMILIES)) {
  for (const row of spec.rows) {
    CATALOGUE[row[0]] = Object.freeze(buildFacts(family, spec, row));
  }
}

function facts(instanceType: string): GpuInstanceTypeFacts {
  const f = CATALOGUE[instanceType];
  if (!f) throw new Error(`internal: ${instanceType} missing from the GPU catalogue`);
  return f;
}

/** An EC2 instance type with NVIDIA GPUs, with its facts. */
export class GpuInstanceType {
  /** g4dn.xlarge: 1 x T4 16 GiB. */
  public static readonly G4DN_XLARGE = new GpuInstanceType(facts('g4dn.xlarge'));
  /** g4dn.2xlarge: 1 x T4 16 GiB. */
  public static readonly G4DN_2XLARGE = new GpuInstanceType(facts('g4dn.2xlarge'));
  /** g4dn.4xlarge: 1 x T4 16 GiB. */
  public static readonly G4DN_4XLARGE = new GpuInstanceType(facts('g4dn.4xlarge'));
  /** g4dn.8xlarge: 1 x T4 16 GiB, EFA. */
  public static readonly G4DN_8XLARGE = new GpuInstanceType(facts('g4dn.8xlarge'));
  /** g4dn.16xlarge: 1 x T4 16 GiB, EFA. */
  public static readonly G4DN_16XLARGE = new GpuInstanceType(facts('g4dn.16xlarge'));
  /** g4dn.12xlarge: 4 x T4 16 GiB, EFA. */
  public static readonly G4DN_12XLARGE = new GpuInstanceType(facts('g4dn.12xlarge'));
  /** g4dn.metal: 8 x T4 16 GiB, EFA. */
  public static readonly G4DN_METAL = new GpuInstanceType(facts('g4dn.metal'));

  /** g5.xlarge: 1 x A10G 24 GiB. */
  public static readonly G5_XLARGE = new GpuInstanceType(facts('g5.xlarge'));
  /** g5.2xlarge: 1 x A10G 24 GiB. */
  public static readonly G5_2XLARGE = new GpuInstanceType(facts('g5.2xlarge'));
  /** g5.4xlarge: 1 x A10G 24 GiB. */
  public static readonly G5_4XLARGE = new GpuInstanceType(facts('g5.4xlarge'));
  /** g5.8xlarge: 1 x A10G 24 GiB, EFA. */
  public static readonly G5_8XLARGE = new GpuInstanceType(facts('g5.8xlarge'));
  /** g5.16xlarge: 1 x A10G 24 GiB, EFA. */
  public static readonly G5_16XLARGE = new GpuInstanceType(facts('g5.16xlarge'));
  /** g5.12xlarge: 4 x A10G 24 GiB, EFA. */
  public static readonly G5_12XLARGE = new GpuInstanceType(facts('g5.12xlarge'));
  /** g5.24xlarge: 4 x A10G 24 GiB, EFA. */
  public static readonly G5_24XLARGE = new GpuInstanceType(facts('g5.24xlarge'));
  /** g5.48xlarge: 8 x A10G 24 GiB, EFA. */
  public static readonly G5_48XLARGE = new GpuInstanceType(facts('g5.48xlarge'));

  /** g6.xlarge: 1 x L4 24 GiB. */
  public static readonly G6_XLARGE = new GpuInstanceType(facts('g6.xlarge'));
  /** g6.2xlarge: 1 x L4 24 GiB. */
  public static readonly G6_2XLARGE = new GpuInstanceType(facts('g6.2xlarge'));
  /** g6.4xlarge: 1 x L4 24 GiB. */
  public static readonly G6_4XLARGE = new GpuInstanceType(facts('g6.4xlarge'));
  /** g6.8xlarge: 1 x L4 24 GiB, EFA. */
  public static readonly G6_8XLARGE = new GpuInstanceType(facts('g6.8xlarge'));
  /** g6.16xlarge: 1 x L4 24 GiB, EFA. */
  public static readonly G6_16XLARGE = new GpuInstanceType(facts('g6.16xlarge'));
  /** g6.12xlarge: 4 x L4 24 GiB, EFA. */
  public static readonly G6_12XLARGE = new GpuInstanceType(facts('g6.12xlarge'));
  /** g6.24xlarge: 4 x L4 24 GiB, EFA. */
  public static readonly G6_24XLARGE = new GpuInstanceType(facts('g6.24xlarge'));
  /** g6.48xlarge: 8 x L4 24 GiB, EFA. */
  public static readonly G6_48XLARGE = new GpuInstanceType(facts('g6.48xlarge'));

  /** g6e.xlarge: 1 x L40S 48 GiB. */
  public static readonly G6E_XLARGE = new GpuInstanceType(facts('g6e.xlarge'));
  /** g6e.2xlarge: 1 x L40S 48 GiB. */
  public static readonly G6E_2XLARGE = new GpuInstanceType(facts('g6e.2xlarge'));
  /** g6e.4xlarge: 1 x L40S 48 GiB. */
  public static readonly G6E_4XLARGE = new GpuInstanceType(facts('g6e.4xlarge'));
  /** g6e.8xlarge: 1 x L40S 48 GiB, EFA. */
  public static readonly G6E_8XLARGE = new GpuInstanceType(facts('g6e.8xlarge'));
  /** g6e.16xlarge: 1 x L40S 48 GiB, EFA. */
  public static readonly G6E_16XLARGE = new GpuInstanceType(facts('g6e.16xlarge'));
  /** g6e.12xlarge: 4 x L40S 48 GiB, EFA. */
  public static readonly G6E_12XLARGE = new GpuInstanceType(facts('g6e.12xlarge'));
  /** g6e.24xlarge: 4 x L40S 48 GiB, EFA. */
  public static readonly G6E_24XLARGE = new GpuInstanceType(facts('g6e.24xlarge'));
  /** g6e.48xlarge: 8 x L40S 48 GiB, EFA. */
  public static readonly G6E_48XLARGE = new GpuInstanceType(facts('g6e.48xlarge'));

  /** p4d.24xlarge: 8 x A100 40 GiB, EFA. */
  public static readonly P4D_24XLARGE = new GpuInstanceType(facts('p4d.24xlarge'));
  /** p4de.24xlarge: 8 x A100 80 GiB, EFA. */
  public static readonly P4DE_24XLARGE = new GpuInstanceType(facts('p4de.24xlarge'));
  /** p5.48xlarge: 8 x H100 80 GiB, EFA. */
  public static readonly P5_48XLARGE = new GpuInstanceType(facts('p5.48xlarge'));
  /** p5e.48xlarge: 8 x H200 141 GiB, EFA. Its price is an estimate (see `facts.priceNote`). */
  public static readonly P5E_48XLARGE = new GpuInstanceType(facts('p5e.48xlarge'));
  /** p5en.48xlarge: 8 x H200 141 GiB, EFA (v3). */
  public static readonly P5EN_48XLARGE = new GpuInstanceType(facts('p5en.48xlarge'));

  /**
   * Looks up an instance type of the catalogue.
   * @param instanceType EC2 instance type, e.g. `g5.xlarge`
   * @param construct construct path (or spec name) for the error message
   * @param prop the prop the value came from, for the error message
   * @throws CnaiError for a type that is not in the catalogue, with close matches or the families available
   */
  public static of(instanceType: string, construct: string = 'GpuInstanceType', prop: string = 'instanceType'): GpuInstanceType {
    const found = typeof instanceType === 'string' ? GpuInstanceType.byName()[instanceType.trim().toLowerCase()] : undefined;
    if (found) return found;
    const input = typeof instanceType === 'string' ? instanceType.trim().toLowerCase() : '';
    const familyName = input.split('.')[0];
    const families = Object.keys(FAMILIES);
    const examples = 'e.g. g5.xlarge (1 x A10G 24 GiB), g6e.xlarge (1 x L40S 48 GiB), p5.48xlarge (8 x H100 80 GiB)';
    let problem: string;
    let fix: string;
    if (FAMILIES[familyName]) {
      problem = `family ${familyName} has no such size in the GPU catalogue`;
      fix = `use one of ${GpuInstanceType.ofFamily(familyName).map((t) => t.name).join(', ')}`;
    } else if (GpuInstanceType.closeMatches(input).length > 0) {
      // A typo of a GPU family (g6x.xlarge): name the types it was probably meant to be.
      problem = 'not an instance type of the GPU catalogue';
      fix = `use one of ${GpuInstanceType.closeMatches(input).join(', ')}`;
    } else {
      problem = typeof instanceType === 'string' && /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(input)
        ? `${familyName} is not an NVIDIA GPU instance family (the catalogue holds the GPU families ${families.join(', ')})`
        : 'not an EC2 instance type name (family.size)';
      fix = `use a GPU instance type of the families ${families.join(', ')}, ${examples}`;
    }
    throw invalidProp(construct, prop, instanceType, problem, fix);
  }

  /** Every instance type of the catalogue, in catalogue order (by family, then size). */
  public static all(): GpuInstanceType[] {
    return Object.values(GpuInstanceType.byName());
  }

  /**
   * Every instance type with a listed on-demand price in {@link PRICE_REFERENCE}'s region:
   * the default candidates of sizing.
   */
  public static withListedPrice(): GpuInstanceType[] {
    return GpuInstanceType.all().filter((t) => !t.priceIsEstimate);
  }

  /** The names of the families of the catalogue, e.g. `g5`, `p5`. */
  public static families(): string[] {
    return Object.keys(FAMILIES);
  }

  /**
   * Every instance type of one family.
   * @param family e.g. `g5`
   * @param construct construct path (or spec name) for the error message
   * @param prop the prop the value came from, for the error message
   * @throws CnaiError for an unknown family, listing the families available
   */
  public static ofFamily(family: string, construct: string = 'GpuInstanceType', prop: string = 'family'): GpuInstanceType[] {
    const key = typeof family === 'string' ? family.trim().toLowerCase() : '';
    if (!FAMILIES[key]) {
      throw invalidProp(construct, prop, family, 'not a GPU instance family of the catalogue',
        `use one of the families ${Object.keys(FAMILIES).join(', ')}`);
    }
    return GpuInstanceType.all().filter((t) => t.family === key);
  }

  /**
   * Every instance type of one family.
   * @deprecated use {@link GpuInstanceType.ofFamily} (a static `family` clashes with the instance's `family` in other languages)
   * @jsii ignore a static and an instance member of the same name cannot cross the jsii boundary
   */
  public static family(family: string, construct: string = 'GpuInstanceType', prop: string = 'family'): GpuInstanceType[] {
    return GpuInstanceType.ofFamily(family, construct, prop);
  }

  /**
   * Catalogue types of the same size whose family is one edit away and starts with the same
   * letter (p5d.48xlarge -> p5.48xlarge, p5e.48xlarge): what a mistyped GPU type was probably
   * meant to be. Empty for a family of its own, such as m5 (no GPU).
   * @param instanceType an EC2 instance type name, lowercase
   */
  public static closeMatches(instanceType: string): string[] {
    const input = typeof instanceType === 'string' ? instanceType.trim().toLowerCase() : '';
    const dot = input.indexOf('.');
    if (dot < 0 || GpuInstanceType.byName()[input]) return [];
    const family = input.slice(0, dot);
    const size = input.slice(dot + 1);
    return GpuInstanceType.all()
      // Same first letter: g6x is a typo of g6e, but m5 is a family of its own (no GPU), not a typo of g5.
      .filter((t) => t.name.slice(t.family.length + 1) === size && family[0] === t.family[0] && editDistance(family, t.family) <= 1)
      .map((t) => t.name);
  }

  private static registry?: { [name: string]: GpuInstanceType };

  private static byName(): { [name: string]: GpuInstanceType } {
    if (!GpuInstanceType.registry) {
      const reg: { [name: string]: GpuInstanceType } = {};
      for (const value of Object.values(GpuInstanceType)) {
        if (value instanceof GpuInstanceType) reg[value.name] = value;
      }
      GpuInstanceType.registry = reg;
    }
    return GpuInstanceType.registry;
  }

  /** The EC2 instance type name, e.g. `g5.xlarge`. */
  public readonly name: string;
  /** The facts of this type. */
  public readonly facts: GpuInstanceTypeFacts;

  private constructor(f: GpuInstanceTypeFacts) {
    this.name = f.instanceType;
    this.facts = f;
  }

  /** Instance family, e.g. `g5`. */
  public get family(): string {
    return this.facts.family;
  }

  /** GPUs per instance. */
  public get gpuCount(): number {
    return this.facts.gpuCount;
  }

  /** Memory per GPU in GiB, as AWS lists it. */
  public get gpuMemoryGiB(): number {
    return this.facts.gpuMemoryGiB;
  }

  /** GPU memory per GPU the driver reports, in GiB (what sizing uses). */
  public get gpuUsableMemoryGiB(): number {
    return this.facts.gpuUsableMemoryGiB ?? this.facts.gpuMemoryGiB;
  }

  /** Memory of all GPUs of the instance in GiB, as AWS lists it. */
  public get totalGpuMemoryGiB(): number {
    return this.facts.gpuCount * this.facts.gpuMemoryGiB;
  }

  /** Whether the type supports EFA. */
  public get efaSupported(): boolean {
    return this.facts.efaSupported;
  }

  /** Most EFA interfaces the type supports. */
  public get maxEfaInterfaces(): number {
    return this.facts.maxEfaInterfaces;
  }

  /** The `nvidia.com/gpu.product` label value of its nodes. */
  public get gpuProduct(): string {
    return this.facts.gpuProduct;
  }

  /** GPU model, e.g. `A10G`. */
  public get gpuModel(): string {
    return this.facts.gpuModel;
  }

  /** GPU architecture. */
  public get gpuArchitecture(): GpuArchitecture {
    return this.facts.gpuArchitecture;
  }

  /** vCPUs. */
  public get vcpus(): number {
    return this.facts.vcpus;
  }

  /** Instance memory in GiB. */
  public get memoryGiB(): number {
    return this.facts.memoryGiB;
  }

  /** On-demand Linux price per hour in USD (see {@link PRICE_REFERENCE}). */
  public get onDemandHourlyUsd(): number {
    return this.facts.onDemandHourlyUsd;
  }

  /** True when the price is an estimate rather than a listed on-demand price. */
  public get priceIsEstimate(): boolean {
    return this.facts.priceIsEstimate ?? false;
  }

  /** Local NVMe instance storage in GB (0 without). */
  public get localNvmeGb(): number {
    return this.facts.localNvmeGb ?? 0;
  }

  /** The instance type name. */
  public toString(): string {
    return this.name;
  }
}
