// examples/reference-platform through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('reference-platform');
