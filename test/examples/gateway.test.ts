// examples/gateway through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('gateway');
