// examples/assistant through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('assistant');
