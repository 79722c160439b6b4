// cdk8s entry point (cdk8s.yaml): the Kubernetes layer of the reference platform.
import { buildReferenceK8s, k8sApp, referenceContract } from './main';

const app = k8sApp();
buildReferenceK8s(app, referenceContract());
app.synth();
