import type { DType, Dim, Op, Param, Shape } from './types.ts';

export interface Typed {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A shape rule's verdict: the output type, or what was expected and what was found. */
export type ShapeResult = { readonly ok: true; readonly value: Typed } | { readonly ok: false; readonly error: string };

const ok = (shape: Shape, dtype: DType = 'float32'): ShapeResult => ({ ok: true, value: { shape, dtype } });
const fail = (error: string): ShapeResult => ({ ok: false, error });

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

const sameDim = (a: Dim | undefined, b: Dim | undefined) => a === b;
const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function expectRank(name: string, t: Typed | undefined, rank: number): string | undefined {
  if (t === undefined) return `missing input ${name}`;
  if (t.shape.length !== rank) return `${name} must have rank ${rank}, got ${formatShape(t.shape)}`;
  return undefined;
}

/**
 * The output type of `op` applied to inputs of the given types. Param and input nodes take
 * their type from the declaration (`param`, `inputType`).
 */
export function inferType(op: Op, inputs: readonly Typed[], param?: Param, inputType?: Typed): ShapeResult {
  const [a, b, c] = inputs;
  switch (op.kind) {
    case 'input':
      return inputType ? ok(inputType.shape, inputType.dtype) : fail(`input ${op.name} has no declared type`);
    case 'param':
      return param ? ok(param.shape) : fail(`unknown parameter ${op.name}`);
    case 'patchify': {
      const err = expectRank('imgs', a, 4);
      if (err) return fail(err);
      const [n, ch, h, w] = a!.shape;
      if (typeof ch !== 'number' || typeof h !== 'number' || typeof w !== 'number') return fail('image dims must be static');
      if (h !== w) return fail(`images must be square, got ${h}x${w}`);
      if (h % op.patch !== 0) return fail(`patch ${op.patch} does not divide image size ${h}`);
      const g = h / op.patch;
      return ok([n!, g * g, op.patch * op.patch * ch]);
    }
    case 'linear': {
      if (!a || !b) return fail('linear needs x and W');
      const [out, ...rest] = b.shape as readonly number[];
      const fanIn = product(rest);
      const last = a.shape[a.shape.length - 1];
      if (last !== fanIn) return fail(`linear weight ${formatShape(b.shape)} expects ${fanIn} input features, x is ${formatShape(a.shape)}`);
      if (c && (c.shape.length !== 1 || c.shape[0] !== out)) return fail(`bias must be [${out}], got ${formatShape(c.shape)}`);
      return ok([...a.shape.slice(0, -1), out!]);
    }
    case 'layerNorm': {
      if (!a || !b || !c) return fail('layerNorm needs x, gamma and beta');
      const d = a.shape[a.shape.length - 1];
      if (b.shape.length !== 1 || b.shape[0] !== d || c.shape.length !== 1 || c.shape[0] !== d)
        return fail(`layerNorm gamma/beta must be [${d}], got ${formatShape(b.shape)} and ${formatShape(c.shape)}`);
      return ok(a.shape);
    }
    case 'attention': {
      const err = expectRank('qkv', a, 3);
      if (err) return fail(err);
      const three = a!.shape[2];
      if (typeof three !== 'number' || three % 3 !== 0) return fail(`qkv width must be 3*D, got ${three}`);
      const d = three / 3;
      if (d % op.heads !== 0) return fail(`heads ${op.heads} do not divide width ${d}`);
      return ok([a!.shape[0]!, a!.shape[1]!, d]);
    }
    case 'gelu':
      return a ? ok(a.shape) : fail('gelu needs an input');
    case 'add': {
      if (!a || !b) return fail('add needs two inputs');
      if (a.shape.length !== b.shape.length) return fail(`add rank mismatch: ${formatShape(a.shape)} + ${formatShape(b.shape)}`);
      const shape: Dim[] = [];
      for (let i = 0; i < a.shape.length; i++) {
        const x = a.shape[i]!;
        const y = b.shape[i]!;
        if (sameDim(x, y) || y === 1) shape.push(x);
        else if (x === 1) shape.push(y);
        else return fail(`add cannot broadcast ${formatShape(a.shape)} with ${formatShape(b.shape)}`);
      }
      return ok(shape);
    }
    case 'sliceTokens': {
      if (!a || a.shape.length < 2) return fail('sliceTokens needs an input of rank >= 2');
      const len = a.shape[1];
      if (typeof len !== 'number' || op.start < 0 || op.end > len || op.start >= op.end)
        return fail(`slice ${op.start}:${op.end} is outside axis 1 of ${formatShape(a.shape)}`);
      return ok([a.shape[0]!, op.end - op.start, ...a.shape.slice(2)], a.dtype);
    }
    case 'concatTokens': {
      if (inputs.length < 2) return fail('concatTokens needs at least two inputs');
      const width = inputs[0]!.shape[2];
      let tokens = 0;
      for (const t of inputs) {
        if (t.shape.length !== 3 || t.shape[2] !== width) return fail(`concatTokens needs [*, T, ${width}] inputs, got ${formatShape(t.shape)}`);
        if (t.shape[0] !== 'N' && t.shape[0] !== 1) return fail(`concatTokens input batch must be N or 1, got ${t.shape[0]}`);
        tokens += t.shape[1] as number;
      }
      return ok(['N', tokens, width!]);
    }
    case 'expandTokens': {
      if (!a || a.shape.length !== 3 || a.shape[0] !== 1 || a.shape[1] !== 1) return fail(`expandTokens needs a [1, 1, D] token, got ${a ? formatShape(a.shape) : 'nothing'}`);
      return ok(['N', op.count, a.shape[2]!]);
    }
    case 'argsort': {
      const err = expectRank('keys', a, 2);
      return err ? fail(err) : ok(a!.shape, 'int32');
    }
    case 'gatherTokens': {
      const err = expectRank('x', a, 3) ?? expectRank('ids', b, 2);
      if (err) return fail(err);
      if (b!.dtype !== 'int32') return fail('gatherTokens ids must be int32');
      return ok([a!.shape[0]!, b!.shape[1]!, a!.shape[2]!]);
    }
    case 'maskFromRestore': {
      const err = expectRank('ids_restore', a, 2);
      return err ? fail(err) : ok(a!.shape);
    }
    case 'maskReplace': {
      const err = expectRank('x', a, 3) ?? expectRank('mask', b, 2) ?? expectRank('token', c, 3);
      if (err) return fail(err);
      if (a!.shape[1] !== b!.shape[1]) return fail(`mask ${formatShape(b!.shape)} does not fit tokens ${formatShape(a!.shape)}`);
      if (c!.shape[2] !== a!.shape[2]) return fail(`mask token ${formatShape(c!.shape)} does not fit tokens ${formatShape(a!.shape)}`);
      return ok(a!.shape);
    }
    case 'normalizePatches':
      return a ? ok(a.shape) : fail('normalizePatches needs an input');
    case 'maskedMse': {
      if (!a || !b || !c) return fail('maskedMse needs pred, target and mask');
      if (formatShape(a.shape) !== formatShape(b.shape)) return fail(`pred ${formatShape(a.shape)} and target ${formatShape(b.shape)} differ`);
      if (formatShape(c.shape) !== formatShape(a.shape.slice(0, -1))) return fail(`mask ${formatShape(c.shape)} does not fit pred ${formatShape(a.shape)}`);
      return ok([]);
    }
    case 'crossEntropy': {
      const err = expectRank('logits', a, 2) ?? expectRank('labels', b, 2);
      if (err) return fail(err);
      if (formatShape(a!.shape) !== formatShape(b!.shape)) return fail(`labels ${formatShape(b!.shape)} do not fit logits ${formatShape(a!.shape)}`);
      return ok([]);
    }
    case 'meanTokens': {
      const err = expectRank('x', a, 3);
      return err ? fail(err) : ok([a!.shape[0]!, a!.shape[2]!]);
    }
    case 'dropPath':
      if (!a) return fail('dropPath needs an input');
      if (!(op.rate >= 0 && op.rate < 1)) return fail(`drop path rate must be in [0, 1), got ${op.rate}`);
      return ok(a.shape, a.dtype);
  }
}
