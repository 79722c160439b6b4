/**
 * The endpoint pickers of InferencePools (Gateway API Inference Extension) checked against the
 * vendored chart they stand in for. The library generates each picker's objects (Deployment,
 * Service, ConfigMap, Roles) instead of installing the picker's chart, so no Argo CD Application
 * points at the chart; this check reads the chart at the picker image's tag
 * (`gateway-api-inference-extension/<tag>/config/charts`: the inferencepool chart and its epplib
 * library chart) and checks, for every InferencePool of the output:
 *
 * - its `endpointPickerRef` names a Service in the pool's namespace whose ports are the chart's
 *   (`grpc-ext-proc` on `inferenceExtension.extProcPort`, `http-metrics` on 9090) and the ref's
 *   port is the ext-proc port;
 * - the Service's pods run the chart's image (registry, repository and tag of values.yaml) in a
 *   container `epp` with the chart's container ports, gRPC probes on the health port with the
 *   chart's service names, flags the chart passes (`--pool-name`/`--pool-namespace` naming this
 *   pool, `--pool-group` the chart's group, `--config-file` the chart's mount and file), and the
 *   plugins ConfigMap mounted where `--config-file` reads it;
 * - that configuration uses only plugin types the chart's configuration template names, its
 *   scheduling profile refers only to declared plugins, and its metrics data source reads the
 *   chart's scheme and path;
 * - every rule of the Roles bound to the picker's ServiceAccount is one the chart grants
 *   (templates of the inferencepool and epplib charts): the generated objects may grant less,
 *   never more.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { collectOutputDocuments, OutputDocument } from './applications';
import { resolveUpstreamDir, upstreamSourcesOf } from './sources';
import { KubeObject, ReleaseCheck, ReleaseFinding } from './types';

/** The picker's chart repository (SOURCES.tsv `repo`). */
const REPOSITORY = 'kubernetes-sigs/gateway-api-inference-extension';

/** What the check reads from the vendored chart. */
interface PickerChart {
  readonly dir: string;
  /** `chart <component>/<version>`, for messages. */
  readonly label: string;
  readonly image: string;
  readonly extProcPort: number;
  readonly pluginsConfigFile: string;
  readonly metricsScheme: string;
  readonly metricsPath: string;
  readonly flagKeys: string[];
  readonly deploymentTemplate: string;
  readonly containerPorts: Array<{ name: string; port: number }>;
  readonly pluginTypes: string[];
  readonly rules: Rule[];
}

interface Rule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);
const obj = (x: unknown): { [key: string]: any } => (x && typeof x === 'object' && !Array.isArray(x) ? x as { [key: string]: any } : {});

/** Reads the chart at `dir` (the vendored `config/charts` folder of one release). */
function readPickerChart(dir: string): PickerChart {
  const values = obj(YAML.parse(fs.readFileSync(path.join(dir, 'inferencepool', 'values.yaml'), 'utf8')));
  const ie = obj(values.inferenceExtension);
  const image = obj(ie.image);
  const templates = (chart: string) => {
    const t = path.join(dir, chart, 'templates');
    // Provider-specific templates (GKE, Istio) render only for those providers; the platform's is `none`.
    return fs.readdirSync(t).filter((f) => f.endsWith('.yaml') && !/gke|istio/.test(f)).map((f) => fs.readFileSync(path.join(t, f), 'utf8'));
  };
  const deploymentTemplate = fs.readFileSync(path.join(dir, 'epplib', 'templates', '_deployment.yaml'), 'utf8');
  const configTemplate = fs.readFileSync(path.join(dir, 'epplib', 'templates', '_config.yaml'), 'utf8');
  const containerPorts = [...deploymentTemplate.matchAll(/-\s*name:\s*([a-z0-9-]+)\s*\n\s*containerPort:\s*(\d+)/g)].map((m) => ({ name: m[1], port: Number(m[2]) }));
  const pluginTypes = [...new Set([...configTemplate.matchAll(/-\s*type:\s*([a-z0-9-]+)/g)].map((m) => m[1]))];
  const rules: Rule[] = [];
  for (const text of [...templates('inferencepool'), ...templates('epplib')]) {
    // The RBAC templates are plain YAML but for template lines: drop those, read the rules.
    const plain = text.split('\n').filter((l) => !l.includes('{{')).join('\n');
    for (const doc of YAML.parseAllDocuments(plain)) {
      if (doc.errors.length > 0) continue;
      const o = obj(doc.toJS());
      if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
      for (const r of Array.isArray(o.rules) ? o.rules : []) {
        rules.push({ apiGroups: strings(obj(r).apiGroups), resources: strings(obj(r).resources), verbs: strings(obj(r).verbs) });
      }
    }
  }
  const mds = obj(ie.metricsDataSource);
  const parts = dir.split(path.sep);
  return {
    dir,
    label: `chart ${parts.slice(-4, -2).join('/')}`,
    image: `${image.registry}/${image.repository}:${image.tag}`,
    extProcPort: Number(ie.extProcPort ?? 9002),
    pluginsConfigFile: String(ie.pluginsConfigFile ?? 'default-plugins.yaml'),
    metricsScheme: String(mds.scheme ?? 'http'),
    metricsPath: String(mds.path ?? '/metrics'),
    flagKeys: Object.keys(obj(ie.flags)),
    deploymentTemplate,
    containerPorts,
    pluginTypes,
    rules,
  };
}

function covered(rule: Rule, chart: Rule[]): boolean {
  return rule.apiGroups.every((g) => rule.resources.every((r) => rule.verbs.every((v) => chart.some((c) =>
    c.apiGroups.includes(g) && c.resources.includes(r) && (c.verbs.includes(v) || c.verbs.includes('*'))))));
}

/** The flag names of an argument list (`--name` or `--name=value`). */
function flagNames(args: string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]);
}

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

/** Options of {@link verifyEndpointPickers}. */
export interface VerifyEndpointPickersOptions {
  /**
   * The upstream directory.
   * @default - resolveUpstreamDir()
   */
  readonly upstreamDir?: string;
}

/**
 * Checks the endpoint picker of every InferencePool of the output against the vendored chart
 * (see the module comment). Output without InferencePools needs no upstream directory.
 */
export function verifyEndpointPickers(output: unknown, options: VerifyEndpointPickersOptions = {}): ReleaseFinding[] {
  const docs = collectOutputDocuments(output);
  const pools = docs.filter((d) => d.object.kind === 'InferencePool' && d.object.apiVersion.startsWith('inference.networking.k8s.io/'));
  if (pools.length === 0) return [];
  const upstreamDir = resolveUpstreamDir(options.upstreamDir);
  const sources = upstreamSourcesOf(upstreamDir);
  const findings: ReleaseFinding[] = [];
  const charts = new Map<string, PickerChart | undefined>();
  const chartFor = (tag: string) => {
    if (!charts.has(tag)) {
      const row = sources.find((s) => s.repo === REPOSITORY && s.ref === tag && s.upstreamPath === 'config/charts');
      charts.set(tag, row && fs.existsSync(path.join(upstreamDir, row.dir)) ? readPickerChart(path.join(upstreamDir, row.dir)) : undefined);
    }
    return charts.get(tag);
  };
  const find = (kind: string, ns: string, name: string) => docs.find((d) => d.object.kind === kind
    && d.object.metadata.namespace === ns && d.object.metadata.name === name);
  for (const poolDoc of pools) {
    const pool = poolDoc.object;
    const ns = pool.metadata.namespace ?? 'default';
    const id = `InferencePool ${ns}/${pool.metadata.name}`;
    const add = (doc: OutputDocument, p: string | undefined, message: string) => findings.push({
      application: 'output', location: doc.location, check: ReleaseCheck.GENERATED, ...(p !== undefined ? { path: p } : {}), message: `${id} (${poolDoc.location}): ${message}`,
    });
    const ref = obj(obj(pool.spec).endpointPickerRef);
    const serviceDoc = find('Service', ns, String(ref.name ?? ''));
    if (!serviceDoc) {
      add(poolDoc, 'spec.endpointPickerRef.name', `no Service ${ns}/${String(ref.name)} for its endpoint picker in the output. Fix: generate the picker with the pool (InferencePool construct)`);
      continue;
    }
    const selector = obj(obj(serviceDoc.object.spec).selector) as { [key: string]: string };
    const deploymentDoc = docs.find((d) => d.object.kind === 'Deployment' && d.object.metadata.namespace === ns
      && Object.keys(selector).length > 0
      && Object.entries(selector).every(([k, v]) => obj(obj(obj(d.object.spec).template).metadata).labels?.[k] === v));
    const container = deploymentDoc ? (obj(obj(obj(deploymentDoc.object.spec).template).spec).containers as KubeObject[] | undefined ?? []).find((c) => (c as any).name === 'epp') as any : undefined;
    if (!deploymentDoc || !container) {
      add(serviceDoc, 'spec.selector', 'the picker Service selects no Deployment with a container `epp` (the chart\'s). Fix: generate the picker with the pool');
      continue;
    }
    const image = String(container.image ?? '');
    const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
    const chart = chartFor(tag);
    if (!chart) {
      add(deploymentDoc, 'spec.template.spec.containers[epp].image', `no vendored chart of ${REPOSITORY} at ${tag || '(no tag)'} (config/charts) to check the picker against. Fix: use a picker release whose chart is vendored (v1.5.0), or vendor its config/charts`);
      continue;
    }
    const where = chart.label;
    if (image !== chart.image) add(deploymentDoc, 'spec.template.spec.containers[epp].image', `image ${image} is not the ${where} image ${chart.image}`);
    // Ports: the Service's and the ref's.
    const servicePorts = (obj(serviceDoc.object.spec).ports as any[] | undefined) ?? [];
    const extProc = servicePorts.find((p) => p.name === 'grpc-ext-proc');
    if (!extProc || extProc.port !== chart.extProcPort) add(serviceDoc, 'spec.ports', `the Service has no port grpc-ext-proc ${chart.extProcPort} (the ${where}'s extProcPort)`);
    if (!servicePorts.some((p) => p.name === 'http-metrics' && p.port === 9090)) add(serviceDoc, 'spec.ports', `the Service has no port http-metrics 9090 (the ${where}'s)`);
    if (obj(ref.port).number !== chart.extProcPort) add(poolDoc, 'spec.endpointPickerRef.port.number', `port ${String(obj(ref.port).number)} is not the ${where}'s ext-proc port ${chart.extProcPort}`);
    // Container ports and probes.
    const ports = ((container.ports as any[] | undefined) ?? []).map((p) => `${p.name}:${p.containerPort}`).sort();
    const expected = chart.containerPorts.map((p) => `${p.name}:${p.port}`).sort();
    if (JSON.stringify(ports) !== JSON.stringify(expected)) add(deploymentDoc, 'spec.template.spec.containers[epp].ports', `ports ${ports.join(', ')} are not the ${where}'s ${expected.join(', ')}`);
    const health = chart.containerPorts.find((p) => p.name === 'grpc-health')?.port;
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      const grpc = obj(obj(container[probe]).grpc);
      const service = String(grpc.service ?? '');
      if (grpc.port !== health || !new RegExp(`service:\\s*${service.replace(/[^a-z-]/g, '')}\\s*$`, 'm').test(chart.deploymentTemplate) || service === '') {
        add(deploymentDoc, `spec.template.spec.containers[epp].${probe}`, `not a gRPC probe on the health port ${String(health)} with one of the ${where}'s service names`);
      }
    }
    // Flags.
    const args = ((container.args as unknown[] | undefined) ?? []).map(String);
    for (const flag of flagNames(args)) {
      const inTemplate = new RegExp(`-\\s*--${flag.replace(/[-]/g, '\\-')}(\\b|=)`).test(chart.deploymentTemplate);
      if (!inTemplate && !chart.flagKeys.includes(flag)) add(deploymentDoc, 'spec.template.spec.containers[epp].args', `flag --${flag} is not one the ${where} passes (its deployment template or inferenceExtension.flags)`);
    }
    if (flagValue(args, 'pool-name') !== pool.metadata.name) add(deploymentDoc, 'spec.template.spec.containers[epp].args', `--pool-name ${String(flagValue(args, 'pool-name'))} does not name the pool ${String(pool.metadata.name)}`);
    if (flagValue(args, 'pool-namespace') !== ns) add(deploymentDoc, 'spec.template.spec.containers[epp].args', `--pool-namespace ${String(flagValue(args, 'pool-namespace'))} is not the pool's namespace ${ns}`);
    if (flagValue(args, 'pool-group') !== 'inference.networking.k8s.io') add(deploymentDoc, 'spec.template.spec.containers[epp].args', `--pool-group is not inference.networking.k8s.io (the ${where}'s)`);
    const configFile = flagValue(args, 'config-file');
    if (configFile !== `/config/${chart.pluginsConfigFile}`) add(deploymentDoc, 'spec.template.spec.containers[epp].args', `--config-file ${String(configFile)} is not the ${where}'s /config/${chart.pluginsConfigFile}`);
    // The plugins ConfigMap, mounted at /config.
    const podSpec = obj(obj(obj(deploymentDoc.object.spec).template).spec);
    const mount = ((container.volumeMounts as any[] | undefined) ?? []).find((m) => m.mountPath === '/config');
    const volume = ((podSpec.volumes as any[] | undefined) ?? []).find((v) => mount && v.name === mount.name);
    const cmDoc = volume?.configMap?.name ? find('ConfigMap', ns, volume.configMap.name) : undefined;
    const text = obj(cmDoc?.object.data)[chart.pluginsConfigFile];
    if (!cmDoc || typeof text !== 'string') {
      add(deploymentDoc, 'spec.template.spec.volumes', `no ConfigMap with ${chart.pluginsConfigFile} mounted at /config`);
      continue;
    }
    const config = obj(YAML.parse(text));
    const plugins = ((config.plugins as any[] | undefined) ?? []).map(obj);
    const declared = new Set(plugins.map((p) => String(p.name ?? p.type)));
    for (const p of plugins) {
      if (!chart.pluginTypes.includes(String(p.type))) add(cmDoc, `data["${chart.pluginsConfigFile}"].plugins`, `plugin type ${String(p.type)} is not one the ${where}'s configuration uses (${chart.pluginTypes.join(', ')})`);
      if (p.type === 'metrics-data-source' && (obj(p.parameters).scheme !== chart.metricsScheme || obj(p.parameters).path !== chart.metricsPath)) {
        add(cmDoc, `data["${chart.pluginsConfigFile}"].plugins`, `metrics-data-source does not read ${chart.metricsScheme} ${chart.metricsPath} (the ${where}'s metricsDataSource)`);
      }
    }
    for (const profile of ((config.schedulingProfiles as any[] | undefined) ?? []).map(obj)) {
      for (const ref2 of ((profile.plugins as any[] | undefined) ?? []).map(obj)) {
        if (!declared.has(String(ref2.pluginRef))) add(cmDoc, `data["${chart.pluginsConfigFile}"].schedulingProfiles`, `profile ${String(profile.name)} refers to ${String(ref2.pluginRef)}, which is not declared`);
      }
    }
    // RBAC: no rule beyond the chart's.
    const account = String(podSpec.serviceAccountName ?? 'default');
    for (const binding of docs.filter((d) => d.object.kind === 'RoleBinding' && d.object.metadata.namespace === ns
      && ((d.object as any).subjects ?? []).some((s: any) => s.kind === 'ServiceAccount' && s.name === account))) {
      const roleRef = obj((binding.object as any).roleRef);
      const role = roleRef.kind === 'Role' ? find('Role', ns, String(roleRef.name)) : undefined;
      if (!role) {
        add(binding, 'roleRef', `binds ${String(roleRef.kind)} ${String(roleRef.name)}, not a Role of the output in ${ns} (the chart binds namespaced Roles only)`);
        continue;
      }
      ((role.object as any).rules as any[] ?? []).forEach((r, i) => {
        const rule = { apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs) };
        if (!covered(rule, chart.rules)) add(role, `rules[${i}]`, `grants ${rule.verbs.join(',')} on ${rule.resources.join(',')} (${rule.apiGroups.map((g) => g || 'core').join(',')}), more than the ${where}'s Roles`);
      });
    }
  }
  return findings;
}
