/**
 * Seeded randomness. Every random draw in maec (initialisation, masking noise, shuffling,
 * augmentation) goes through an Rng created from an explicit seed, and its state can be saved
 * in a checkpoint and restored, so a resumed run draws exactly what an uninterrupted one would.
 *
 * The generator is xoshiro128** (32-bit state words, fast in JS); the seed is expanded by
 * splitmix32 so that nearby seeds give unrelated streams.
 */

export type RngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: RngState) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** A generator whose stream depends only on `seed` (any integer). */
  static fromSeed(seed: number): Rng {
    const next = splitmix32(seed);
    const state: [number, number, number, number] = [next(), next(), next(), next()];
    if (state.every((w) => w === 0)) state[0] = 1;
    return new Rng(state);
  }

  /** Restores a generator saved with `state()`. */
  static fromState(state: RngState): Rng {
    if (state.length !== 4 || state.every((w) => w === 0)) throw new Error('invalid RNG state: expected four words, not all zero');
    return new Rng(state.map((w) => w >>> 0) as unknown as RngState);
  }

  /** The generator's full state; `Rng.fromState(r.state())` continues the same stream. */
  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * A standard normal draw (Box-Muller). The pair's second value is dropped so that the state
   * alone describes the stream.
   */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fills a new Float32Array with uniform [0, 1) values. */
  uniformArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An independent child generator, e.g. one per data-loader worker or per epoch. */
  fork(): Rng {
    return Rng.fromSeed(this.nextUint32() ^ 0x5bd1e995);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
