import {
  EKS, EKS_ADDONS, EKS_VERSIONS, EksSupportType, EksVersionStatus, kubernetesVersionSupport, RDS_POSTGRES,
} from '../../lib/core/versions';

describe('EKS versions', () => {
  test('the version table: support calendar and add-on builds per Kubernetes version', () => {
    const table = Object.fromEntries(Object.values(EKS_VERSIONS).map((v) => [v.version, {
      endOfStandardSupport: v.endOfStandardSupport,
      endOfExtendedSupport: v.endOfExtendedSupport,
      addons: Object.fromEntries(Object.values(v.addons).map((a) => [a.name, a.version])),
    }]));
    expect(table).toEqual({
      1.34: {
        endOfStandardSupport: '2026-12-02',
        endOfExtendedSupport: '2027-12-02',
        addons: { 'vpc-cni': 'v1.21.1-eksbuild.1', 'coredns': 'v1.13.2-eksbuild.11', 'kube-proxy': 'v1.34.6-eksbuild.13', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.2', 'aws-ebs-csi-driver': 'v1.54.0-eksbuild.1' },
      },
      1.35: {
        endOfStandardSupport: '2027-03-27',
        endOfExtendedSupport: '2028-03-27',
        addons: { 'vpc-cni': 'v1.21.1-eksbuild.1', 'coredns': 'v1.14.3-eksbuild.3', 'kube-proxy': 'v1.35.3-eksbuild.13', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.2', 'aws-ebs-csi-driver': 'v1.54.0-eksbuild.1' },
      },
      1.36: {
        endOfStandardSupport: '2027-06-22',
        endOfExtendedSupport: '2028-06-22',
        addons: { 'vpc-cni': 'v1.21.1-eksbuild.1', 'coredns': 'v1.14.3-eksbuild.3', 'kube-proxy': 'v1.36.0-eksbuild.14', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.2', 'aws-ebs-csi-driver': 'v1.54.0-eksbuild.1' },
      },
    });
  });

  test('every kube-proxy build is for its own Kubernetes minor', () => {
    for (const v of Object.values(EKS_VERSIONS)) expect(v.addons.kubeProxy.version.startsWith(`v${v.version}.`)).toBe(true);
  });

  test('the default is the newest version in standard support on the day it was chosen, with the STANDARD upgrade policy', () => {
    expect(EKS.defaultKubernetesVersion).toBe('1.36');
    expect(EKS.defaultSupportType).toBe(EksSupportType.STANDARD);
    expect(EKS_ADDONS).toBe(EKS_VERSIONS['1.36'].addons);
    expect(kubernetesVersionSupport(EKS.defaultKubernetesVersion, EKS.chosen).status).toBe(EksVersionStatus.STANDARD_SUPPORT);
  });

  test('support status: a warning for the summary once standard support has passed', () => {
    expect(kubernetesVersionSupport('1.34', '2026-12-02')).toEqual({ version: '1.34', status: EksVersionStatus.STANDARD_SUPPORT, endOfStandardSupport: '2026-12-02' });
    expect(kubernetesVersionSupport('1.34', '2026-12-06')).toEqual({
      version: '1.34',
      status: EksVersionStatus.EXTENDED_SUPPORT,
      endOfStandardSupport: '2026-12-02',
      warning: 'Kubernetes 1.34 left EKS standard support on 2026-12-02: clusters on it are in paid extended support (upgrade policy EXTENDED) '
        + 'or are upgraded by EKS at any time (STANDARD); upgrade to 1.36 (change kubernetesVersion, plan, apply)',
    });
    expect(kubernetesVersionSupport('v1.34.0', '2028-01-01').status).toBe(EksVersionStatus.END_OF_SUPPORT);
    expect(kubernetesVersionSupport('1.34', '2028-01-01').warning).toMatch(/^Kubernetes 1.34 left EKS extended support on 2027-12-02/);
    expect(kubernetesVersionSupport('1.36', '2026-12-06').warning).toBeUndefined();
    expect(kubernetesVersionSupport('1.30', '2026-12-06')).toMatchObject({
      status: EksVersionStatus.UNKNOWN, warning: expect.stringMatching(/^Kubernetes 1.30 is not in the library's EKS calendar \(1.34, 1.35, 1.36\)/),
    });
  });
});

describe('RDS PostgreSQL', () => {
  test('only the major version is pinned', () => {
    expect(RDS_POSTGRES).toMatchObject({ majorVersion: '17', parameterGroupFamily: 'postgres17' });
  });
});
