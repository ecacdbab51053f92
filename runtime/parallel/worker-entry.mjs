// The entry of a training thread: a worker thread does not inherit the tsx loader the CLI runs
// under (bin/maec.js), so it registers its own, then runs the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./grad-worker.ts');
