/**
 * The one error type of the safetensors layer. Every failure to read, validate, convert or write
 * a safetensors file is a `SafetensorsError`; a corrupt file never escapes as a RangeError or a
 * half-loaded result.
 */

/** Stable reasons a safetensors operation fails. */
export type SafetensorsErrorCode =
  | 'too-short' // fewer than the 8 bytes of the header length
  | 'header-length' // declared header length runs past the file, or is absurdly large
  | 'header-json' // header bytes are not UTF-8 JSON
  | 'header-field' // a header entry lacks a field or has one of the wrong type
  | 'unknown-dtype' // dtype string not supported here
  | 'size-mismatch' // shape * dtype size differs from the byte range
  | 'offsets-out-of-range' // a byte range ends past the data section
  | 'offsets-overlap' // two tensors share bytes
  | 'offsets-hole' // bytes of the data section belong to no tensor
  | 'trailing-bytes' // bytes after the last tensor
  | 'value-range' // a conversion met a value the target type cannot hold
  | 'bad-input' // a tensor handed to the writer is inconsistent
  | 'io'; // the file system refused

/**
 * A safetensors failure naming the file and, where one is at fault, the tensor.
 *
 * @example
 * new SafetensorsError('size-mismatch', 'weights.safetensors',
 *   'shape [192,64] needs 49152 bytes, offsets give 49148', 'blocks.0.attn.qkv.weight').message
 * // 'weights.safetensors: tensor "blocks.0.attn.qkv.weight": shape [192,64] needs 49152 bytes, offsets give 49148'
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';

  constructor(
    readonly code: SafetensorsErrorCode,
    /** The file (or other source label) being read or written. */
    readonly file: string,
    /** What was expected and what was found. */
    readonly detail: string,
    /** The tensor at fault, when one is. */
    readonly tensor?: string,
    options?: { cause?: unknown },
  ) {
    super(tensor === undefined ? `${file}: ${detail}` : `${file}: tensor ${JSON.stringify(tensor)}: ${detail}`, options);
  }
}
