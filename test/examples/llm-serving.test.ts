// examples/llm-serving through its CLIs, verified (see harness.ts).
import { exampleTests } from './harness';

exampleTests('llm-serving');
