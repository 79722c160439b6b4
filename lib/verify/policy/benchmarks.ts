/**
 * The public benchmarks the rules follow, with where each is described. A rule names the
 * control (Security Hub control id, CIS recommendation number, Pod Security Standards control
 * name, ...) through these helpers, so the report and the README cite them the same way.
 */
import { BenchmarkReference } from './types';

const FSBP = 'AWS Foundational Security Best Practices';
const CIS_EKS = 'CIS Amazon EKS Benchmark';
const PSS = 'Kubernetes Pod Security Standards';
const NSA = 'NSA/CISA Kubernetes Hardening Guide v1.2';

/** Security Hub user guide page of a service's controls (`s3`, `rds`, ...). */
function fsbpUrl(service: string, control: string): string {
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${control.toLowerCase().replace('.', '-')}`;
}

export const Benchmarks = {
  /** An AWS Foundational Security Best Practices control (Security Hub control id, e.g. `S3.17`). */
  fsbp(control: string): BenchmarkReference {
    const service = control.split('.')[0].toLowerCase();
    return { benchmark: FSBP, control, url: fsbpUrl(service, control) };
  },
  /** A CIS Amazon EKS Benchmark recommendation (numbering of the v1.x benchmarks). */
  cisEks(control: string, title: string): BenchmarkReference {
    return { benchmark: CIS_EKS, control: `${control} ${title}`, url: 'https://www.cisecurity.org/benchmark/kubernetes' };
  },
  /** A control of the Pod Security Standards (`restricted` or `baseline` profile), by its name in the standard. */
  pss(profile: 'restricted' | 'baseline', control: string): BenchmarkReference {
    return { benchmark: PSS, control: `${profile}: ${control}`, url: `https://kubernetes.io/docs/concepts/security/pod-security-standards/#${profile}` };
  },
  /** A section of the NSA/CISA Kubernetes Hardening Guide. */
  nsa(section: string): BenchmarkReference {
    return { benchmark: NSA, control: section, url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF' };
  },
  /** An AWS Config managed rule. */
  awsConfig(rule: string): BenchmarkReference {
    return { benchmark: 'AWS Config managed rules', control: rule, url: `https://docs.aws.amazon.com/config/latest/developerguide/${rule}.html` };
  },
  /** An AWS Control Tower proactive control. */
  controlTower(control: string, title: string): BenchmarkReference {
    const service = control.split('.')[1].toLowerCase();
    return { benchmark: 'AWS Control Tower controls', control: `${control} ${title}`, url: `https://docs.aws.amazon.com/controltower/latest/controlreference/${service}-rules.html` };
  },
  /** A section of the Amazon EKS Best Practices Guide. */
  eksBestPractices(section: string, url: string): BenchmarkReference {
    return { benchmark: 'Amazon EKS Best Practices Guide', control: section, url };
  },
  /** A page of the Kubernetes documentation. */
  kubernetesDocs(section: string, url: string): BenchmarkReference {
    return { benchmark: 'Kubernetes documentation', control: section, url };
  },
  /** Any other public reference. */
  other(benchmark: string, control: string, url: string): BenchmarkReference {
    return { benchmark, control, url };
  },
};
