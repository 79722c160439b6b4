/**
 * Helpers for the AWS layer's tests: a test stack with the shared fixtures, synthesized
 * JSON lookups by resource type (they assert counts, which cdktf's matchers cannot), cdktf's
 * matchers for absence, and a Terraform plan of a whole stack.
 */
import { Testing, TerraformStack } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { Cluster, ClusterProps, Network, NetworkProps } from '../../lib/aws';
import { PlatformNaming } from '../../lib/core/names';
import { TerraformVerifyResult } from '../../lib/verify/terraform';
import { expectStackToPlan } from '../util/terraform';

// cdktf's Jest matchers (`toHaveResource`, `toHaveResourceWithProperties`, ...) for every AWS test.
Testing.setupJest();

export const ACCOUNT = '123456789012';
export const REGION = 'us-west-2';
export const AZS = ['us-west-2a', 'us-west-2b', 'us-west-2c'];

export function testNaming(): PlatformNaming {
  return new PlatformNaming({ platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT });
}

/** A fresh stack (path `test`) in a fresh app. */
export function testStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

export function testNetwork(stack: TerraformStack, props: Partial<NetworkProps> = {}): Network {
  return new Network(stack, 'network', { naming: testNaming(), availabilityZones: AZS, ...props });
}

export function testCluster(stack: TerraformStack, props: Partial<ClusterProps> = {}): Cluster {
  const network = props.network ?? testNetwork(stack);
  return new Cluster(stack, 'cluster', { naming: network.naming, network, ...props });
}

/** The synthesized Terraform JSON of a stack. */
export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/**
 * A synthesized stack's JSON as cdktf's matchers take it. Absence is asserted with them and the
 * provider's resource classes (`expect(tfJson(json)).not.toHaveResource(DbInstance)`): a
 * misspelt type name in a string lookup would make such a test pass whatever the stack holds.
 */
export function tfJson(json: any): string {
  return JSON.stringify(json);
}

/** Resources of one type: [logical id, config]. */
export function resources(json: any, type: string): Array<[string, any]> {
  return Object.entries(json.resource?.[type] ?? {});
}

/** The configs of one resource type. */
export function configs(json: any, type: string): any[] {
  return resources(json, type).map(([, c]) => c);
}

/** The single resource of a type (fails when there are several). */
export function only(json: any, type: string): any {
  const all = configs(json, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** Data sources of one type by logical id. */
export function dataSources(json: any, type: string): { [id: string]: any } {
  return json.data?.[type] ?? {};
}

/** The policy document statements a `${data.aws_iam_policy_document.X.json}` reference points at. */
export function policyStatements(json: any, reference: string): any[] {
  const m = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(reference);
  if (!m) throw new Error(`not a policy document reference: ${reference}`);
  return dataSources(json, 'aws_iam_policy_document')[m[1]].statement;
}

/** Runs terraform init, validate and an offline plan on a stack (see lib/verify/terraform). */
export function planStack(stack: TerraformStack): TerraformVerifyResult {
  return expectStackToPlan(stack);
}
