/**
 * SparkApplication, as the Kubeflow Spark operator v2.5.2 runs it.
 *
 * Read in kubeflow/spark-operator@v2.5.2:
 * - pkg/common/spark.go: labels `spark-role` (driver|executor), `sparkoperator.k8s.io/app-name`,
 *   `sparkoperator.k8s.io/launched-by-spark-operator`; the driver UI port 4040
 *   (`spark-driver-ui-port`);
 * - internal/controller/sparkapplication/submission.go: the labels set on driver and executor pods;
 * - internal/controller/sparkapplication/web_ui.go, driveringress.go, pkg/util/sparkapplication.go:
 *   Service `<name>-ui-svc` port 4040 → 4040 selecting the driver.
 * Spark itself also opens the driver's RPC (7078) and block manager (7079) ports to executors.
 */
import { asArray, asObject, asString, asStringMap } from '../kinds';
import { PodGroupDraft, PodPort } from '../model';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'kubeflow/spark-operator@v2.5.2: pkg/common/spark.go, internal/controller/sparkapplication/{submission.go,web_ui.go,driveringress.go}, pkg/util/sparkapplication.go';

/** SparkApplication (sparkoperator.k8s.io/v1beta2). */
export const SPARK_APPLICATION_ADAPTER: CustomResourceAdapter = {
  group: 'sparkoperator.k8s.io',
  kind: 'SparkApplication',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const name = obj.metadata.name ?? '';
    const spec = asObject(obj.spec) ?? {};
    const common = { 'sparkoperator.k8s.io/app-name': name, 'sparkoperator.k8s.io/launched-by-spark-operator': 'true' };
    const group = (role: 'driver' | 'executor', ports: PodPort[]): PodGroupDraft => {
      const rs = asObject(spec[role]) ?? {};
      const serviceAccount = asString(rs.serviceAccount) ?? asString(asObject(spec.driver)?.serviceAccount) ?? 'default';
      const volumes = [
        ...asArray(spec.volumes),
        ...asArray(rs.secrets).map((s) => ({ name: `secret-${asString(asObject(s)?.name)}`, secret: { secretName: asString(asObject(s)?.name) } })),
        ...asArray(rs.configMaps).map((c) => ({ name: `configmap-${asString(asObject(c)?.name)}`, configMap: { name: asString(asObject(c)?.name) } })),
      ];
      const container: { [key: string]: unknown } = { name: role === 'driver' ? 'spark-kubernetes-driver' : 'spark-kubernetes-executor' };
      for (const k of ['env', 'envFrom', 'volumeMounts']) if (rs[k] !== undefined) container[k] = rs[k];
      return {
        id: `SparkApplication ${namespace}/${name} (${role})`,
        namespace,
        labels: { ...asStringMap(rs.labels), ...common, 'spark-role': role },
        ports,
        serviceAccount,
        hostNetwork: rs.hostNetwork === true,
        podSpec: {
          serviceAccountName: serviceAccount,
          containers: [container, ...asArray(rs.sidecars)],
          initContainers: asArray(rs.initContainers),
          volumes,
          ...(spec.imagePullSecrets ? { imagePullSecrets: asArray(spec.imagePullSecrets).map((n) => ({ name: n })) } : {}),
          ...(asString(rs.priorityClassName) ? { priorityClassName: rs.priorityClassName } : {}),
        },
        podSpecPath: `spec.${role}`,
        createdBy: `Spark operator (${SOURCE})`,
      };
    };
    return {
      objects: [{
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: `${name}-ui-svc`, namespace },
          spec: { selector: { 'sparkoperator.k8s.io/app-name': name, 'spark-role': 'driver' }, ports: [{ name: 'spark-driver-ui-port', port: 4040, targetPort: 4040, protocol: 'TCP' }] },
        },
        providedBy: `Spark operator (SparkApplication ${namespace}/${name})`,
      }],
      podGroups: [
        group('driver', [
          { name: 'spark-driver-ui-port', port: 4040, protocol: 'TCP' },
          { name: 'driver-rpc-port', port: 7078, protocol: 'TCP' },
          { name: 'blockmanager', port: 7079, protocol: 'TCP' },
        ]),
        group('executor', []),
      ],
    };
  },
};
