#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it (and the user's model files) on the fly,
// so no build step stands between an edit and a run.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
