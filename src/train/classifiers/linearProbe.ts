/**
 * The CLIP paper's linear probe (src/train/linearProbe.ts): multinomial logistic regression with L2, C chosen on a
 * validation split from a log-spaced sweep, fitted with L-BFGS. Stored as one ArrayBuffer.
 */
import { EMOTION_COUNT } from '../../lib/emotions';
import { DEFAULT_LINEAR_PROBE, deserializeProbe, fitLinearProbe, predictProbe, serializeProbe, type LinearProbeModel, type LinearProbeSettings, type ProbeProgress } from '../linearProbe';
import type { ProbeDetails, ProbeResult } from '../types';
import type { Classifier } from './types';

export type ProbeJobProgress = { type: 'fit' } & ProbeProgress;

/** 1e-3, 0.0316, 10: a C as people write it. */
export const formatC = (c: number) => (c >= 0.01 && c < 1000 ? String(Number(c.toPrecision(3))) : c.toExponential(2).replace(/\.?0+e/, 'e'));

export const describeProbe = (s: LinearProbeSettings) =>
  `linear probe (logistic regression, L-BFGS), C ${s.cGrid === 'auto' ? 'searched over 1e-6…1e6' : `from ${s.cGrid.map(formatC).join(', ')}`} on ${Math.round(100 * s.validationShare)}% validation` +
  `${s.classWeighting ? ', balanced class weights' : ''}${s.refitOnAllRows ? ', refit on train + validation' : ''}, seed ${s.seed}`;

export const linearProbeClassifier: Classifier<LinearProbeSettings, LinearProbeModel, ProbeDetails, ProbeJobProgress, ProbeResult> = {
  kind: 'linear-probe',
  label: 'linear probe',
  blurb: 'The CLIP paper’s own evaluation: multinomial logistic regression with L2, its C chosen on a validation split, fitted with L-BFGS.',
  paperTest: {},
  defaults: DEFAULT_LINEAR_PROBE,
  storage: { record: 'probe-run', model: 'probe' },
  describe: describeProbe,
  describeResult: (r) => `${describeProbe(r.settings)}; chosen C ${formatC(r.chosenC)} of ${r.sweep.length} fitted; ${r.features}`,

  async train(data, settings, ctx) {
    const result = await fitLinearProbe(data.x, data.dim, data.labels, data.train, EMOTION_COUNT, settings, {
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ type: 'fit', ...p }),
    });
    return {
      model: result.model,
      details: { sweep: result.sweep, chosenC: result.chosenC, iterations: result.iterations, fitRows: result.trainRows, valRows: result.valRows },
    };
  },

  predict: (model, x, dim, rows) => predictProbe(model, x, dim, rows),
  serialize: async (model) => serializeProbe(model),
  deserialize: async (stored) => deserializeProbe(stored as ArrayBuffer),
  reportDetails: (r) => ({
    lines: [
      `Chosen C ${formatC(r.chosenC)} of ${r.sweep.length} fitted (validation on ${r.valRows.toLocaleString('en-US')} images, the kept fit on ${r.fitRows.toLocaleString('en-US')}); ` +
        `${r.iterations.toLocaleString('en-US')} L-BFGS iterations, ${r.seconds.toFixed(1)} s.`,
    ],
    tables: [
      {
        caption: 'Validation accuracy per C',
        columns: ['C', 'Validation accuracy', 'Validation loss', 'Iterations'],
        rows: r.sweep.map((p) => [
          `${formatC(p.c)}${p.c === r.chosenC ? ' (chosen)' : ''}`,
          Number.isFinite(p.valAccuracy) ? `${(100 * p.valAccuracy).toFixed(2)}%` : '—',
          Number.isFinite(p.valLoss) ? p.valLoss.toFixed(4) : '—',
          String(p.iterations),
        ]),
      },
    ],
  }),
  storedBytes: (stored) => (stored as ArrayBuffer | undefined)?.byteLength ?? 0,
};
