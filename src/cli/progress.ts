// The spinner on stderr: a fragment counter for long walks; silent when stderr is not a terminal or
// when stdout carries JSON.
import ora, { type Ora } from 'ora';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

/** An ora spinner when interactive, otherwise a no-op. */
export function startProgress(enabled: boolean, text: string): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const spinner: Ora = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    stop: () => {
      spinner.stop();
    },
  };
}
