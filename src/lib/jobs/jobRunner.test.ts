import { describe, expect, it } from 'vitest';
import type { SectionStatus } from '../sectionStatus';
import { CancelledError } from '../rpc';
import { JobRunner, type JobPatch, type JobSpec, type RunningJob } from './jobRunner';

/** A fake worker call: the test decides when it reports progress, resolves, fails or sees the cancel. */
function fakeCall<R>() {
  let resolve!: (value: R) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<R>((res, rej) => ((resolve = res), (reject = rej)));
  let onProgress: ((p: number) => void) | undefined;
  return {
    start(job: RunningJob, progress: (p: number) => void) {
      onProgress = progress;
      job.signal.addEventListener('abort', () => reject(new CancelledError()));
      return promise;
    },
    progress: (p: number) => onProgress?.(p),
    resolve,
    reject,
  };
}

/** Lets every settled promise run its continuations: deterministic, no timers. */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function harness(options: { pause?: (id: string, paused: boolean) => Promise<void> } = {}) {
  let time = 0;
  const state: { status?: SectionStatus; paused?: boolean } = {};
  const patches: JobPatch[] = [];
  let ids = 0;
  const runner = new JobRunner(
    (patch) => {
      patches.push(patch);
      Object.assign(state, patch);
    },
    { ...options, now: () => time, newId: () => `job-${++ids}` },
  );
  return { runner, state, patches, advance: (ms: number) => (time += ms) };
}

function spec(call: ReturnType<typeof fakeCall<string>>, extra: Partial<JobSpec<undefined, string>> = {}): JobSpec<undefined, string> {
  return {
    run: (_, job) => {
      const tracker = job.tracker('Tree', 10, 'trees');
      return call.start(job, job.guard((done: number) => job.working(`Tree ${done}`, { progress: tracker.update(done) })));
    },
    done: (result) => `Finished: ${result}`,
    cancelled: () => 'Cancelled; nothing saved.',
    ...extra,
  };
}

describe('JobRunner', () => {
  it('shows progress with rate and ETA, then the outcome, and drops progress that arrives after it', async () => {
    const h = harness();
    const call = fakeCall<string>();
    const outcome = h.runner.start(spec(call));
    await flush();
    expect(h.state.status).toEqual({ kind: 'working', message: 'Starting…' });
    call.progress(1);
    h.advance(2000);
    call.progress(5);
    expect(h.state.status).toMatchObject({ kind: 'working', message: 'Tree 5', progress: { done: 5, total: 10, rate: 2, etaSeconds: 2.5 } });
    call.resolve('8 trees');
    expect(await outcome).toBe('done');
    call.progress(9); // a late update on its own port
    expect(h.state.status).toEqual({ kind: 'done', message: 'Finished: 8 trees' });
  });

  it('a cancel ends the job with the cancelled message, and later progress is ignored', async () => {
    const h = harness();
    const call = fakeCall<string>();
    const outcome = h.runner.start(spec(call));
    await flush();
    h.runner.cancel();
    expect(await outcome).toBe('cancelled');
    call.progress(3);
    expect(h.state.status).toEqual({ kind: 'empty', message: 'Cancelled; nothing saved.' });
  });

  it('a crashed worker becomes an error with Try again, which runs the job again', async () => {
    const h = harness();
    const calls = [fakeCall<string>(), fakeCall<string>()];
    let attempt = 0;
    const outcome = h.runner.start(spec(calls[0], { run: (_, job) => calls[attempt++].start(job, () => undefined) }));
    await flush();
    calls[0].reject(new Error('The train worker crashed (out of memory?)'));
    expect(await outcome).toBe('error');
    const status = h.state.status as Extract<SectionStatus, { kind: 'error' }>;
    expect(status.message).toBe('The train worker crashed (out of memory?)');
    expect(status.retry?.label).toBe('Try again');
    status.retry!.action();
    await flush();
    expect(h.state.status).toEqual({ kind: 'working', message: 'Starting…' });
    calls[1].resolve('again');
    await flush();
    expect(h.state.status).toEqual({ kind: 'done', message: 'Finished: again' });
  });

  it('says what it waits for; a failed input is an error with Try again unless retrying cannot help', async () => {
    const h = harness();
    let release!: (ok: boolean) => void;
    const call = fakeCall<string>();
    const outcome = h.runner.start(
      spec(call, {
        prepare: (wait) => {
          wait('Waiting for CLIP to finish loading…');
          return new Promise((resolve) => (release = (ok) => resolve(ok ? { ok: true, value: undefined } : { ok: false, message: 'CLIP failed to load: network error' })));
        },
      }),
    );
    await flush();
    expect(h.state.status).toEqual({ kind: 'working', message: 'Waiting for CLIP to finish loading…' });
    release(false);
    expect(await outcome).toBe('error');
    expect(h.state.status).toMatchObject({ kind: 'error', message: 'CLIP failed to load: network error', retry: { label: 'Try again' } });

    await h.runner.start(spec(call, { prepare: async () => ({ ok: false, message: 'Sweep dropouts: "2" is not from 0 to below 1', retry: false }) }));
    expect(h.state.status).toEqual({ kind: 'error', message: 'Sweep dropouts: "2" is not from 0 to below 1' });
  });

  it('a cancel while waiting for the input ends the job without running it', async () => {
    const h = harness();
    let release!: () => void;
    let ran = false;
    const outcome = h.runner.start<undefined, string>({
      prepare: () => new Promise((resolve) => (release = () => resolve({ ok: true, value: undefined }))),
      run: async () => ((ran = true), 'x'),
      done: () => 'done',
      cancelled: () => 'Stopped while waiting.',
    });
    await flush();
    h.runner.cancel();
    release();
    expect(await outcome).toBe('cancelled');
    expect(ran).toBe(false);
    expect(h.state.status).toEqual({ kind: 'empty', message: 'Stopped while waiting.' });
  });

  it('pauses and resumes the job in flight by its id; a new job replaces the old one, whose updates are dropped', async () => {
    const sent: [string, boolean][] = [];
    const h = harness({ pause: async (id, paused) => void sent.push([id, paused]) });
    const first = fakeCall<string>();
    const firstOutcome = h.runner.start(spec(first));
    await flush();
    first.progress(1);
    await h.runner.togglePause();
    expect(h.state).toMatchObject({ paused: true, status: { kind: 'working', message: 'Tree 1 · paused' } });
    first.progress(2);
    expect(h.state.status).toMatchObject({ message: 'Tree 2 · paused' });
    await h.runner.togglePause();
    expect(sent).toEqual([
      ['job-1', true],
      ['job-1', false],
    ]);

    const second = fakeCall<string>();
    const secondOutcome = h.runner.start(spec(second));
    expect(await firstOutcome).toBe('superseded');
    first.progress(7);
    expect(h.state.status).toEqual({ kind: 'working', message: 'Starting…' });
    await h.runner.togglePause();
    expect(sent.at(-1)).toEqual(['job-2', true]);
    second.resolve('second');
    expect(await secondOutcome).toBe('done');
    expect(h.state.paused).toBe(false);
    expect(await h.runner.setPaused(true)).toBe(false); // nothing in flight to pause
  });
});
