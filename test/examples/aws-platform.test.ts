// examples/aws-platform through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('aws-platform');
