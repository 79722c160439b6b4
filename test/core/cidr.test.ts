import { allocateBlocks, Cidr, findOverlap, formatAddress } from '../../lib/core/cidr';
import { CnaiError } from '../../lib/core/errors';

describe('Cidr.parse', () => {
  test('parses a canonical block', () => {
    const c = Cidr.parse('10.0.0.0/16');
    expect(c.prefixLength).toBe(16);
    expect(c.size).toBe(65536);
    expect(formatAddress(c.lastAddress)).toBe('10.0.255.255');
    expect(c.toString()).toBe('10.0.0.0/16');
  });

  test('handles the top of the address space without sign errors', () => {
    const c = Cidr.parse('255.255.255.0/24');
    expect(c.address).toBe(0xffffff00);
    expect(c.toString()).toBe('255.255.255.0/24');
  });

  test('rejects text that is not a CIDR block', () => {
    expect(() => Cidr.parse('10.0.0.0', 'net', 'cidrBlock')).toThrow(
      'net: invalid cidrBlock = "10.0.0.0": not an IPv4 CIDR block. Fix: write it as a.b.c.d/n, e.g. "10.0.0.0/16".');
  });

  test('rejects octets above 255 and prefixes above 32', () => {
    expect(() => Cidr.parse('10.0.300.0/24', 'net', 'cidrBlock')).toThrow(/octets must be 0-255 and the prefix length 0-32/);
    expect(() => Cidr.parse('10.0.0.0/33', 'net', 'cidrBlock')).toThrow(/octets must be 0-255 and the prefix length 0-32/);
  });

  test('rejects a host address and names the network address', () => {
    expect(() => Cidr.parse('10.0.1.0/16', 'net', 'cidrBlock')).toThrow(
      'net: invalid cidrBlock = "10.0.1.0/16": 10.0.1.0 is not the first address of a /16 block. Fix: use the network address, "10.0.0.0/16".');
  });

  test('errors are CnaiErrors', () => {
    expect(() => Cidr.parse('nope')).toThrow(CnaiError);
  });
});

describe('Cidr relations', () => {
  const vpc = Cidr.parse('10.0.0.0/16');

  test('contains and overlaps', () => {
    expect(vpc.contains(Cidr.parse('10.0.4.0/22'))).toBe(true);
    expect(vpc.contains(Cidr.parse('10.1.0.0/24'))).toBe(false);
    expect(vpc.overlaps(Cidr.parse('10.0.0.0/8'))).toBe(true);
    expect(Cidr.parse('10.0.0.0/24').overlaps(Cidr.parse('10.0.1.0/24'))).toBe(false);
  });

  test('subnet matches terraform cidrsubnet', () => {
    // cidrsubnet("10.0.0.0/16", 4, 3) = "10.0.48.0/20"
    expect(vpc.subnet(20, 3).toString()).toBe('10.0.48.0/20');
    expect(() => vpc.subnet(20, 16)).toThrow(RangeError);
    expect(() => vpc.subnet(8, 0)).toThrow(RangeError);
  });

  test('findOverlap returns the first overlapping pair', () => {
    const blocks = ['10.0.0.0/24', '10.0.1.0/24', '10.0.1.128/25'].map((b) => Cidr.parse(b));
    expect(findOverlap(blocks)).toEqual([1, 2]);
    expect(findOverlap(blocks.slice(0, 2))).toBeUndefined();
  });
});

describe('allocateBlocks', () => {
  const vpc = Cidr.parse('10.0.0.0/16');

  test('places larger blocks first, returns request order, never overlaps', () => {
    const blocks = allocateBlocks(vpc, [22, 22, 22, 18, 18, 18]).map(String);
    expect(blocks).toEqual([
      '10.0.192.0/22', '10.0.196.0/22', '10.0.200.0/22',
      '10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18',
    ]);
    expect(findOverlap(blocks.map((b) => Cidr.parse(b)))).toBeUndefined();
  });

  test('keeps alignment with mixed sizes', () => {
    const blocks = allocateBlocks(vpc, [24, 17, 20]).map(String);
    expect(blocks).toEqual(['10.0.144.0/24', '10.0.0.0/17', '10.0.128.0/20']);
  });

  test('fills the block exactly', () => {
    expect(allocateBlocks(vpc, [17, 17]).map(String)).toEqual(['10.0.0.0/17', '10.0.128.0/17']);
  });

  test('rejects blocks that do not fit', () => {
    expect(() => allocateBlocks(vpc, [17, 17, 24], 'net', 'privateSubnetPrefixLength')).toThrow(
      'net: invalid privateSubnetPrefixLength = [17,17,24]: blocks of 65792 addresses in total do not fit in 10.0.0.0/16 (65536 addresses). Fix: use a larger enclosing block or longer prefix lengths (smaller subnets).');
  });

  test('rejects prefix lengths shorter than the block', () => {
    expect(() => allocateBlocks(vpc, [15], 'net', 'sizes')).toThrow(
      /each prefix length must be an integer between 16 \(the enclosing 10.0.0.0\/16\) and 32/);
  });
});
