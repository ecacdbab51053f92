/**
 * Training progress for a terminal or a log: on a TTY one bar rewritten in place, otherwise a
 * plain line every `every` updates (and always the last one).
 */
export interface Progress {
  update(done: number, total: number, text: string): void;
  /** A line that stays (epoch summaries); ends the bar's line first on a TTY. */
  line(text: string): void;
}

export function progress(write: (text: string) => void, tty: boolean, every = 50): Progress {
  let open = false;
  return {
    update(done, total, text) {
      if (tty) {
        const width = 24;
        const filled = Math.round((width * done) / Math.max(1, total));
        write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${text}\x1b[K`);
        open = true;
      } else if (done % every === 0 || done === total) {
        write(`${done}/${total} ${text}\n`);
      }
    },
    line(text) {
      if (open) write('\n');
      open = false;
      write(`${text}\n`);
    },
  };
}
