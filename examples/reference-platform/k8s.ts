// cdk8s entry point (cdk8s.yaml): the Kubernetes layer of the reference platform, one file per
// chart in dist/, and the bootstrap in dist/bootstrap/ (kubectl apply --server-side
// --force-conflicts -k dist/bootstrap installs Argo CD, which then syncs the rest from git).
import { buildReferenceK8s, k8sApp, referenceContract } from './k8s-layer';

const app = k8sApp();
buildReferenceK8s(app, referenceContract());
app.synth();
