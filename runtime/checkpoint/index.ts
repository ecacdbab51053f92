/**
 * Checkpoints: parameters, AdamW moments and the run's position in one safetensors file, for
 * pretraining (`maec-pretrain/1`) and fine-tuning (`maec-finetune/2`); and the one reader of
 * checkpoint files, which also loads pretrained encoders.
 */
export { CHECKPOINT_FORMAT, OPTIMIZER_PREFIX, decodeMeta, encodeMeta, type CheckpointMeta, type Position } from './format.ts';
export { FINETUNE_FORMAT, decodeFinetuneMeta, encodeFinetuneMeta, type FinetuneMeta } from './finetune-format.ts';
export { saveCheckpoint, saveFinetuneCheckpoint, type AtomicWriter, type CheckpointContent, type CheckpointTensors, type FinetuneCheckpointContent } from './save.ts';
export { checkedParams, readCheckpoint, readCheckpointFile, readEncoderCheckpoint, readFinetuneCheckpoint, type CheckedParamsOptions, type CheckpointFile, type LoadedCheckpoint, type LoadedFinetuneCheckpoint } from './load.ts';
export { CheckpointValuesError, valuesProblem } from './finite.ts';
