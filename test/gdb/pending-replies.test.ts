// The bookkeeping both debugger transports share: replies matched to requests under deadlines,
// waits for one note, and everything failed at once when the debugger goes.
import { describe, expect, it } from 'vitest';
import { GdbTimeoutError } from '../../src/gdb/gdb-errors.js';
import { PendingReplies } from '../../src/gdb/pending-replies.js';
import { activeTimers } from '../helpers/active-timers.js';

describe('PendingReplies', () => {
  it('sends once registered, hands the reply to whoever takes it, and clears its deadline', async () => {
    const pending = new PendingReplies<number, string, string, string>();
    const timers = activeTimers();
    const sent: string[] = [];
    const reply = pending.request(1, '-data-evaluate-expression x', 'ctx-1', 10_000, () => sent.push(`busy=${pending.busy}`));
    void pending.request(2, '-gdb-set', 'ctx-2', 10_000, () => undefined).catch(() => undefined);
    expect(sent).toEqual(['busy=true']);
    expect(pending.oldestContext()).toBe('ctx-1');
    const taken = pending.take(1);
    expect(taken?.command).toBe('-data-evaluate-expression x');
    taken?.resolve('42');
    await expect(reply).resolves.toBe('42');
    expect(pending.take(1)).toBeUndefined();
    expect(pending.oldestContext()).toBe('ctx-2');
    pending.take(2)?.resolve('');
    expect(pending.busy).toBe(false);
    expect(activeTimers()).toBeLessThanOrEqual(timers);
  });

  it('fails a request past its deadline with a timeout naming the command, and forgets it', async () => {
    const pending = new PendingReplies<number, string, string>();
    const reply = pending.request(7, '-target-attach 42', undefined, 20, () => undefined);
    await expect(reply).rejects.toBeInstanceOf(GdbTimeoutError);
    await expect(reply).rejects.toMatchObject({ message: 'gdb did not answer within 0.02 s (-target-attach)', context: { command: '-target-attach 42', timeoutMs: 20 } });
    expect(pending.busy).toBe(false);
    expect(pending.take(7)).toBeUndefined();
  });

  it('hands a note to the first wait it matches only; a cancelled wait gets none', async () => {
    const pending = new PendingReplies<number, string, string>();
    const cancelled = pending.waitFor((n) => n === 'stopped', 'wait for stop', 10_000);
    cancelled.cancel();
    const stop = pending.waitFor((n) => n === 'stopped', 'wait for stop', 10_000);
    expect(pending.deliver('running')).toBe(false);
    expect(pending.deliver('stopped')).toBe(true);
    await expect(stop.promise).resolves.toBe('stopped');
    expect(pending.deliver('stopped')).toBe(false);
    const late = pending.waitFor(() => true, 'wait for stopped', 20);
    await expect(late.promise).rejects.toMatchObject({ context: { command: 'wait for stopped', timeoutMs: 20 } });
  });

  it('fails every request with the error for its command and every wait with the error for none', async () => {
    const pending = new PendingReplies<number, string, string>();
    const reply = pending.request(1, '-target-attach 42', undefined, 10_000, () => undefined);
    const wait = pending.waitFor(() => true, 'wait for stop', 10_000);
    pending.failAll((command) => new Error(command === undefined ? 'gone' : `gone during ${command}`));
    await expect(reply).rejects.toThrow('gone during -target-attach 42');
    await expect(wait.promise).rejects.toThrow('gone');
    expect(pending.busy).toBe(false);
    expect(pending.deliver('stopped')).toBe(false);
  });
});
