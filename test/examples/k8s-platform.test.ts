// examples/k8s-platform through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('k8s-platform');
