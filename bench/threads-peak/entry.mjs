// A matmul-peak thread (bench/matmul-peak.ts): a worker thread does not inherit tsx's loader,
// so it registers its own, then runs the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./body.ts');
