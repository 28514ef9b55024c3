import { type Colors, formatCount, type OutputStream } from './output.js';

/** How far a long operation is: `done` of `total` (when known) units. */
export interface ProgressState {
  readonly done: number;
  readonly total?: number;
  /** How far, 0 to 1, when `total` is unknown but another measure is (bytes of a file read…). */
  readonly fraction?: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * Progress on stderr, never stdout (so `--json` stays clean): on a terminal one redrawn line with a bar,
 * rows/s and ETA; otherwise a plain line every `intervalMs`.
 */
export class ProgressReporter {
  readonly #started = performance.now();
  #lastDraw = 0;
  #drawn = false;
  #state: ProgressState = { done: 0 };

  constructor(
    private readonly stream: OutputStream,
    private readonly colors: Colors,
    private readonly label: string,
    private readonly options: { unit?: string; intervalMs?: number } = {},
  ) {}

  get #tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Records progress; redraws at most every 100 ms on a terminal, every `intervalMs` (1 s) otherwise. */
  update(state: ProgressState): void {
    this.#state = state;
    const now = performance.now();
    const every = this.#tty ? 100 : (this.options.intervalMs ?? 1000);
    if (now - this.#lastDraw < every) return;
    if (!this.#tty && now - this.#started < every) return;
    this.#lastDraw = now;
    this.#draw(now);
  }

  /** Clears the bar (on a terminal) so the summary starts on a clean line. */
  finish(): void {
    if (this.#tty && this.#drawn) this.stream.write('\r\u001b[K');
    this.#drawn = false;
  }

  #draw(now: number): void {
    const { done, total, fraction } = this.#state;
    const unit = this.options.unit ?? 'rows';
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const counted = total !== undefined && total > 0;
    const known = counted || (fraction !== undefined && fraction > 0);
    const ratio = counted ? Math.min(1, done / total) : Math.min(1, fraction ?? 0);
    const eta = known && rate > 0 && ratio > 0 ? duration((seconds * (1 - ratio)) / ratio) : undefined;
    const counts = counted ? `${formatCount(done)}/${formatCount(total)} ${unit}` : `${formatCount(done)} ${unit}`;
    const speed = `${formatCount(rate)} ${unit}/s`;
    if (this.#tty) {
      const width = 24;
      const filled = Math.round(ratio * width);
      const bar = known
        ? `${this.colors.green('█'.repeat(filled))}${this.colors.dim('░'.repeat(width - filled))} ${String(Math.floor(ratio * 100)).padStart(3)}% `
        : '';
      const line = `${this.label} ${bar}${counts} · ${speed}${eta ? ` · ETA ${eta}` : ''}`;
      this.stream.write(`\r\u001b[K${line}`);
      this.#drawn = true;
    } else {
      const percent = known ? ` (${Math.floor(ratio * 100)}%)` : '';
      this.stream.write(`${this.label}: ${counts}${percent}, ${speed}${eta ? `, ETA ${eta}` : ''}\n`);
    }
  }
}
