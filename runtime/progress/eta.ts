/** Seconds left from a smoothed step rate: an exponential moving average of step times. */
export class EtaEstimator {
  private mean: number | undefined;
  constructor(private readonly smoothing = 0.1) {}

  /** Records one step's duration in seconds. */
  add(seconds: number): void {
    this.mean = this.mean === undefined ? seconds : this.mean + this.smoothing * (seconds - this.mean);
  }

  secondsLeft(stepsLeft: number): number {
    return this.mean === undefined ? Number.NaN : this.mean * stepsLeft;
  }
}
