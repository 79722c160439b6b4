/**
 * Reading the platform contract from a file (`platform-contract.json`), as users save it after
 * `terraform apply`: the output itself (`terraform output -json platform_contract`), or every
 * output of the stack (`terraform output -json`, whose `platform_contract.value` is the
 * contract). The file is checked field by field, so a hand-edited or truncated file fails with
 * the file, the field and the fix, not with a TypeError deep in the Kubernetes layer; and a
 * contract is checked against the spec it must come from, so a stale file says to re-apply and
 * re-export.
 */
import * as fs from 'fs';
import { NodePoolProvisioner, PlatformContract, TaintEffect } from './contract';
import { invalidProp, ProblemCollector } from './errors';
import { PlatformSpec } from './platform-spec';

/** The command that writes the contract file. */
export const CONTRACT_EXPORT_COMMAND = 'terraform output -json platform_contract > platform-contract.json';

type Shape = 'string' | 'number' | 'boolean' | 'string[]' | 'string-map';

const FIX = `re-export the file from the applied AWS layer (${CONTRACT_EXPORT_COMMAND}, in the stack's folder under cdktf.out/stacks/), or correct the field`;

/** Reads and checks platform contract files. */
export class PlatformContractFile {
  /**
   * Reads a contract file (see the module comment).
   * @param file path of the file
   * @throws CnaiError naming the file, the field and the fix
   */
  public static read(file: string): PlatformContract {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw invalidProp(file, 'file', file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, FIX);
    }
    return PlatformContractFile.parse(text, file);
  }

  /**
   * Parses and checks the text of a contract file.
   * @param text the file's text
   * @param file the file name, for messages
   */
  public static parse(text: string, file: string = 'platform-contract.json'): PlatformContract {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw invalidProp(file, '(JSON)', text.length > 60 ? `${text.slice(0, 60)}...` : text, `is not valid JSON (${(e as Error).message})`, FIX);
    }
    return PlatformContractFile.check(PlatformContractFile.unwrap(value, file), file);
  }

  /**
   * The contract inside what `terraform output -json` wrote: the contract itself, or the
   * `platform_contract` output of all the stack's outputs.
   */
  public static unwrap(value: unknown, file: string = 'platform-contract.json'): unknown {
    if (isObject(value) && isObject(value.platform_contract) && 'value' in value.platform_contract) {
      // `terraform output -json` (every output): { name: { sensitive, type, value } }.
      return value.platform_contract.value;
    }
    if (isObject(value) && !('platformName' in value) && Object.values(value).every((v) => isObject(v) && 'value' in v)) {
      throw invalidProp(file, 'platform_contract', Object.keys(value).join(', '), 'the file holds Terraform outputs but no platform_contract output',
        `export it from the stack of CnaiAwsStack (${CONTRACT_EXPORT_COMMAND})`);
    }
    return value;
  }

  /**
   * Checks that `value` has the shape of a {@link PlatformContract}, reporting every problem.
   * @returns the value as a contract
   */
  public static check(value: unknown, file: string = 'platform-contract.json'): PlatformContract {
    if (!isObject(value)) {
      throw invalidProp(file, '(root)', value, 'is not a JSON object: a platform contract is an object with platformName, clusterName, nodePools, ...', FIX);
    }
    const problems = new ProblemCollector();
    const bad = (prop: string, v: unknown, problem: string) => problems.add({ construct: file, prop, value: v, problem, fix: FIX });
    const field = (obj: { [k: string]: unknown }, prefix: string, name: string, shape: Shape, optional = false): void => {
      const v = obj[name];
      const at = `${prefix}${name}`;
      if (v === undefined || v === null) {
        if (!optional) bad(at, v, 'is missing');
        return;
      }
      const ok = shape === 'string' ? typeof v === 'string' && v !== ''
        : shape === 'number' ? typeof v === 'number' && Number.isFinite(v)
          : shape === 'boolean' ? typeof v === 'boolean'
            : shape === 'string[]' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
              : isObject(v) && Object.values(v).every((x) => typeof x === 'string');
      if (!ok) bad(at, v, `is not ${describe(shape)}`);
    };
    for (const name of ['platformName', 'environment', 'region', 'accountId', 'clusterName', 'kubernetesVersion']) field(value, '', name, 'string');
    field(value, '', 'vpcCidr', 'string', true);
    field(value, '', 'ecrRepositories', 'string-map', true);
    if (!isObject(value.buckets)) {
      bad('buckets', value.buckets, 'is not an object with models and datasets');
    } else {
      field(value.buckets, 'buckets.', 'models', 'string');
      field(value.buckets, 'buckets.', 'datasets', 'string');
    }
    if (!Array.isArray(value.nodePools)) {
      bad('nodePools', value.nodePools, 'is not a list of node pools');
    } else {
      value.nodePools.forEach((p, i) => {
        const at = `nodePools[${i}].`;
        if (!isObject(p)) {
          bad(`nodePools[${i}]`, p, 'is not an object');
          return;
        }
        field(p, at, 'name', 'string');
        field(p, at, 'instanceTypes', 'string[]');
        field(p, at, 'labels', 'string-map');
        for (const n of ['gpusPerNode', 'gpuMemoryGiB', 'maxNodes']) field(p, at, n, 'number');
        field(p, at, 'efa', 'boolean');
        if (!Object.values(NodePoolProvisioner).includes(p.provisioner as NodePoolProvisioner)) {
          bad(`${at}provisioner`, p.provisioner, `is not one of ${Object.values(NodePoolProvisioner).join(', ')}`);
        }
        if (!Array.isArray(p.taints)) {
          bad(`${at}taints`, p.taints, 'is not a list of taints');
        } else {
          p.taints.forEach((t, j) => {
            if (!isObject(t)) return bad(`${at}taints[${j}]`, t, 'is not an object with key, value and effect');
            field(t, `${at}taints[${j}].`, 'key', 'string');
            field(t, `${at}taints[${j}].`, 'value', 'string', true);
            if (!Object.values(TaintEffect).includes(t.effect as TaintEffect)) {
              bad(`${at}taints[${j}].effect`, t.effect, `is not one of ${Object.values(TaintEffect).join(', ')}`);
            }
          });
        }
      });
    }
    if (!Array.isArray(value.workloadIdentities)) {
      bad('workloadIdentities', value.workloadIdentities, 'is not a list of workload identities');
    } else {
      value.workloadIdentities.forEach((w, i) => {
        if (!isObject(w)) return bad(`workloadIdentities[${i}]`, w, 'is not an object with namespace, serviceAccount and roleName');
        for (const n of ['namespace', 'serviceAccount', 'roleName']) field(w, `workloadIdentities[${i}].`, n, 'string');
      });
    }
    if (value.database !== undefined && value.database !== null) {
      if (!isObject(value.database)) {
        bad('database', value.database, 'is not an object');
      } else {
        for (const n of ['host', 'databaseName', 'username', 'masterSecretArn']) field(value.database, 'database.', n, 'string');
        field(value.database, 'database.', 'port', 'number');
      }
    }
    if (value.metrics !== undefined && value.metrics !== null) {
      if (!isObject(value.metrics)) {
        bad('metrics', value.metrics, 'is not an object');
      } else {
        field(value.metrics, 'metrics.', 'grafanaAdminSecretName', 'string', true);
        const amp = value.metrics.managedPrometheus;
        if (amp !== undefined && amp !== null) {
          if (!isObject(amp)) {
            bad('metrics.managedPrometheus', amp, 'is not an object with workspaceId, region, remoteWriteUrl and queryUrl');
          } else {
            for (const n of ['workspaceId', 'region', 'remoteWriteUrl', 'queryUrl']) field(amp, 'metrics.managedPrometheus.', n, 'string');
          }
        }
      }
    }
    if (value.loadBalancerController !== undefined && value.loadBalancerController !== null) {
      if (!isObject(value.loadBalancerController)) {
        bad('loadBalancerController', value.loadBalancerController, 'is not an object with namespace, serviceAccount and vpcId');
      } else {
        for (const n of ['namespace', 'serviceAccount', 'vpcId']) field(value.loadBalancerController, 'loadBalancerController.', n, 'string');
      }
    }
    problems.throwIfAny();
    return value as unknown as PlatformContract;
  }

  /**
   * Checks that a contract comes from (the AWS layer of) a spec: same platform and
   * environment, every pool of the spec with the spec's instance types. A mismatch after a
   * spec change means the file is stale: the fix says to apply the AWS layer and re-export.
   * @param source where the contract came from (a file name, or "the contract prop")
   */
  public static checkMatchesSpec(spec: PlatformSpec, contract: PlatformContract, construct: string, source: string = 'the contract'): void {
    const problems = new ProblemCollector();
    const fix = `${source} does not come from this spec: if the spec changed since the AWS layer was applied, apply it again (terraform apply) `
      + `and re-export the contract (${CONTRACT_EXPORT_COMMAND}); otherwise take the contract of the stack built from this spec (CnaiAwsStack.fromSpec)`;
    if (contract.platformName !== spec.name || contract.environment !== spec.environment) {
      problems.add({ construct, prop: 'contract.platformName', value: `${contract.platformName}-${contract.environment}`, problem: `the spec is ${spec.name}-${spec.environment}`, fix });
    }
    spec.gpuPools.forEach((p, i) => {
      const c = contract.nodePools.find((n) => n.name === p.name);
      if (!c) {
        problems.add({ construct, prop: `spec.gpuPools[${i}].name`, value: p.name, problem: 'the contract has no node pool of this name', fix });
      } else if (JSON.stringify([...c.instanceTypes].sort()) !== JSON.stringify(p.instanceTypes.map((t) => t.name).sort())) {
        problems.add({ construct, prop: `spec.gpuPools[${i}].instanceTypes`, value: p.instanceTypes.map((t) => t.name), problem: `the contract's pool has ${c.instanceTypes.join(', ')}`, fix });
      }
    });
    if (spec.metrics?.managedPrometheus && !contract.metrics?.managedPrometheus) {
      problems.add({ construct, prop: 'contract.metrics.managedPrometheus', value: undefined, problem: 'spec.metrics.managedPrometheus is set, and the contract has no managed Prometheus workspace', fix });
    }
    problems.throwIfAny();
    if (contract.nodePools.length === 0) throw invalidProp(construct, 'contract.nodePools', [], 'the contract has no node pools', fix);
  }

  private constructor() {}
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(shape: Shape): string {
  switch (shape) {
    case 'string': return 'a non-empty string';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'string[]': return 'a list of strings';
    case 'string-map': return 'an object of strings';
  }
}
