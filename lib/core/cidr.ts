import { invalidProp } from './errors';

/**
 * IPv4 CIDR arithmetic for laying out subnets: parse, contain, overlap, and carve
 * aligned, non-overlapping blocks out of one VPC block. Pure and deterministic, so the
 * subnet layout is known at synth time and can be asserted in tests.
 */

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 CIDR block. */
export class Cidr {
  /**
   * Parses `a.b.c.d/n`. The address must be the network address of the block
   * (`10.0.0.0/16`, not `10.0.1.0/16`): a host address there is almost always a typo.
   * @param value the CIDR text
   * @param construct construct path (or spec name) for the error message
   * @param prop the prop the value came from, for the error message
   * @throws CnaiError when the text is not a canonical IPv4 CIDR block
   */
  public static parse(value: string, construct: string = 'Cidr', prop: string = 'cidr'): Cidr {
    const m = typeof value === 'string' ? CIDR.exec(value.trim()) : null;
    if (!m) {
      throw invalidProp(construct, prop, value, 'not an IPv4 CIDR block', 'write it as a.b.c.d/n, e.g. "10.0.0.0/16"');
    }
    const octets = m.slice(1, 5).map(Number);
    const prefixLength = Number(m[5]);
    if (octets.some((o) => o > 255) || prefixLength > 32) {
      throw invalidProp(construct, prop, value, 'octets must be 0-255 and the prefix length 0-32', 'write it as a.b.c.d/n, e.g. "10.0.0.0/16"');
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const network = maskOf(address, prefixLength);
    if (network !== address) {
      const canonical = `${formatAddress(network)}/${prefixLength}`;
      throw invalidProp(construct, prop, value, `${formatAddress(address)} is not the first address of a /${prefixLength} block`,
        `use the network address, "${canonical}"`);
    }
    return new Cidr(address, prefixLength);
  }

  /** First address of the block, as an unsigned 32-bit integer. */
  public readonly address: number;
  /** Prefix length (0-32). */
  public readonly prefixLength: number;

  private constructor(address: number, prefixLength: number) {
    this.address = address;
    this.prefixLength = prefixLength;
  }

  /** Number of addresses in the block. */
  public get size(): number {
    return 2 ** (32 - this.prefixLength);
  }

  /** Last address of the block, as an unsigned 32-bit integer. */
  public get lastAddress(): number {
    return this.address + this.size - 1;
  }

  /** True when `other` lies entirely inside this block. */
  public contains(other: Cidr): boolean {
    return other.address >= this.address && other.lastAddress <= this.lastAddress;
  }

  /** True when the two blocks share at least one address. */
  public overlaps(other: Cidr): boolean {
    return this.address <= other.lastAddress && other.address <= this.lastAddress;
  }

  /**
   * The `index`-th block of prefix length `newPrefixLength` inside this one (Terraform's
   * `cidrsubnet(this, newPrefixLength - prefixLength, index)`).
   */
  public subnet(newPrefixLength: number, index: number): Cidr {
    if (!Number.isInteger(newPrefixLength) || newPrefixLength < this.prefixLength || newPrefixLength > 32) {
      throw new RangeError(`prefix length ${newPrefixLength} is not between ${this.prefixLength} and 32`);
    }
    const count = 2 ** (newPrefixLength - this.prefixLength);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`${this} has ${count} blocks of /${newPrefixLength}; index ${index} is out of range`);
    }
    return new Cidr(this.address + index * 2 ** (32 - newPrefixLength), newPrefixLength);
  }

  /** The block as `a.b.c.d/n`. */
  public toString(): string {
    return `${formatAddress(this.address)}/${this.prefixLength}`;
  }
}

/** Renders an unsigned 32-bit address as dotted quad. */
export function formatAddress(address: number): string {
  // Arithmetic rather than bit operators: JavaScript's are signed 32-bit.
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((unit) => Math.floor(address / unit) % 256).join('.');
}

function maskOf(address: number, prefixLength: number): number {
  const size = 2 ** (32 - prefixLength);
  return Math.floor(address / size) * size;
}

/**
 * The first pair of blocks that overlap, as indexes into `blocks`, or undefined.
 */
export function findOverlap(blocks: Cidr[]): number[] | undefined {
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      if (blocks[i].overlaps(blocks[j])) return [i, j];
    }
  }
  return undefined;
}

/**
 * Carves one aligned block per requested prefix length out of `block`, without
 * overlap, and returns them in request order. Larger blocks are placed first (lowest
 * addresses) so that alignment wastes no space; equal sizes keep request order, so the
 * layout is stable when a request is appended.
 * @param block the enclosing block (e.g. the VPC CIDR)
 * @param prefixLengths the prefix length of each block to allocate
 * @param construct construct path (or spec name) for the error message
 * @param prop the prop the sizes came from, for the error message
 * @throws CnaiError when a prefix length is invalid or the blocks do not fit
 */
export function allocateBlocks(block: Cidr, prefixLengths: number[], construct: string = 'Cidr', prop: string = 'prefixLengths'): Cidr[] {
  for (const p of prefixLengths) {
    if (!Number.isInteger(p) || p < block.prefixLength || p > 32) {
      throw invalidProp(construct, prop, prefixLengths, `each prefix length must be an integer between ${block.prefixLength} (the enclosing ${block}) and 32`,
        `choose prefix lengths between ${block.prefixLength} and 32`);
    }
  }
  const order = prefixLengths.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const result: Cidr[] = new Array(prefixLengths.length);
  let next = block.address;
  for (const { p, i } of order) {
    const size = 2 ** (32 - p);
    // Sorted by decreasing size, so `next` is always aligned for the current size.
    if (next + size - 1 > block.lastAddress) {
      const needed = prefixLengths.reduce((sum, q) => sum + 2 ** (32 - q), 0);
      throw invalidProp(construct, prop, prefixLengths,
        `blocks of ${needed} addresses in total do not fit in ${block} (${block.size} addresses)`,
        'use a larger enclosing block or longer prefix lengths (smaller subnets)');
    }
    result[i] = Cidr.parse(`${formatAddress(next)}/${p}`);
    next += size;
  }
  return result;
}
