/**
 * Jest helper: synthesize a cdktf stack and verify it with the real Terraform CLI and AWS
 * provider (see lib/verify/terraform.ts). Results are cached per process by the stack's
 * content, so verifying the same stack in several tests runs Terraform once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing, TerraformStack } from 'cdktf';
import {
  runTerraformTestWithMockProvider,
  TerraformVerificationError,
  TerraformVerifyOptions,
  TerraformVerifyResult,
  verifyTerraformStack,
} from '../../lib/verify/terraform';

/** Synthesizes `stack` into a temp dir and returns that dir and the stack's directory (holding cdk.tf.json). */
export function synthStackDir(stack: TerraformStack): { outdir: string; stackDir: string } {
  // As `cdktf synth` does: construct validations first (fullSynth alone skips them).
  stack.runAllValidations();
  const outdir = Testing.fullSynth(stack);
  const stacksDir = path.join(outdir, 'stacks');
  const candidates = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).map((d) => path.join(stacksDir, d)) : [outdir];
  const stackDir = candidates.find((d) => fs.existsSync(path.join(d, 'cdk.tf.json')));
  if (!stackDir) throw new Error(`cdktf synthesized no cdk.tf.json for stack ${stack.node.path} under ${outdir}`);
  return { outdir, stackDir };
}

/**
 * Synthesizes the stack and runs terraform init, validate and (unless `plan: false`) an
 * offline plan with mock credentials. Returns what the plan would create.
 *
 * @throws Error whose message lists every construct, resource and attribute Terraform
 *   rejected (the TerraformVerificationError is its `cause`).
 */
export function expectStackToPlan(stack: TerraformStack, options?: TerraformVerifyOptions): TerraformVerifyResult {
  return synthAndRun(stack, (dir) => verifyTerraformStack(dir, options));
}

/** Like {@link expectStackToPlan}, with `terraform test` and a mock AWS provider (for stacks whose plan reads AWS). */
export function expectStackToPlanWithMockProvider(stack: TerraformStack, options?: TerraformVerifyOptions): TerraformVerifyResult {
  return synthAndRun(stack, (dir) => runTerraformTestWithMockProvider(dir, options));
}

function synthAndRun(stack: TerraformStack, verify: (stackDir: string) => TerraformVerifyResult): TerraformVerifyResult {
  const { outdir, stackDir } = synthStackDir(stack);
  try {
    return verify(stackDir);
  } catch (e) {
    if (e instanceof TerraformVerificationError) {
      // The synth dir is removed below; name the stack by its construct path instead.
      throw new Error(`stack ${stack.node.path}: ${e.message.replace(stackDir, 'cdk.tf.json dir')}`, { cause: e });
    }
    throw e;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
