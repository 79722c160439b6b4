/**
 * Checks of a rendered release: images pinned (containers, and no image on `latest` in any
 * string, since KServe keeps images in ConfigMap JSON), rules the API server enforces that a
 * schema cannot express, and the Application's declaration found in the render.
 */
import { containerImages, imagePinProblem, latestImagesInStrings } from './images';
import { KubeObject } from './types';
import { isPlainObject } from './util';
import { NetworkEndKind, ResolvedNetworkEnd, ResolvedReleaseNetwork } from '../../core/release-network';
import { ReleaseProvides } from '../../core/release-provides';

/** A problem of one rendered object. */
export interface RenderProblem {
  /** The object, `Kind namespace/name`. */
  readonly object: string;
  /** JSON path in the object. */
  readonly path: string;
  readonly message: string;
}

/** `Kind namespace/name`. */
export function objectId(o: KubeObject): string {
  return `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(unnamed)'}`;
}

/** Images of the render that are not pinned. */
export function imageProblems(objects: KubeObject[]): RenderProblem[] {
  const out: RenderProblem[] = [];
  for (const o of objects) {
    const seen = new Set<string>();
    for (const img of containerImages(o)) {
      seen.add(img.path);
      const problem = imagePinProblem(img.image);
      if (problem) {
        out.push({
          object: objectId(o),
          path: img.path,
          message: `container image "${img.image}" ${problem}; set the released image with spec.source.kustomize.images `
            + `(e.g. "${img.image.split(/[:@]/)[0]}=<registry>/<repository>:<tag>") or install upstream's release manifests`,
        });
      }
    }
    // One finding per string, naming each image once; `_example` keys are documentation the controllers ignore (Knative's convention, used by KServe).
    const byPath = new Map<string, string[]>();
    for (const img of latestImagesInStrings(o)) {
      if (seen.has(img.path) || /^data\._example/.test(img.path)) continue;
      const list = byPath.get(img.path) ?? [];
      if (!list.includes(img.image)) list.push(img.image);
      byPath.set(img.path, list);
    }
    for (const [p, images] of byPath) {
      out.push({
        object: objectId(o),
        path: p,
        message: `names image${images.length === 1 ? '' : 's'} ${images.join(', ')} on the floating tag latest (upstream rewrites ${images.length === 1 ? 'it' : 'them'} `
          + 'to the release tag only when it builds its release manifests); install the release manifests or patch the value to the release tag',
      });
    }
  }
  return out;
}

/** Environment variables with both `value` and `valueFrom`: the API server rejects the pod template. */
export function envProblems(objects: KubeObject[]): RenderProblem[] {
  const out: RenderProblem[] = [];
  const walk = (o: KubeObject, v: unknown, at: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(o, x, `${at}[${i}]`));
      return;
    }
    if (!isPlainObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const p = at === '' ? k : `${at}.${k}`;
      if (k === 'env' && Array.isArray(x)) {
        const both = x.filter((e) => isPlainObject(e) && e.value !== undefined && e.value !== '' && e.valueFrom !== undefined).map((e) => String((e as { name?: unknown }).name));
        if (both.length > 0) {
          out.push({
            object: objectId(o),
            path: p,
            message: `env ${both.join(', ')} ${both.length === 1 ? 'has' : 'have'} both value and valueFrom (a strategic merge patch that sets value: on a variable upstream defines with valueFrom keeps both); `
              + 'the API server rejects the pod template ("may not be specified when `value` is not empty"): drop valueFrom in the patch ($patch: replace, or a JSON6902 patch) or set the value where upstream reads it',
          });
        }
      } else {
        walk(o, x, p);
      }
    }
  };
  for (const o of objects) walk(o, o, '');
  return out;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Parts of the declaration the render does not have. */
export function declarationProblems(objects: KubeObject[], provides: ReleaseProvides, namespace: string): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  for (const g of provides.customResources ?? []) {
    for (const kind of g.kinds) {
      const found = crds.some((c) => {
        const spec = (c as { spec?: { group?: string; names?: { kind?: string } } }).spec;
        return spec?.group === g.group && spec?.names?.kind === kind;
      });
      if (!found) {
        const have = crds.map((c) => (c as { spec?: { names?: { kind?: string }; group?: string } }).spec).map((s) => `${s?.names?.kind}.${s?.group}`);
        out.push({ path: `provides.customResources.${g.group}`, message: `declares the CRD of ${kind}.${g.group}, but the render has no such CRD (it has ${have.join(', ') || 'no CRD'})` });
      }
    }
  }
  (provides.services ?? []).forEach((s, i) => {
    const ns = s.namespace ?? namespace;
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === s.name && (o.metadata.namespace ?? namespace) === ns);
    const at = `provides.services[${i}]`;
    if (!svc) {
      const names = objects.filter((o) => o.kind === 'Service').map((o) => `${o.metadata.namespace ?? namespace}/${o.metadata.name}`);
      out.push({ path: at, message: `declares Service ${ns}/${s.name}, but the render has no such Service (it has ${names.join(', ') || 'none'})` });
      return;
    }
    type ServiceSpec = { ports?: Array<{ port: number; targetPort?: number | string; name?: string }>; selector?: { [k: string]: string } };
    const spec = (svc as { spec?: ServiceSpec }).spec ?? {};
    for (const p of s.ports) {
      const rp = (spec.ports ?? []).find((x) => x.port === p.port);
      if (!rp) {
        out.push({ path: `${at}.ports`, message: `declares port ${p.port} of Service ${ns}/${s.name}, but the rendered Service has ports ${(spec.ports ?? []).map((x) => x.port).join(', ') || 'none'}` });
      } else if (p.targetPort !== undefined && typeof rp.targetPort === 'number' && rp.targetPort !== p.targetPort) {
        out.push({ path: `${at}.ports`, message: `declares targetPort ${p.targetPort} for port ${p.port} of Service ${ns}/${s.name}, but the rendered Service forwards to ${rp.targetPort}` });
      }
    }
    const sel = spec.selector ?? {};
    const same = Object.keys(sel).length === Object.keys(s.selector).length && Object.entries(s.selector).every(([k, v]) => sel[k] === v);
    if (!same) out.push({ path: `${at}.selector`, message: `declares selector ${JSON.stringify(s.selector)} for Service ${ns}/${s.name}, but the rendered Service selects ${JSON.stringify(sel)}` });
  });
  (provides.workloads ?? []).forEach((w, i) => {
    const ns = w.namespace ?? namespace;
    const at = `provides.workloads[${i}]`;
    const candidates = objects.filter((o) => WORKLOADS.has(o.kind) && (o.metadata.namespace ?? namespace) === ns);
    const match = candidates.find((o) => {
      const labels = (o as { spec?: { template?: { metadata?: { labels?: { [k: string]: string } } } } }).spec?.template?.metadata?.labels ?? {};
      return Object.entries(w.podLabels).every(([k, v]) => labels[k] === v);
    });
    if (!match) {
      if (objects.some((o) => o.metadata.name === w.name && (o.metadata.namespace ?? namespace) === ns && !WORKLOADS.has(o.kind))) return; // pods an operator starts for a custom resource
      out.push({ path: at, message: `declares workload ${w.name} with pod labels ${JSON.stringify(w.podLabels)} in ${ns}, but no Deployment, StatefulSet or DaemonSet of the render has pods with those labels` });
      return;
    }
    const pod = (match as { spec?: { template?: { spec?: { serviceAccountName?: string; hostNetwork?: boolean } } } }).spec?.template?.spec ?? {};
    const have = containerPorts(match);
    for (const p of w.ports ?? []) {
      if (!have.includes(`${(p.protocol ?? 'TCP').toUpperCase()} ${p.containerPort}`)) {
        out.push({ path: `${at}.ports`, message: `declares container port ${p.containerPort} for workload ${w.name}, but ${objectId(match)} has container ports ${have.join(', ') || 'none'}` });
      }
    }
    if (w.serviceAccount !== undefined && (pod.serviceAccountName ?? 'default') !== w.serviceAccount) {
      out.push({ path: `${at}.serviceAccount`, message: `declares service account ${w.serviceAccount} for workload ${w.name}, but ${objectId(match)} runs as ${pod.serviceAccountName ?? 'default'}` });
    }
    if ((w.hostNetwork ?? false) !== (pod.hostNetwork ?? false)) {
      out.push({ path: `${at}.hostNetwork`, message: `declares hostNetwork ${w.hostNetwork ?? false} for workload ${w.name}, but ${objectId(match)} has hostNetwork ${pod.hostNetwork ?? false}` });
    }
  });
  (provides.objects ?? []).forEach((d, i) => {
    const found = objects.some((o) => o.kind === d.kind && o.apiVersion === d.apiVersion && o.metadata.name === d.name
      && (d.namespace === undefined || o.metadata.namespace === undefined || o.metadata.namespace === d.namespace));
    if (!found) {
      const same = objects.filter((o) => o.kind === d.kind).map((o) => `${o.apiVersion} ${o.metadata.name}`);
      out.push({ path: `provides.objects[${i}]`, message: `declares ${d.apiVersion} ${d.kind} ${d.name}, but the render has no such object${same.length > 0 ? ` (its ${d.kind}s: ${same.join(', ')})` : ''}` });
    }
  });
  return out;
}

type ContainerPorts = Array<{ ports?: Array<{ containerPort?: number; protocol?: string }> }>;
type PodTemplate = { spec?: { template?: { metadata?: { labels?: { [k: string]: string } }; spec?: { containers?: ContainerPorts } } } };

/** `TCP 9443` for every container port of a workload's pod template. */
function containerPorts(workload: KubeObject): string[] {
  const containers = (workload as PodTemplate).spec?.template?.spec?.containers ?? [];
  return containers.flatMap((c) => (c.ports ?? []).map((p) => `${(p.protocol ?? 'TCP').toUpperCase()} ${p.containerPort}`));
}

/**
 * Ports of the release's declared network that its rendered pods do not listen on: for each
 * connection accepted by pods of the release's namespace, every workload of the render those
 * pods' labels select must have each declared port as a container port. Ends that select no
 * workload of the render (pods an operator starts) are not checked here.
 */
export function networkProblems(objects: KubeObject[], network: ResolvedReleaseNetwork, namespace: string): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const selects = (end: ResolvedNetworkEnd) => objects.filter((o) => WORKLOADS.has(o.kind) && (o.metadata.namespace ?? namespace) === namespace
    && Object.entries(end.podLabels ?? {}).every(([k, v]) => ((o as PodTemplate).spec?.template?.metadata?.labels ?? {})[k] === v));
  (network.connections ?? []).forEach((c, i) => {
    if (c.to.kind !== NetworkEndKind.PODS || (c.to.namespace ?? namespace) !== namespace) return;
    for (const w of selects(c.to)) {
      const have = containerPorts(w);
      for (const p of c.ports ?? []) {
        if (!have.includes(`${(p.protocol ?? 'TCP').toUpperCase()} ${p.port}`)) {
          out.push({
            path: `network.connections[${i}].ports`,
            message: `declares that pods ${JSON.stringify(c.to.podLabels ?? {})} accept ${(p.protocol ?? 'TCP').toUpperCase()} ${p.port} (${c.reason}), but ${objectId(w)} `
              + `of the render, whose pods those labels select, has container ports ${have.join(', ') || 'none'}; declare the port upstream's pods listen on`,
          });
        }
      }
    }
  });
  return out;
}
