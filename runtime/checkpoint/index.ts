/** Pretraining checkpoints: parameters, AdamW moments and the run's position in one safetensors file. */
export { CHECKPOINT_FORMAT, OPTIMIZER_PREFIX, decodeMeta, encodeMeta, type CheckpointMeta, type Position } from './format.ts';
export { saveCheckpoint, type AtomicWriter, type CheckpointContent } from './save.ts';
export { checkedParams, readCheckpoint, type LoadedCheckpoint } from './load.ts';
