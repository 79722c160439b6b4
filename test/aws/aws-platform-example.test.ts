import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { planStack } from './util';
import { buildAwsPlatform } from '../../examples/aws-platform/main';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'aws-platform');

describe('examples/aws-platform', () => {
  test('cdktf.json runs main.ts with ts-node (transpile-only) and uses the prebuilt provider bindings (nothing for `cdktf get` to generate)', () => {
    const config = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'cdktf.json'), 'utf8'));
    expect(config).toMatchObject({ language: 'typescript', app: 'node -r sucrase/register/ts main.ts', terraformProviders: [] });
  });

  test('validates and plans offline with hashicorp/aws 5.100.0: the expected resources', () => {
    const stack = buildAwsPlatform(Testing.app());
    const started = Date.now();
    const result = planStack(stack);
    // eslint-disable-next-line no-console
    console.log(`examples/aws-platform: ${result.plannedResourceCount} resources planned in ${Date.now() - started} ms; timings ms ${JSON.stringify(result.timingsMs)}`);
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType).toMatchObject({
      aws_vpc: 1,
      aws_subnet: 6,
      aws_nat_gateway: 3,
      aws_vpc_endpoint: 5,
      aws_eks_cluster: 1,
      aws_eks_addon: 5,
      // system + L40S inference + H100 training
      aws_eks_node_group: 3,
      aws_launch_template: 3,
      aws_placement_group: 1,
      aws_eks_pod_identity_association: 3,
      // models, datasets and (prod) their access logs
      aws_s3_bucket: 3,
      aws_s3_bucket_logging: 2,
      aws_ecr_repository: 1,
      aws_db_instance: 1,
      aws_kms_key: 5,
      // flow logs, control plane, and the database's postgresql and upgrade exports
      aws_cloudwatch_log_group: 4,
    });
    expect(result.plannedResourceCount).toBe(130);
  });
});
