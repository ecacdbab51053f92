/**
 * Tensor file I/O: the safetensors format (read, check, write), half-precision conversion, and
 * atomic file replacement.
 */
export { SafetensorsError, type SafetensorsErrorCode } from './errors.ts';
export { DTYPES, FLOAT_DTYPES, DTYPE_SIZE, formatShape, shapeSize, type Dtype, type DtypeArray, type SafetensorsTensor, type TensorData } from './dtypes.ts';
export { decodeSafetensors, encodeSafetensors, encodeSafetensorsParts, type SafetensorsFile, type TensorToWrite } from './safetensors.ts';
export { toFloat32, toInt32, toNumbers } from './convert.ts';
export { firstNonFinite, nonFiniteProblem, positionOf } from './finite.ts';
export { f32ToF16Bits, f16BitsToF32, f32ToBf16Bits, bf16BitsToF32, encodeF16, decodeF16, encodeBf16, decodeBf16 } from './half.ts';
export { removeStaleTemps, writeFileAtomic, type AtomicData } from './atomic.ts';
export { acquireLock, describeHolder, lockHolder, LockError, LOCK_FILE, processAlive, type Lock, type LockHolder } from './lock.ts';
export { loadSafetensors, saveSafetensors } from './files.ts';
export { describeFsError, isFsError } from './fs-errors.ts';
