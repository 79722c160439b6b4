// cdk8s entry point (cdk8s.yaml): the Kubernetes layer of the reference platform.
import { buildReferenceK8s, k8sApp } from './k8s-layer';
import { referenceContract } from './main';

const app = k8sApp();
buildReferenceK8s(app, referenceContract());
app.synth();
