/**
 * cdktf entry point (cdktf.json) of the observability example: its AWS layer from `spec.ts`
 * with the managed Prometheus and Grafana workspaces (see buildObservabilityAws in main.ts).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-observability/cdk.tf.json
 */
import { App } from 'cdktf';
import { buildObservabilityAws } from './main';

if (require.main === module) {
  const app = new App();
  buildObservabilityAws(app);
  app.synth();
}
