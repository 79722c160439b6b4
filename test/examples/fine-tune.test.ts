// examples/fine-tune through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('fine-tune');
