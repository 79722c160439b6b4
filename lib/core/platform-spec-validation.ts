import { GpuInstanceType } from './accelerators';
import { AssistantChecks } from './assistant-spec';
import { ChatUiChecks } from './chat-ui-spec';
import { deliveryCandidatePrefix, DeliveryChecks, DeliveryServer } from './delivery-spec';
import { EndpointPickerChecks } from './endpoint-picker-spec';
import { CnaiError, ProblemCollector, ProblemDetails } from './errors';
import { FeatureStoreChecks, FeatureStoreNaming, FeatureRegistryKind, DEFAULT_MATERIALIZATION_SCHEDULE } from './feature-store-spec';
import { GatewayAccessMode, GatewayChecks, GatewayExposure } from './gateway-spec';
import { MetricsBackendSpecValidator } from './metrics-backend-spec';
import { ModelKind, ModelSpec } from './models';
import { assertName, NAME_RULES, PlatformNaming } from './names';
import {
  CapacityReservationKind, GpuPoolSpec, ModelRegistryKind, PlatformSpec, PoolCapacity, ServedModelBackend, ServedModelKind, ServedModelSpec,
  ServedModelTask, TeamSpec,
} from './platform-spec';
import { poolGpuCapacity, servedModelAcrossNodes, servedModelKind, servedModelPrefix, servedModelReplicas, vectorDatabaseName } from './platform-spec-derivation';
import { PredictiveModelFormat, PredictiveRuntimeInfo, PredictiveRuntimes } from './predictive-models';
import { ModelSizing } from './sizing';
import { EKS, EKS_VERSIONS } from './versions';

const SPEC = 'spec';

/** What the checks of one spec share: the spec, the problems found, and the sections checked so far. */
interface SpecChecks {
  readonly spec: PlatformSpec;
  readonly problems: ProblemCollector;
  /** A problem of the spec. */
  readonly p: (prop: string, value: unknown, problem: string, fix: string) => ProblemDetails;
  /** The valid pools by name. */
  readonly pools: Map<string, GpuPoolSpec>;
  /** Pools whose instance types are not catalogue types: left out of the checks that need their GPUs. */
  readonly invalidPools: Set<string>;
  /** The teams by name. */
  readonly teams: Map<string, TeamSpec>;
  /** The served models by name. */
  readonly models: Map<string, ServedModelSpec>;
}

/**
 * Checks the whole spec and reports every problem at once (a CnaiValidationError listing
 * them, or a single CnaiError): names that break naming rules, duplicates, references to
 * pools, teams or models that do not exist, quotas over what the pools can hold, models
 * that fit no pool of theirs, and GPU budgets over a team's quota.
 */
export function validatePlatformSpec(spec: PlatformSpec): void {
  const checks: SpecChecks = {
    spec,
    problems: new ProblemCollector(),
    p: (prop, value, problem, fix) => ({ construct: `${SPEC} ${spec.name}`, prop, value, problem, fix }),
    pools: new Map(),
    invalidPools: new Set(),
    teams: new Map(),
    models: new Map(),
  };
  checkPlatform(checks);
  checkPools(checks);
  checkTeams(checks);
  checkModels(checks);
  checkVectorDatabase(checks);
  checkGateway(checks);
  checkAssistant(checks);
  // The chat front end (opt-in): behind the gateway, OIDC sign-in.
  if (spec.chatUi && spec.chatUi.enabled !== false) {
    ChatUiChecks.problems({ construct: `${SPEC} ${spec.name}`, prefix: 'chatUi.' }, spec.chatUi, spec.gateway !== undefined && spec.gateway.enabled !== false)
      .forEach((x) => checks.problems.add(x));
    if (spec.gateway && spec.gateway.enabled !== false && spec.gateway.access?.mode === GatewayAccessMode.OIDC) {
      checks.problems.add({
        construct: `${SPEC} ${spec.name}`,
        prop: 'chatUi.enabled',
        value: true,
        problem: 'the chat front end calls the gateway with a key of its own, and the gateway\'s access is OIDC (people\'s tokens only)',
        fix: 'give the gateway API keys (gateway.access.mode: GatewayAccessMode.API_KEYS), or leave the chat front end off',
      });
    }
  }
  checkFeatureStore(checks);
  checkDeliveries(checks);
  // The metrics backend's managed parts.
  if (spec.metrics) {
    MetricsBackendSpecValidator.problems(`${SPEC} ${spec.name}`, spec.metrics, spec.observability ?? true, 'metrics').forEach((x) => checks.problems.add(x));
  }
  checks.problems.throwIfAny();
}

/** Names, zones and the Kubernetes version. */
function checkPlatform(checks: SpecChecks): void {
  const { spec, problems, p } = checks;
  problems.capture(() => new PlatformNaming({ platformName: spec.name, environment: spec.environment, region: spec.region, accountId: spec.accountId }, `${SPEC} ${spec.name}`));
  problems.check(spec.availabilityZones.length >= 2, p('availabilityZones', spec.availabilityZones,
    'EKS needs subnets in at least two availability zones', 'list at least two zones of the region'));
  spec.availabilityZones.forEach((az, i) => problems.check(az.startsWith(spec.region), p(`availabilityZones[${i}]`, az,
    `not a zone of region ${spec.region}`, `use zones such as "${spec.region}a"`)));

  const version = spec.kubernetesVersion ?? EKS.defaultKubernetesVersion;
  problems.check(EKS_VERSIONS[version] !== undefined, p('kubernetesVersion', version,
    'the library pins EKS add-ons per Kubernetes version and has none for this one', `use one of ${Object.keys(EKS_VERSIONS).join(', ')}`));
}

/** GPU pools: names, catalogue types of one family, node counts, EFA, reservations, time-slicing. */
function checkPools(checks: SpecChecks): void {
  const { spec, problems, p, pools, invalidPools } = checks;
  spec.gpuPools.forEach((pool, i) => {
    const at = `gpuPools[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, pool.name, NAME_RULES.dns1123Label));
    if (!problems.check(!pools.has(pool.name), p(`${at}.name`, pool.name, 'two pools have this name', 'give each pool its own name'))) return;
    // A spec read from JSON or written in JavaScript can carry names or other values where
    // catalogue types belong: report each one, and leave the pool out of the checks that
    // need its GPUs (quotas, sizing), which would only repeat the same cause.
    const notTypes = (pool.instanceTypes ?? []).map((t, k) => ({ t, k })).filter(({ t }) => !(t instanceof GpuInstanceType));
    for (const { t, k } of notTypes) {
      if (typeof t === 'string') {
        problems.capture(() => GpuInstanceType.of(t, `${SPEC} ${spec.name}`, `${at}.instanceTypes[${k}]`));
      } else {
        problems.add(p(`${at}.instanceTypes[${k}]`, t, 'not a GpuInstanceType of the catalogue', 'use a constant such as GpuInstanceType.G5_XLARGE, or GpuInstanceType.of("g5.xlarge")'));
      }
    }
    if (notTypes.length > 0 || !Array.isArray(pool.instanceTypes)) {
      invalidPools.add(pool.name);
      return;
    }
    pools.set(pool.name, pool);
    problems.check(pool.instanceTypes.length > 0, p(`${at}.instanceTypes`, [], 'a GPU pool needs at least one instance type', 'list instance types of one family'));
    const families = [...new Set(pool.instanceTypes.map((t) => t.family))];
    problems.check(families.length <= 1, p(`${at}.instanceTypes`, pool.instanceTypes.map((t) => t.name),
      `mixes the families ${families.join(', ')}; a pool's nodes must all carry the same GPU`, 'make one pool per family'));
    const min = pool.minNodes ?? 0;
    problems.check(Number.isInteger(pool.maxNodes) && pool.maxNodes >= 1, p(`${at}.maxNodes`, pool.maxNodes, 'must be a whole number of at least 1', 'set maxNodes to the most nodes the pool may have'));
    problems.check(Number.isInteger(min) && min >= 0 && min <= pool.maxNodes, p(`${at}.minNodes`, min,
      `must be a whole number from 0 to maxNodes (${pool.maxNodes})`, 'lower minNodes or raise maxNodes'));
    if (pool.efa) {
      const without = pool.instanceTypes.filter((t) => !t.efaSupported).map((t) => t.name);
      problems.check(without.length === 0, p(`${at}.efa`, true, `${without.join(', ')} ha${without.length === 1 ? 's' : 've'} no EFA`,
        'use an EFA-capable type (p4d, p4de, p5, p5e, p5en, large g5/g6/g6e sizes) or turn efa off'));
    }
    if (pool.capacityReservation) {
      const r = pool.capacityReservation;
      problems.check(/^cr-[0-9a-f]{17}$/.test(r.reservationId), p(`${at}.capacityReservation.reservationId`, r.reservationId,
        'not a capacity reservation id', 'give the id EC2 shows for the reservation or capacity block, e.g. "cr-0123456789abcdef0"'));
      if (r.kind === CapacityReservationKind.CAPACITY_BLOCK) {
        problems.check((pool.capacity ?? PoolCapacity.ON_DEMAND) === PoolCapacity.ON_DEMAND, p(`${at}.capacity`, pool.capacity,
          'a capacity block is its own purchase option; it cannot be combined with spot', 'leave capacity unset (or ON_DEMAND) for a capacity block'));
        problems.check(pool.instanceTypes.length === 1, p(`${at}.instanceTypes`, pool.instanceTypes.map((t) => t.name),
          'a capacity block reserves one instance type', 'list only the instance type of the block'));
      }
    }
    if (pool.timeSlicingReplicas !== undefined) {
      problems.check(Number.isInteger(pool.timeSlicingReplicas) && pool.timeSlicingReplicas >= 2, p(`${at}.timeSlicingReplicas`, pool.timeSlicingReplicas,
        'time-slicing shares a GPU between at least 2 pods', 'set 2 or more, or leave it out for no sharing'));
    }
  });
}

/** Teams and their quotas: known pools, quotas within what each pool can hold, alone and together. */
function checkTeams(checks: SpecChecks): void {
  const { spec, problems, p, pools, invalidPools, teams } = checks;
  const nominal = new Map<string, number>();
  // Pools where one team's quota is already too large: their sum is not reported again.
  const overPools = new Set<string>();
  spec.teams.forEach((team, i) => {
    const at = `teams[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, team.name, NAME_RULES.dns1123Label));
    if (!problems.check(!teams.has(team.name), p(`${at}.name`, team.name, 'two teams have this name', 'give each team its own name'))) return;
    teams.set(team.name, team);
    team.quotas.forEach((q, j) => {
      const pool = pools.get(q.pool);
      if (invalidPools.has(q.pool)) return;
      if (!problems.check(pool !== undefined, p(`${at}.quotas[${j}].pool`, q.pool, 'no GPU pool has this name',
        `use one of ${[...pools.keys()].map((n) => JSON.stringify(n)).join(', ') || '(no pools defined)'}`))) return;
      const capacity = poolGpuCapacity(pool!);
      if (!(Number.isInteger(q.gpus) && q.gpus >= 0 && q.gpus <= capacity)) overPools.add(q.pool);
      problems.check(Number.isInteger(q.gpus) && q.gpus >= 0 && q.gpus <= capacity, p(`${at}.quotas[${j}].gpus`, q.gpus,
        `pool ${q.pool} can never hold more than ${capacity} GPUs (${pool!.maxNodes} nodes${pool!.timeSlicingReplicas ? `, ${pool!.timeSlicingReplicas} slices each` : ''})`, `lower the quota to at most ${capacity}, or raise the pool's maxNodes`));
      nominal.set(q.pool, (nominal.get(q.pool) ?? 0) + q.gpus);
    });
  });
  for (const [name, total] of nominal) {
    if (overPools.has(name)) continue;
    const capacity = poolGpuCapacity(pools.get(name)!);
    problems.check(total <= capacity, p(`teams[*].quotas (pool ${name})`, total,
      `the teams' nominal quotas on pool ${name} add up to more than its ${capacity} GPUs`, 'lower the quotas (teams can borrow idle GPUs) or raise the pool\'s maxNodes'));
  }
}

/** Served models: team, pools, drift monitoring, replicas, the model fitting its pools and the team's GPU quota, clients. */
function checkModels(checks: SpecChecks): void {
  const { spec, problems, p, pools, invalidPools, teams, models } = checks;
  (spec.models ?? []).forEach((m, i) => {
    const at = `models[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, m.name, NAME_RULES.dns1123Label));
    if (!problems.check(!models.has(m.name), p(`${at}.name`, m.name, 'two served models have this name', 'give each served model its own name'))) return;
    models.set(m.name, m);
    const team = teams.get(m.team);
    // The fix lists every team: written only for a model that has none (it grows with teams x models).
    if (team === undefined) problems.add(p(`${at}.team`, m.team, 'no team has this name', `use one of ${[...teams.keys()].map((n) => JSON.stringify(n)).join(', ')}`));
    const kind = servedModelKind(m);
    if (!problems.check(Object.values(ServedModelKind).includes(kind), p(`${at}.kind`, kind, 'not a kind of served model',
      'use ServedModelKind.LLM or ServedModelKind.PREDICTIVE'))) return;
    if (kind === ServedModelKind.PREDICTIVE) {
      checkPredictiveModel(checks, m, at, team);
      return;
    }
    problems.check(m.predictive === undefined, p(`${at}.predictive`, m.predictive?.format, 'predictive settings on an LLM',
      'set kind: ServedModelKind.PREDICTIVE for a predictive model, or drop predictive'));
    if (!problems.check(m.model instanceof ModelSpec, p(`${at}.model`, m.model, 'an LLM needs its model spec (sizing reads its size, heads and context)',
      'give model: a preset such as ModelPresets.LLAMA_3_1_8B_INSTRUCT, or set kind: ServedModelKind.PREDICTIVE for a predictive model'))) return;
    const llm = m.model!;
    if (m.pools.some((n) => invalidPools.has(n))) return;
    const unknown = m.pools.filter((n) => !pools.has(n));
    problems.check(m.pools.length > 0 && unknown.length === 0, p(`${at}.pools`, m.pools,
      m.pools.length === 0 ? 'a served model needs at least one pool' : `no GPU pool is named ${unknown.join(', ')}`,
      `use names of gpuPools: ${[...pools.keys()].join(', ')}`));
    if (m.monitorDrift) {
      problems.check((m.backend ?? ServedModelBackend.VLLM) === ServedModelBackend.KSERVE, p(`${at}.monitorDrift`, true,
        'drift monitoring logs payloads through KServe\'s logger, which the vLLM backend does not have', 'serve the model with backend: ServedModelBackend.KSERVE, or leave monitorDrift off'));
      problems.check(spec.observability ?? true, p(`${at}.monitorDrift`, true,
        'drift monitoring runs on the telemetry collector, and observability is off', 'turn observability on, or leave monitorDrift off'));
    }
    const { min, max } = servedModelReplicas(m);
    problems.check(Number.isInteger(min) && min >= 1 && max >= min, p(`${at}.minReplicas`, min,
      `must be at least 1 and at most maxReplicas (${max})`, 'set 1 <= minReplicas <= maxReplicas'));
    const candidates = m.pools.flatMap((n) => pools.get(n)?.instanceTypes ?? []);
    if (candidates.length === 0 || team === undefined) return;
    if (m.maxModelLen !== undefined) {
      const len = m.maxModelLen;
      if (!problems.check(Number.isInteger(len) && len >= 1, p(`${at}.maxModelLen`, len, 'not a positive whole number of tokens', 'give the longest sequence in tokens, e.g. 8192'))) return;
      if (!problems.check(len <= llm.maxContextLength, p(`${at}.maxModelLen`, len,
        `above the context window of ${llm.name} (${llm.maxContextLength} tokens)`, `give at most ${llm.maxContextLength}, or leave maxModelLen out to serve the whole window`))) return;
    }
    const model = m.maxModelLen !== undefined ? problems.capture(() => llm.withServing({ maxContextLength: m.maxModelLen }, `${SPEC} ${spec.name} ${at}`)) : llm;
    if (!model) return;
    let sizing;
    try {
      sizing = ModelSizing.recommend(model, { candidates, construct: `${SPEC} ${spec.name}` });
    } catch (e) {
      if (!(e instanceof CnaiError)) throw e;
      // No node holds it: served across nodes (a LeaderWorkerSet), a fixed replica count on vLLM.
      const across = servedModelAcrossNodes(spec, m);
      if (across) {
        problems.check((m.backend ?? ServedModelBackend.VLLM) === ServedModelBackend.VLLM, p(`${at}.backend`, m.backend,
          `the model is served across nodes (${across.summary}), which runs vLLM in a LeaderWorkerSet; KServe's Standard mode serves from one pod`,
          'use ServedModelBackend.VLLM (the default), or pools whose nodes each hold the model'));
        problems.check(min === max, p(`${at}.maxReplicas`, max, `the model is served across nodes (${across.summary}): a replica is ${across.nodes} whole nodes, not autoscaled`,
          `give minReplicas = maxReplicas (e.g. ${min})`));
        const gpus = across.tensorParallel * across.nodes;
        const quotaAcross = team.quotas.filter((q) => m.pools.includes(q.pool)).reduce((s, q) => s + q.gpus + (q.borrowingLimit ?? q.gpus), 0);
        problems.check(max * gpus <= quotaAcross, p(`${at}.maxReplicas`, max,
          `${max} replicas x ${gpus} GPUs (${across.summary}) need ${max * gpus} GPUs, but team ${m.team} may use at most ${quotaAcross} on pools ${m.pools.join(', ')}`,
          `lower maxReplicas to ${Math.floor(quotaAcross / gpus)} or raise the team's quota on those pools`));
        return;
      }
      // Sizing names its own prop; here the problem belongs to this model of the spec, whose
      // context length is maxModelLen, and whose candidates are the types of its pools.
      const fix = e.fix.replace(/maxContextLength/g, 'maxModelLen').replace(/add a larger instance type such as/g, `give the model a pool of larger GPUs (${m.pools.join(', ')} ha${m.pools.length === 1 ? 's' : 've'} ${[...new Set(candidates.map((t) => t.name))].join(', ')}), such as`);
      problems.add({ construct: e.construct, prop: `${at}.model`, value: llm.name, problem: e.problem, fix });
      return;
    }
    const budget = max * sizing.tensorParallel;
    const quota = team.quotas.filter((q) => m.pools.includes(q.pool)).reduce((s, q) => s + q.gpus + (q.borrowingLimit ?? q.gpus), 0);
    problems.check(budget <= quota, p(`${at}.maxReplicas`, max,
      `${max} replicas x ${sizing.tensorParallel} GPUs (${sizing.instanceType.name}) need ${budget} GPUs, but team ${m.team} may use at most ${quota} on pools ${m.pools.join(', ')}`,
      `lower maxReplicas to ${Math.floor(quota / sizing.tensorParallel)} or raise the team's quota on those pools`));
  });
  (spec.models ?? []).forEach((m, i) => (m.clients ?? []).forEach((c, j) => {
    if (!models.has(c)) problems.add(p(`models[${i}].clients[${j}]`, c, 'no served model has this name', `use one of ${[...models.keys()].join(', ')}`));
  }));
}

/** A predictive model: its format and runtime, CPU and memory, GPUs only on its one pool, and no LLM settings. */
function checkPredictiveModel(checks: SpecChecks, m: ServedModelSpec, at: string, team: TeamSpec | undefined): void {
  const { spec, problems, p, pools, invalidPools } = checks;
  const { min, max } = servedModelReplicas(m);
  problems.check(Number.isInteger(min) && min >= 1 && max >= min, p(`${at}.minReplicas`, min,
    `must be at least 1 and at most maxReplicas (${max})`, 'set 1 <= minReplicas <= maxReplicas'));
  problems.check(m.model === undefined, p(`${at}.model`, m.model?.name, 'a model spec describes an LLM; a predictive model is sized by cpu, memoryGiB and gpus',
    'drop model, or set kind: ServedModelKind.LLM'));
  const llmOnly: [string, unknown][] = [['backend', m.backend], ['task', m.task], ['maxModelLen', m.maxModelLen]];
  for (const [prop, value] of llmOnly) {
    problems.check(value === undefined, p(`${at}.${prop}`, value, `${prop} is a setting of LLMs; predictive models run on a KServe runtime`, `drop ${prop}`));
  }
  problems.check(!m.monitorDrift, p(`${at}.monitorDrift`, true, 'drift monitoring compares prompt and completion tokens or embeddings, which a predictive model does not have',
    'leave monitorDrift off'));
  const pr = m.predictive;
  if (!problems.check(pr !== undefined, p(`${at}.predictive`, pr, 'a predictive model needs its format', 'give predictive: { format: PredictiveModelFormat.XGBOOST } (or the model\'s format)'))) return;
  let runtime: PredictiveRuntimeInfo | undefined;
  if (problems.check(Object.values(PredictiveModelFormat).includes(pr!.format), p(`${at}.predictive.format`, pr!.format,
    'not a model format of KServe\'s predictive runtimes', `use one of PredictiveModelFormat: ${Object.values(PredictiveModelFormat).join(', ')}`))) {
    runtime = problems.capture(() => PredictiveRuntimes.forFormat(pr!.format, pr!.runtime, `${SPEC} ${spec.name}`, `${at}.predictive.runtime`));
  }
  for (const prop of ['cpu', 'memoryGiB'] as const) {
    const v = pr![prop];
    problems.check(v === undefined || (typeof v === 'number' && v > 0 && Number.isFinite(v)), p(`${at}.predictive.${prop}`, v, 'not a positive number',
      prop === 'cpu' ? 'give vCPUs per replica, e.g. 1 or 0.5' : 'give GiB per replica, e.g. 2'));
  }
  const gpus = pr!.gpus ?? 0;
  if (!problems.check(Number.isInteger(gpus) && gpus >= 0, p(`${at}.predictive.gpus`, gpus, 'not a whole number of GPUs', 'give 0 (CPU nodes) or 1'))) return;
  if (gpus === 0) {
    problems.check(m.pools.length === 0, p(`${at}.pools`, m.pools, 'the pools are GPU pools, and the model asks for no GPU: it runs on the CPU nodes',
      'give pools: [] for CPU, or predictive.gpus with one pool'));
    return;
  }
  if (m.pools.some((n) => invalidPools.has(n))) return;
  const pool = m.pools.length === 1 ? pools.get(m.pools[0]) : undefined;
  if (!problems.check(pool !== undefined, p(`${at}.pools`, m.pools,
    m.pools.length === 1 ? `no GPU pool is named ${m.pools[0]}` : 'a predictive model on GPUs runs on one pool', `give one of the gpuPools: ${[...pools.keys()].join(', ')}`))) return;
  if (runtime && !runtime.gpuCapable) {
    problems.add(p(`${at}.predictive.gpus`, gpus, `${runtime.runtime} runs on CPU only; a GPU would sit idle`,
      `give gpus 0, or a GPU runtime (${PredictiveRuntimes.all().filter((r) => r.gpuCapable).map((r) => r.runtime).join(', ')})`));
    return;
  }
  const most = Math.max(...pool!.instanceTypes.map((t) => t.gpuCount));
  if (!problems.check(gpus <= most, p(`${at}.predictive.gpus`, gpus, `no instance type of pool ${pool!.name} has ${gpus} GPUs (at most ${most})`, `give at most ${most}`))) return;
  if (team === undefined) return;
  const quota = team.quotas.filter((q) => q.pool === pool!.name).reduce((s, q) => s + q.gpus + (q.borrowingLimit ?? q.gpus), 0);
  problems.check(max * gpus <= quota, p(`${at}.maxReplicas`, max,
    `${max} replicas x ${gpus} GPUs need ${max * gpus} GPUs, but team ${m.team} may use at most ${quota} on pool ${pool!.name}`,
    `lower maxReplicas to ${Math.floor(quota / gpus)} or raise the team's quota on that pool`));
}

/** The vector database: name, dimension, size, clients. */
function checkVectorDatabase(checks: SpecChecks): void {
  const { spec, problems, p, teams, models } = checks;
  const vdb = spec.vectorDatabase;
  if (vdb) {
    const name = vectorDatabaseName(vdb);
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, 'vectorDatabase.name', name, NAME_RULES.dns1123Label));
    problems.check(!teams.has(name), p('vectorDatabase.name', name, 'a team has this name; the database runs in a namespace of its own', 'choose another name'));
    problems.check(Number.isInteger(vdb.dimension) && vdb.dimension >= 1, p('vectorDatabase.dimension', vdb.dimension, 'must be a whole number of at least 1', 'give the dimension of the embedding model, e.g. 1024'));
    problems.check(vdb.expectedVectors >= 1, p('vectorDatabase.expectedVectors', vdb.expectedVectors, 'must be at least 1', 'give the number of vectors you expect to store'));
    (vdb.clients ?? []).forEach((c, j) => {
      if (!models.has(c)) problems.add(p(`vectorDatabase.clients[${j}]`, c, 'no served model has this name', `use one of ${[...models.keys()].join(', ')}`));
    });
  }
}

/**
 * The spec's checks as a class, for languages without free functions (jsii): the same as
 * {@link validatePlatformSpec}.
 */
export class PlatformSpecValidator {
  /**
   * Checks the whole spec and reports every problem at once.
   * @throws CnaiValidationError listing every problem, or CnaiError for a single one
   */
  public static validate(spec: PlatformSpec): void {
    validatePlatformSpec(spec);
  }

  private constructor() {}
}

/** The model gateway: routed models that are served, client teams and budgets of teams that exist, exposure. */
function checkGateway(checks: SpecChecks): void {
  const { spec, problems, p, teams, models } = checks;
  const gw = spec.gateway;
  if (!gw || gw.enabled === false) return;
  const modelNames = () => [...models.keys()].map((n) => JSON.stringify(n)).join(', ') || '(no served models)';
  const teamNames = () => [...teams.keys()].map((n) => JSON.stringify(n)).join(', ');
  const seen = new Set<string>();
  (gw.models ?? []).forEach((m, i) => {
    if (!problems.check(models.has(m), p(`gateway.models[${i}]`, m, 'the gateway would route to a model that is not served (no served model has this name)',
      `serve it in models, or route only served models: ${modelNames()}`))) return;
    problems.check(servedModelKind(models.get(m)!) === ServedModelKind.LLM, p(`gateway.models[${i}]`, m,
      'a predictive model: the gateway speaks the OpenAI API and routes served LLMs only', 'call the predictive model\'s InferenceService directly, or route only LLMs'));
    problems.check(!seen.has(m), p(`gateway.models[${i}]`, m, 'listed twice', 'list each served model once'));
    seen.add(m);
  });
  (gw.clientTeams ?? []).forEach((t, i) => problems.check(teams.has(t), p(`gateway.clientTeams[${i}]`, t, 'no team has this name', `use one of ${teamNames()}`)));
  const budgeted = new Set<string>();
  (gw.teamBudgets ?? []).forEach((b, i) => {
    const at = `gateway.teamBudgets[${i}]`;
    if (problems.check(teams.has(b.team), p(`${at}.team`, b.team, 'a token budget for a team that does not exist', `use one of ${teamNames()}`))) {
      problems.check(!budgeted.has(b.team), p(`${at}.team`, b.team, 'the team has a budget already', 'give each team one budget'));
      budgeted.add(b.team);
    }
    problems.check(Number.isInteger(b.tokensPerHour) && b.tokensPerHour >= 1, p(`${at}.tokensPerHour`, b.tokensPerHour,
      'not a whole number of tokens of at least 1', 'give the tokens per hour the team may use, e.g. 1000000'));
  });
  // A budget counts the requests of a team that may call the gateway; another team's budget would never apply.
  if (gw.clientTeams && gw.clientTeams.every((t) => teams.has(t))) {
    const clients = new Set(gw.clientTeams);
    (gw.teamBudgets ?? []).forEach((b, i) => {
      if (teams.has(b.team)) {
        problems.check(clients.has(b.team), p(`gateway.teamBudgets[${i}].team`, b.team, 'the team is not among gateway.clientTeams, so it cannot call the gateway and its budget would never apply',
          'add the team to gateway.clientTeams, or drop its budget'));
      }
    });
  }
  GatewayChecks.accessProblems(`${SPEC} ${spec.name}`, 'gateway.access', gw.access).forEach((x) => problems.add(x));
  const exposure = gw.exposure ?? GatewayExposure.CLUSTER;
  GatewayChecks.exposureProblems({ construct: `${SPEC} ${spec.name}`, exposureProp: 'gateway.exposure', cidrsProp: 'gateway.publicCidrs' }, exposure, gw.publicCidrs)
    .forEach((x) => problems.add(x));
  GatewayChecks.internalClientCidrProblems(`${SPEC} ${spec.name}`, 'gateway.internalClientCidrs', exposure, gw.internalClientCidrs).forEach((x) => problems.add(x));
  if (exposure !== GatewayExposure.CLUSTER) {
    problems.check(gw.tlsSecretName !== undefined, p('gateway.tlsSecretName', gw.tlsSecretName, `a load balancer exposure (${exposure}) serves HTTPS only, and no certificate is named`,
      'name a kubernetes.io/tls Secret in the gateway\'s namespace, or keep GatewayExposure.CLUSTER'));
  } else {
    problems.check(gw.tlsSecretName === undefined, p('gateway.tlsSecretName', gw.tlsSecretName, 'the in-cluster exposure has a plain HTTP listener only',
      'leave tlsSecretName out, or choose a load balancer exposure'));
  }
  // The listener's certificate from Secrets Manager: a load balancer exposure's, named like a secret.
  if (gw.tlsCertificateSecretName !== undefined) {
    const name = gw.tlsCertificateSecretName;
    problems.check(exposure !== GatewayExposure.CLUSTER, p('gateway.tlsCertificateSecretName', name, 'the in-cluster exposure has no HTTPS listener that would use the certificate',
      'leave tlsCertificateSecretName out, or choose a load balancer exposure'));
    problems.check(typeof name === 'string' && name.length > 0 && name.length <= 2048 && !/\s/.test(name), p('gateway.tlsCertificateSecretName', name,
      'not a Secrets Manager secret name or ARN', 'give the name (e.g. "cnai-prod/model-gateway-tls") or the ARN of the secret that holds {"tls.crt", "tls.key"}'));
  }
  // The endpoint picker's settings (the same checks as InferencePool's).
  if (gw.endpointPicker && gw.endpointPicker.enabled !== false) {
    EndpointPickerChecks.problems({ construct: `${SPEC} ${spec.name}`, prefix: 'gateway.endpointPicker.' }, gw.endpointPicker).forEach((x) => problems.add(x));
  }
}

/** The feature store: its settings (FeatureStoreChecks), a namespace of its own, clients that are served predictive models. */
function checkFeatureStore(checks: SpecChecks): void {
  const { spec, problems, p, teams, models } = checks;
  const fs = spec.featureStore;
  if (!fs) return;
  const name = FeatureStoreNaming.nameOf(fs);
  FeatureStoreChecks.problems({ construct: `${SPEC} ${spec.name}`, propPrefix: 'featureStore.' }, {
    name,
    project: fs.project,
    repository: fs.repository,
    onlineStore: fs.onlineStore,
    registry: fs.registry ?? FeatureRegistryKind.S3,
    materializationSchedule: fs.materializationSchedule ?? DEFAULT_MATERIALIZATION_SCHEDULE,
  }).forEach((x) => problems.add(x));
  problems.check(!teams.has(name), p('featureStore.name', name, 'a team has this name; the feature store runs in a namespace of its own', 'choose another name'));
  problems.check(!spec.vectorDatabase || vectorDatabaseName(spec.vectorDatabase) !== name,
    p('featureStore.name', name, 'the vector database has this name (and namespace)', 'choose another name'));
  (fs.clients ?? []).forEach((c, j) => {
    if (!problems.check(models.has(c), p(`featureStore.clients[${j}]`, c, 'no served model has this name', `use one of ${[...models.keys()].join(', ') || '(no served models)'}`))) return;
    problems.check(servedModelKind(models.get(c)!) === ServedModelKind.PREDICTIVE, p(`featureStore.clients[${j}]`, c,
      'an LLM: only predictive models take their features from the feature store', 'name a served model of kind ServedModelKind.PREDICTIVE, or leave this one out'));
  });
}

/**
 * The operations assistant: its model is a served chat LLM that supports tool calling, routed by
 * the gateway (which must be on); its agents' write access is scoped. Served models asking for
 * tool calling must support it.
 */
function checkAssistant(checks: SpecChecks): void {
  const { spec, problems, p, models } = checks;
  (spec.models ?? []).forEach((m, i) => {
    if (m.toolCalling && m.model) {
      const problem = AssistantChecks.toolCallingProblem(`${SPEC} ${spec.name}`, `models[${i}].toolCalling`, m.model);
      if (problem) problems.add(problem);
    }
  });
  const a = spec.assistant;
  if (!a || a.enabled === false) return;
  const gatewayOn = spec.gateway !== undefined && spec.gateway.enabled !== false;
  problems.check(gatewayOn, p('assistant', 'enabled', 'the assistant\'s agents reach their model through the model gateway, and the gateway is off',
    'add a gateway section (gateway: {}) that routes the assistant\'s model, or leave the assistant out'));
  if (gatewayOn) {
    problems.check(spec.gateway!.access?.mode !== GatewayAccessMode.OIDC, p('assistant', 'enabled',
      'the agents and the analyzer call the gateway with keys of their own, and the gateway\'s access is OIDC (people\'s tokens only)',
      'give the gateway API keys (gateway.access.mode: GatewayAccessMode.API_KEYS), or leave the assistant out'));
  }
  const served = models.get(a.model);
  if (!served) {
    problems.add(p('assistant.model', a.model, 'no served model has this name', `serve a chat model that supports tool calling, and name it here (served: ${[...models.keys()].join(', ') || 'none'})`));
  } else if (servedModelKind(served) !== ServedModelKind.LLM || !served.model || served.model.kind !== ModelKind.TEXT_GENERATION
    || served.task === ServedModelTask.EMBED) {
    problems.add(p('assistant.model', a.model, 'not a chat model: the assistant needs a text-generation LLM that calls tools', 'name a served chat model such as one of ModelPresets.LLAMA_3_1_8B_INSTRUCT'));
  } else {
    const problem = AssistantChecks.toolCallingProblem(`${SPEC} ${spec.name}`, 'assistant.model', served.model);
    if (problem) problems.add(problem);
    if (gatewayOn && spec.gateway!.models !== undefined) {
      problems.check(spec.gateway!.models.includes(a.model), p('assistant.model', a.model, 'the gateway does not route this model (gateway.models leaves it out)',
        'add it to gateway.models, or leave gateway.models out to route every served model'));
    }
  }
  AssistantChecks.agentProblems({ construct: `${SPEC} ${spec.name}`, prefix: 'assistant.' }, a.agents ?? AssistantChecks.defaultAgents()).forEach((x) => problems.add(x));
}

/**
 * Model deliveries: the delivery's own settings (DeliveryChecks), a vLLM server, the MLflow
 * registry (its alias records the live version), and a candidate inside the model's prefix (the
 * serving identity reads only that prefix).
 */
function checkDeliveries(checks: SpecChecks): void {
  const { spec, problems, p } = checks;
  (spec.models ?? []).forEach((m, i) => {
    const d = m.delivery;
    if (d === undefined) return;
    const at = `models[${i}]`;
    const server = servedModelKind(m) === ServedModelKind.LLM && (m.backend ?? ServedModelBackend.VLLM) === ServedModelBackend.VLLM
      ? DeliveryServer.VLLM : DeliveryServer.KSERVE;
    DeliveryChecks.problems({ construct: `${SPEC} ${spec.name}`, propPrefix: `${at}.delivery.`, serverProp: `${at}.backend` }, d, server)
      .forEach((x) => problems.add(x));
    problems.check((spec.modelRegistry ?? ModelRegistryKind.MLFLOW) === ModelRegistryKind.MLFLOW, p('modelRegistry', spec.modelRegistry,
      `model ${m.name} is delivered, and recording its live version is built on MLflow aliases; the Kubeflow Model Registry has none`,
      'use ModelRegistryKind.MLFLOW, or leave the delivery out'));
    const prefix = servedModelPrefix(m);
    const candidate = deliveryCandidatePrefix(prefix, d);
    problems.check(candidate.startsWith(prefix) && candidate !== prefix, p(`${at}.delivery.modelStorePrefix`, candidate,
      `not inside the model's prefix ${prefix}, the only one its serving identity may read (and the running version's own prefix is not a new version)`,
      `keep the candidate under ${prefix}, e.g. ${prefix}v${d.version}/ (the default)`));
  });
}
