/**
 * How much compute each variant gets: named budgets, any part overridable from the command
 * line. Every variant of a sweep gets the same budget, so the comparison is fair.
 */

export interface Budget {
  /** Pretraining epochs over `limit` images (all of the train split when undefined). */
  readonly epochs: number;
  readonly batch: number;
  readonly probeEpochs: number;
  readonly finetuneEpochs: number;
  /** Training images used by every stage; undefined = the whole train split. */
  readonly limit: number | undefined;
  /** Test images the probe and fine-tuning are scored on; undefined = the whole test split. */
  readonly testLimit: number | undefined;
}

export type BudgetName = 'tiny' | 'small' | 'medium' | 'full';

/**
 * tiny: seconds per variant on a laptop, to check a sweep end to end; small: minutes per
 * variant, trends start to show on Fashion-MNIST (three fine-tuning epochs: one epoch on 5000
 * images, 78 steps, measured 42.9% top-1, too short to rank variants); medium: the whole train
 * split for 4 pretraining epochs and one fine-tuning epoch, about 13 minutes per variant at
 * mask 0.75 on one core here (one fine-tuning epoch is where pretraining shows most: the
 * full Fashion-MNIST run led scratch by 3.3 points after it, 1.6 after six); full: 10
 * pretraining epochs, about 25-45 minutes per variant.
 */
export const BUDGETS: Readonly<Record<BudgetName, Budget>> = Object.freeze({
  tiny: { epochs: 1, batch: 64, probeEpochs: 10, finetuneEpochs: 1, limit: 1000, testLimit: 500 },
  small: { epochs: 3, batch: 64, probeEpochs: 30, finetuneEpochs: 3, limit: 5000, testLimit: 2000 },
  medium: { epochs: 4, batch: 128, probeEpochs: 90, finetuneEpochs: 1, limit: undefined, testLimit: undefined },
  full: { epochs: 10, batch: 128, probeEpochs: 90, finetuneEpochs: 2, limit: undefined, testLimit: undefined },
});

/** The command-line flag (without `--`) that overrides each budget field in `maec sweep`. */
export const BUDGET_FLAGS: Readonly<Record<keyof Budget, string>> = Object.freeze({
  epochs: 'epochs',
  batch: 'batch',
  probeEpochs: 'probe-epochs',
  finetuneEpochs: 'finetune-epochs',
  limit: 'limit',
  testLimit: 'test-limit',
});

export function isBudgetName(s: string): s is BudgetName {
  return Object.hasOwn(BUDGETS, s);
}

/** Overrides of a named budget, as parsed from flags. */
export type BudgetOverrides = Partial<Record<'epochs' | 'batch' | 'probeEpochs' | 'finetuneEpochs' | 'limit' | 'testLimit', number>>;

/** `base` with the given fields replaced. */
export function withOverrides(base: Budget, o: BudgetOverrides): Budget {
  return {
    epochs: o.epochs ?? base.epochs,
    batch: o.batch ?? base.batch,
    probeEpochs: o.probeEpochs ?? base.probeEpochs,
    finetuneEpochs: o.finetuneEpochs ?? base.finetuneEpochs,
    limit: o.limit ?? base.limit,
    testLimit: o.testLimit ?? base.testLimit,
  };
}
