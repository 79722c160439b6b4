// Every rule of the packs is described (id, info, explanation, benchmark with a reference) and tested.
import * as fs from 'fs';
import * as path from 'path';
import { allPolicyRules, POLICY_PACKS, PolicyLayer, PolicyPack } from '../../../lib/verify/policy';

const PREFIX: { [pack in PolicyPack]: string } = {
  [PolicyPack.AWS_DATA_PROTECTION]: 'aws-',
  [PolicyPack.POD_SECURITY]: 'pod-',
  [PolicyPack.NETWORK_ISOLATION]: 'net-',
  [PolicyPack.AI_PLATFORM]: 'ai-',
};

describe('the rule catalogue', () => {
  const rules = allPolicyRules();

  test('ids are unique, prefixed by their pack, and each rule sits in its own pack', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const [pack, list] of Object.entries(POLICY_PACKS)) {
      for (const r of list) expect([r.id, r.pack, r.id.startsWith(PREFIX[pack as PolicyPack])]).toEqual([r.id, pack, true]);
    }
    expect(rules.filter((r) => r.layer === PolicyLayer.TERRAFORM).every((r) => r.pack === PolicyPack.AWS_DATA_PROTECTION)).toBe(true);
  });

  test('every rule says what it checks and names a public benchmark with its reference', () => {
    for (const r of rules) {
      expect([r.id, r.info.length > 20, r.explanation.length > 60]).toEqual([r.id, true, true]);
      expect([r.id, r.benchmarks.length > 0]).toEqual([r.id, true]);
      for (const b of r.benchmarks) expect([r.id, b.benchmark !== '', b.control !== '', /^https:\/\//.test(b.url)]).toEqual([r.id, true, true, true]);
    }
  });

  test('the packs cover what the issue lists', () => {
    expect(POLICY_PACKS[PolicyPack.AWS_DATA_PROTECTION].map((r) => r.benchmarks[0].control)).toEqual(expect.arrayContaining(
      ['S3.17', 'S3.8', 'S3.5', 'S3.9', 'RDS.3', 'RDS.11', 'RDS.8', 'RDS.13', 'RDS.10', 'EKS.3', 'EKS.1', 'EKS.8', 'SQS.1', 'KMS.4', 'EC2.170', 'IAM.1', 'SecretsManager.1']));
    expect(POLICY_PACKS[PolicyPack.POD_SECURITY].flatMap((r) => r.benchmarks.map((b) => b.control))).toEqual(expect.arrayContaining([
      'restricted: Running as Non-root', 'restricted: Privilege Escalation', 'restricted: Capabilities', 'restricted: Seccomp', 'restricted: Volume Types',
      'restricted: Running as Non-root user', 'baseline: Host Namespaces', 'baseline: HostPath Volumes', 'baseline: Host Ports', 'baseline: Privileged Containers',
      'baseline: HostProcess', 'baseline: AppArmor', 'baseline: SELinux', 'baseline: /proc Mount Type', 'baseline: Sysctls',
    ]));
  });

  test('every rule has tests (its id names a describe or a test of the rule test files)', () => {
    const text = fs.readdirSync(__dirname).filter((f) => f.endsWith('-rules.test.ts')).map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
    expect(rules.map((r) => r.id).filter((id) => !text.includes(`'${id}`) && !text.includes(` ${id}`) && !text.includes(`${id}:`) && !text.includes(`${id},`))).toEqual([]);
  });
});
