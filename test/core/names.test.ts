import {
  assertName, CnaiError, isDns1123Label, isDns1123Subdomain, NAME_RULES, NameRule, NameRules, PlatformNaming, satisfiesNameRule, shorten,
} from '../../lib/core';

const cases: { [rule: string]: { valid: string[]; invalid: string[] } } = {
  dns1123Label: {
    valid: ['a', 'gpu-a10g', '0abc9', 'x'.repeat(63)],
    invalid: ['', 'A', 'gpu_a10g', '-a', 'a-', 'a.b', 'x'.repeat(64), 'ünï'],
  },
  dns1123Subdomain: {
    valid: ['a', 'a.b', 'cnai.io', 'nvidia-device-plugin.kube-system', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    invalid: ['', 'A.b', 'a..b', '.a', 'a.', 'a.-b', 'a_b', 'x'.repeat(254)],
  },
  labelValue: {
    valid: ['', 'a', 'NVIDIA-H100-80GB-HBM3', 'Tesla-T4', 'v1.2_3', 'x'.repeat(63)],
    invalid: ['-a', 'a-', '_a', 'a b', 'a/b', 'x'.repeat(64)],
  },
  s3Bucket: {
    valid: ['abc', 'cnai-prod-models-123456789012-us-west-2', 'a--b', 'x'.repeat(63)],
    invalid: ['ab', 'Abc', 'a.b', 'a_b', '-abc', 'abc-', 'xn--abc', 'sthree-abc', 'amzn-s3-demo-bucket', 'abc-s3alias', 'abc--ol-s3', 'abc--x-s3', 'abc--table-s3', 'x'.repeat(64)],
  },
  iamRole: {
    valid: ['a', 'cnai-prod-eks-node', 'Role+=,.@_-1', 'x'.repeat(64)],
    invalid: ['', 'a b', 'a/b', 'a:b', 'x'.repeat(65)],
  },
  eksCluster: {
    valid: ['a', 'cnai-prod', 'Cnai_Prod-1', '1cluster', 'x'.repeat(100)],
    invalid: ['', '-a', '_a', 'a.b', 'a b', 'x'.repeat(101)],
  },
  eksNodeGroup: {
    valid: ['a', 'gpu-a10g', 'GPU_pool-1', 'x'.repeat(63)],
    invalid: ['', '-a', 'a.b', 'x'.repeat(64)],
  },
  rdsInstance: {
    valid: ['a', 'mlflow', 'cnai-prod-mlflow', 'a1', 'x'.repeat(63)],
    invalid: ['', '1db', 'db-', 'a--b', 'Db', 'a_b', 'x'.repeat(64)],
  },
  ecrRepository: {
    valid: ['ab', 'cnai/vllm', 'team-a/models/llama_3.1', 'a'.repeat(256)],
    invalid: ['a', 'A/b', 'a//b', '/a', 'a/', 'a..b', 'a-', 'a'.repeat(257)],
  },
};

describe('NAME_RULES', () => {
  test('every rule is covered by these cases', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(NAME_RULES).sort());
  });

  for (const [name, { valid, invalid }] of Object.entries(cases)) {
    const rule: NameRule = (NAME_RULES as { [k: string]: NameRule })[name];
    test.each(valid.map((v) => [v.length > 20 ? `${v.slice(0, 17)}... (${v.length})` : v, v]))(`${name} accepts %s`, (_label, value) => {
      expect(satisfiesNameRule(value, rule)).toBe(true);
    });
    test.each(invalid.map((v) => [v.length > 20 ? `${v.slice(0, 17)}... (${v.length})` : v, v]))(`${name} rejects %s`, (_label, value) => {
      expect(satisfiesNameRule(value, rule)).toBe(false);
    });
  }

  test('each rule describes itself for error messages', () => {
    for (const rule of Object.values(NAME_RULES)) {
      expect(rule.kind.length).toBeGreaterThan(0);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.minLength).toBeLessThanOrEqual(rule.maxLength);
    }
  });

  test('non-strings never satisfy a rule', () => {
    expect(satisfiesNameRule(undefined as any, NAME_RULES.labelValue)).toBe(false);
    expect(satisfiesNameRule(12 as any, NAME_RULES.dns1123Label)).toBe(false);
  });

  test('DNS helpers', () => {
    expect(isDns1123Label('kube-system')).toBe(true);
    expect(isDns1123Label('a.b')).toBe(false);
    expect(isDns1123Subdomain('a.b')).toBe(true);
    expect(isDns1123Subdomain('A.b')).toBe(false);
  });
});

describe('assertName', () => {
  test('returns a valid name', () => {
    expect(assertName('platform', 'name', 'gpu-a10g', NAME_RULES.dns1123Label)).toBe('gpu-a10g');
  });

  test('states the rule, the length and the default fix', () => {
    expect(() => assertName('platform/pools', 'name', 'GPU_A10G', NAME_RULES.dns1123Label)).toThrow(
      'platform/pools: invalid name = "GPU_A10G": not a valid DNS-1123 label (8 characters); it must be lowercase letters, digits and "-", '
      + 'starting and ending with a letter or digit, at most 63 characters. '
      + 'Fix: choose a name of lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.');
  });

  test('uses a given fix', () => {
    expect(() => assertName('svc', 'bucket', 'ab', NAME_RULES.s3Bucket, 'use a longer purpose')).toThrow(
      'svc: invalid bucket = "ab": not a valid S3 bucket name (2 characters); it must be 3 to 63 lowercase letters, digits and "-", '
      + 'starting and ending with a letter or digit, without a reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3). Fix: use a longer purpose.');
  });

  test('a non-string value gets no length', () => {
    expect(() => assertName('svc', 'name', undefined as any, NAME_RULES.dns1123Label)).toThrow(
      'svc: invalid name = undefined: not a valid DNS-1123 label; it must be');
  });
});

describe('PlatformNaming', () => {
  const identity = { platformName: 'cnai', environment: 'prod', region: 'us-west-2', accountId: '123456789012' };
  const naming = new PlatformNaming(identity);

  test('derives every shared name from the identity', () => {
    expect(naming.platformName).toBe('cnai');
    expect(naming.environment).toBe('prod');
    expect(naming.region).toBe('us-west-2');
    expect(naming.accountId).toBe('123456789012');
    expect(naming.prefix).toBe('cnai-prod');
    expect(naming.clusterName).toBe('cnai-prod');
    expect(naming.resourceName('vpc')).toBe('cnai-prod-vpc');
    expect(naming.bucketName('models')).toBe('cnai-prod-models-123456789012-us-west-2');
    expect(naming.roleName('eks-node')).toBe('cnai-prod-eks-node');
  });

  test('derived names satisfy the AWS rules', () => {
    expect(satisfiesNameRule(naming.clusterName, NAME_RULES.eksCluster)).toBe(true);
    expect(satisfiesNameRule(naming.bucketName('datasets'), NAME_RULES.s3Bucket)).toBe(true);
    expect(satisfiesNameRule(naming.roleName('eks-cluster'), NAME_RULES.iamRole)).toBe(true);
  });

  test('is deterministic: two instances from the same identity agree', () => {
    const other = new PlatformNaming({ ...identity });
    expect(other.bucketName('models')).toBe(naming.bucketName('models'));
    expect(other.roleName('x'.repeat(100))).toBe(naming.roleName('x'.repeat(100)));
  });

  test('long role names are shortened to IAM\'s 64 characters with a hash', () => {
    const role = naming.roleName('workload-identity-for-a-very-long-service-account-name-in-team-x');
    expect(role).toBe('cnai-prod-workload-identity-for-a-very-long-service-acc-88c48962');
    expect(role).toHaveLength(64);
    expect(naming.roleName('workload-identity-for-a-very-long-service-account-name-in-team-y')).not.toBe(role);
  });

  test('accepts GovCloud, China and ISO regions', () => {
    for (const region of ['us-gov-west-1', 'cn-north-1', 'us-iso-east-1', 'us-isob-east-1', 'ap-southeast-4', 'il-central-1']) {
      expect(new PlatformNaming({ ...identity, region }).region).toBe(region);
    }
  });

  describe('errors', () => {
    test('platform name that is not a DNS label', () => {
      expect(() => new PlatformNaming({ ...identity, platformName: 'CNAI' }, 'app/platform')).toThrow(
        'app/platform: invalid platformName = "CNAI": not a valid DNS-1123 label (4 characters)');
    });

    test('environment that is not a DNS label', () => {
      expect(() => new PlatformNaming({ ...identity, environment: 'prod_1' })).toThrow(
        'platform: invalid environment = "prod_1": not a valid DNS-1123 label (6 characters)');
    });

    test('bad region', () => {
      for (const region of ['US-WEST-2', 'us-west', 'uswest2', 'mars-north-1a', '']) {
        expect(() => new PlatformNaming({ ...identity, region })).toThrow(
          `platform: invalid region = ${JSON.stringify(region)}: not an AWS region code. Fix: use a region code such as "us-west-2" or "eu-central-1".`);
      }
    });

    test('bad account id', () => {
      for (const accountId of ['12345678901', '1234567890123', '12345678901a', '']) {
        expect(() => new PlatformNaming({ ...identity, accountId })).toThrow(
          `platform: invalid accountId = ${JSON.stringify(accountId)}: an AWS account id has exactly 12 digits. `
          + 'Fix: give the 12-digit account id as a string, e.g. "123456789012".');
      }
      expect(() => new PlatformNaming({ ...identity, accountId: 123456789012 as any })).toThrow(
        'platform: invalid accountId = 123456789012: an AWS account id has exactly 12 digits');
    });

    test('names too long for the datasets bucket, with a fix that is exactly achievable', () => {
      expect(() => new PlatformNaming({ ...identity, platformName: 'averyveryverylongplatform', environment: 'production' })).toThrow(
        'platform: invalid platformName = "averyveryverylongplatform": with environment "production" the derived bucket name '
        + '"averyveryverylongplatform-production-datasets-123456789012-us-west-2" has 68 characters, over S3\'s limit of 63. '
        + 'Fix: shorten platformName and environment to at most 30 characters together.');
      // 15 + 15 = 30 characters: the datasets bucket is exactly 63 characters long.
      const edge = new PlatformNaming({ ...identity, platformName: 'p'.repeat(15), environment: 'e'.repeat(15) });
      expect(edge.bucketName('datasets')).toHaveLength(63);
      expect(() => new PlatformNaming({ ...identity, platformName: 'p'.repeat(16), environment: 'e'.repeat(15) })).toThrow(CnaiError);
    });
  });
});

describe('shorten', () => {
  test('leaves short names alone', () => {
    expect(shorten('cnai-prod', 64)).toBe('cnai-prod');
    expect(shorten('x'.repeat(64), 64)).toBe('x'.repeat(64));
  });

  test('cuts to exactly max characters with a head and an 8-hex hash', () => {
    const long = `cnai-prod-${'a'.repeat(80)}`;
    const s = shorten(long, 64);
    expect(s).toHaveLength(64);
    expect(s).toMatch(/^cnai-prod-a+-[0-9a-f]{8}$/);
    expect(s).toBe('cnai-prod-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-c1d56903');
  });

  test('is deterministic and keeps distinct long names distinct', () => {
    const a = `${'x'.repeat(70)}-a`;
    const b = `${'x'.repeat(70)}-b`;
    expect(shorten(a, 40)).toBe(shorten(a, 40));
    expect(shorten(a, 40)).not.toBe(shorten(b, 40));
    expect(shorten(a, 40).slice(0, 31)).toBe(shorten(b, 40).slice(0, 31));
  });

  test('does not leave a separator before the hash', () => {
    const s = shorten(`${'a'.repeat(20)}-----${'b'.repeat(40)}`, 30);
    expect(s).toMatch(/^a{20}-[0-9a-f]{8}$/);
    expect(s.length).toBeLessThanOrEqual(30);
  });

  test('stays within very small limits', () => {
    for (let max = 0; max <= 12; max++) {
      const s = shorten('abcdefghijklmnopq', max);
      expect(s.length).toBeLessThanOrEqual(max);
      expect(shorten('abcdefghijklmnopq', max)).toBe(s);
    }
    expect(shorten('abcdefghijkl', 5)).toBe('e8fb3');
    expect(shorten('abcdefghijkl', 10)).toBe('a-e8fb3e15');
  });
});

describe('NameRules (the checks as static members, for jsii)', () => {
  test('patterns are strings: the regular expression source, anchored', () => {
    expect(NameRules.DNS1123_LABEL.pattern).toBe('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$');
    expect(typeof NameRules.ECR_REPOSITORY.pattern).toBe('string');
  });

  test('satisfies and assert', () => {
    expect(NameRules.satisfies('gpu-a10g', NameRules.DNS1123_LABEL)).toBe(true);
    expect(NameRules.satisfies('GPU_A10G', NameRules.DNS1123_LABEL)).toBe(false);
    expect(NameRules.satisfies('my.bucket', NameRules.S3_BUCKET)).toBe(false);
    expect(NameRules.assert('platform', 'name', 'gpu-a10g', NameRules.DNS1123_LABEL)).toBe('gpu-a10g');
    expect(() => NameRules.assert('platform/pools', 'name', 'GPU_A10G', NameRules.DNS1123_LABEL, 'use lowercase')).toThrow(
      'platform/pools: invalid name = "GPU_A10G": not a valid DNS-1123 label (8 characters); it must be lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters. Fix: use lowercase.');
  });

  test('a rule of the user\'s own, pattern as a string', () => {
    const rule: NameRule = { kind: 'ticket id', minLength: 3, maxLength: 10, pattern: '^T-[0-9]+$', description: 'T- and digits' };
    expect(NameRules.satisfies('T-12', rule)).toBe(true);
    expect(NameRules.satisfies('X-12', rule)).toBe(false);
  });
});
