/**
 * Whole-platform verification: the synthesized output checked as a system, not object by
 * object. Three checks over one model:
 *
 * 1. releases: every Argo CD Application against the upstream artifacts it installs
 *    (../upstream: Helm values and declarations, kustomize renders with their patches,
 *    pinned images, embedded configuration, one owner per object), and the objects generated
 *    in place of an upstream chart (InferencePools' endpoint pickers) against that chart;
 * 2. references: every Service, Secret, ConfigMap, account, volume, class, queue, runtime and
 *    custom kind the output refers to exists, in time (sync waves); every monitor is selected
 *    by a Prometheus and every dashboard is loaded by a Grafana (references.ts);
 * 3. flows: every connection the platform needs is allowed by the NetworkPolicies, and
 *    nothing undeclared reaches a data service (flows.ts, network-policy.ts).
 *
 * ```ts
 * const result = verifyPlatform([{ file: 'dist/0000-cnai-platform-operators.k8s.yaml' }, ...]);
 * if (!result.valid) throw new Error(formatPlatformReport(result));
 * ```
 */
import * as fs from 'fs';
import { flowDiagram, formatFlowFindings } from './flow-diagram';
import { checkFlows, FlowCheck, FlowOptions } from './flows';
import { ClusterAddresses, PlatformModel } from './model';
import { buildPlatformModel, BuildPlatformModelOptions, PlatformOutputFile } from './model-builder';
import { formatReferenceReport } from './reference-report';
import { PlatformReferenceReport, verifyPlatformReferences } from './verify-references';
import { PlatformContract } from '../../core/contract';
import {
  BootstrapVerification, formatReleaseReport, verifyBootstrap, verifyEndpointPickers, verifyReleases, VerifyReleasesOptions, VerifyReleasesResult,
} from '../upstream';

/** Options of {@link verifyPlatform}. */
export interface VerifyPlatformOptions extends VerifyReleasesOptions {
  /**
   * Options of the model (the namespace of the Argo CD that syncs the output, where the nodes
   * and the API server are, ...).
   * @default - see BuildPlatformModelOptions; cluster addresses: the AWS layer's default VPC block 10.0.0.0/16
   */
  readonly model?: BuildPlatformModelOptions;
  /**
   * Options of the flow checks.
   * @default - see FlowOptions
   */
  readonly flows?: FlowOptions;
  /**
   * A bootstrap folder (a kustomization installing Argo CD and the root Application, e.g.
   * `dist/bootstrap`) to render and check too.
   * @default - none
   */
  readonly bootstrapDir?: string;
}

/** The result of {@link verifyPlatform}. */
export interface PlatformVerification {
  /** True when no check has a finding. */
  readonly valid: boolean;
  /** The releases checked against upstream. */
  readonly releases: VerifyReleasesResult;
  /** The model the references and flows were checked on. */
  readonly model: PlatformModel;
  /** References and their resolution. */
  readonly references: PlatformReferenceReport;
  /** Needed flows and their decisions, and the data-service proof. */
  readonly flows: FlowCheck;
  /** The bootstrap folder's check, when one was given. */
  readonly bootstrap?: BootstrapVerification;
  /** Milliseconds per check. */
  readonly timingsMs: { readonly releases: number; readonly model: number; readonly references: number; readonly flows: number };
}

/** Reads the files that have no content. */
function withContent(files: PlatformOutputFile[]): PlatformOutputFile[] {
  return files.map((f) => (f.content !== undefined ? f : { file: f.file, content: fs.readFileSync(f.file, 'utf8') }));
}

/**
 * Verifies a synthesized platform as a whole (see the module comment).
 * @param output the output files (YAML text or parsed objects; read from disk when `content` is not given)
 */
export function verifyPlatform(output: PlatformOutputFile[], options: VerifyPlatformOptions = {}): PlatformVerification {
  const files = withContent(output);
  let t = Date.now();
  const checked = verifyReleases(files, options);
  // Objects generated in place of an upstream chart (InferencePools' endpoint pickers), checked against that chart.
  const pickers = verifyEndpointPickers(files, { upstreamDir: options.upstreamDir ?? (checked.upstreamDir || undefined) });
  const releases: VerifyReleasesResult = pickers.length > 0 ? { ...checked, findings: [...checked.findings, ...pickers] } : checked;
  const releasesMs = Date.now() - t;
  t = Date.now();
  // On EKS the API server's private endpoint and the nodes are in the VPC: without a contract's
  // block, the AWS layer's default one (the same default the Kubernetes layer's policies use).
  const model = buildPlatformModel(files, releases.releases, { clusterAddresses: clusterAddressesOf({}), ...options.model });
  const modelMs = Date.now() - t;
  t = Date.now();
  const references = verifyPlatformReferences(model);
  const referencesMs = Date.now() - t;
  t = Date.now();
  const flows = checkFlows(model, options.flows);
  const flowsMs = Date.now() - t;
  const bootstrap = options.bootstrapDir !== undefined ? verifyBootstrap(options.bootstrapDir, options) : undefined;
  return {
    valid: releases.findings.length === 0 && references.findings.length === 0 && flows.findings.length === 0
      && (bootstrap?.findings.length ?? 0) === 0,
    releases,
    model,
    references,
    flows,
    ...(bootstrap ? { bootstrap } : {}),
    timingsMs: { releases: releasesMs, model: modelMs, references: referencesMs, flows: flowsMs },
  };
}

/**
 * Where the nodes and the API server's private endpoint are, from a platform contract: the
 * VPC's block (on EKS both have addresses there).
 */
export function clusterAddressesOf(contract: Pick<PlatformContract, 'vpcCidr'>): ClusterAddresses {
  const block = contract.vpcCidr ?? DEFAULT_VPC_BLOCK;
  return { apiServerCidrs: [block], nodeCidrs: [block] };
}

/** The AWS layer's default VPC block, for contracts written without one. */
const DEFAULT_VPC_BLOCK = '10.0.0.0/16';

/** One line per check, then every finding. */
export function formatPlatformReport(v: PlatformVerification): string {
  const allowed = v.flows.results.filter((r) => r.decision.allowed).length;
  const lines = [
    `Releases: ${v.releases.releases.length} checked against upstream, ${v.releases.findings.length} findings`,
    `References: ${v.references.findings.length === 0 ? 'all resolve' : `${v.references.findings.length} unresolved`}`,
    `Flows: ${allowed} of ${v.flows.results.length} needed flows allowed; data services ${v.flows.dataServices.length > 0 ? v.flows.dataServices.join(', ') : '(none)'} `
      + `reached by no undeclared peer (${v.flows.probesEvaluated} connections probed)`,
  ];
  if (v.bootstrap) {
    lines.push(`Bootstrap ${v.bootstrap.dir}: ${v.bootstrap.objects.length} objects rendered over ${v.bootstrap.remotes.map((r) => r.url).join(', ') || 'no remote install'}, `
      + `${v.bootstrap.findings.length} findings`);
  }
  if (v.releases.findings.length > 0) lines.push('', formatReleaseReport(v.releases));
  if (v.bootstrap && v.bootstrap.findings.length > 0) lines.push('', ...v.bootstrap.findings.map((f) => `- ${f}`));
  if (v.references.findings.length > 0) lines.push('', formatReferenceReport(v.references));
  if (v.flows.findings.length > 0) lines.push('', formatFlowFindings(v.flows.findings));
  return lines.join('\n');
}

/** The Mermaid diagram of the platform's flows, as a Markdown document. */
export function platformFlowsMarkdown(v: PlatformVerification, title: string): string {
  return [
    `# ${title}: network flows`,
    '',
    'Generated from the synthesized output by the whole-platform verification: every connection',
    'the platform needs (clients to Services, Prometheus scrapes, DNS, AWS), allowed by the',
    'NetworkPolicies. Blocked flows would be drawn dotted.',
    '',
    '```mermaid',
    flowDiagram(v.flows.results),
    '```',
    '',
  ].join('\n');
}
