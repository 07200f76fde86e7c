/** Linear-probe state of the Train section: the registry's linear probe in a classifier store. */
import { formatC, linearProbeClassifier, type ProbeJobProgress } from './classifiers/linearProbe';
import { classifierSessionPart, createClassifierStore } from './classifierStore';
import type { LinearProbeSettings } from './linearProbe';
import type { ProbeResult, ProbeRunRecord } from './types';

export const probeSummary = (run: ProbeRunRecord) => {
  const r = run.result;
  const chosen = r.sweep.find((p) => p.c === r.chosenC);
  return (
    `Fitted ${r.sweep.length} values of C on ${r.fitRows.toLocaleString('en-US')} images (${r.features}) in ${r.seconds.toFixed(1)} s (${r.iterations.toLocaleString('en-US')} L-BFGS iterations): ` +
    `chosen C ${formatC(r.chosenC)} (validation accuracy ${chosen ? (100 * chosen.valAccuracy).toFixed(2) : '—'}% on ${r.valRows.toLocaleString('en-US')} images), test accuracy ${(100 * r.test.accuracy).toFixed(2)}%.`
  );
};

export const useProbeStore = createClassifierStore<LinearProbeSettings, ProbeResult>(linearProbeClassifier, {
  features: 'clip',
  idle: 'No linear probe fitted yet. The CLIP paper evaluates its features this way: logistic regression, C chosen on a validation split.',
  instead: 'fit the probe on raw pixels',
  summary: probeSummary,
  cancelled: 'The linear probe was cancelled; nothing of it was saved.',
  onProgress(job) {
    let tracker: ReturnType<typeof job.tracker> | undefined;
    return (update) => {
      const p = update as unknown as ProbeJobProgress;
      tracker ??= job.tracker('Fit', p.total, 'fits');
      const progress = tracker.update(p.done);
      const what = p.stage === 'refit' ? 'Refitting the chosen C on train + validation' : `Fit ${Math.min(p.done + 1, p.total)} of at most ${p.total}`;
      job.working(`${what}${p.c === undefined ? '' : ` · C ${formatC(p.c)}`}${p.iteration === undefined ? '' : ` · iteration ${p.iteration}`}`, { progress: { ...progress, total: p.total }, percent: (100 * p.done) / p.total });
    };
  },
});

/** What the session record keeps of the linear probe: its settings and each saved probe's figures. */
export const probeSessionPart = () => classifierSessionPart(useProbeStore, (r) => ({ chosenC: r.chosenC, sweep: r.sweep }));
