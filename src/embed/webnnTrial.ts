/**
 * Whether the image encoder should run on WebNN instead of WASM. Where the browser has WebNN, its CPU device runs
 * native kernels (TFLite/XNNPACK in Chromium) that can beat WebAssembly; but its operator coverage and numerics
 * vary by browser and model. So the encoder embeds the same synthetic batch on both and WebNN is kept only when it
 * gives the same embeddings and is faster (or was asked for by name and gives the same embeddings).
 */
import { cosine } from '../lib/vectors';

/** WebNN needs static shapes: its image sessions take batches of exactly this many images (short ones padded). */
export const WEBNN_BATCH = 8;
/** Below this cosine, two backends' embeddings of one image are not the same (neighbouring faces reach 0.99). */
export const SAME_EMBEDDING = 0.999;
/** WebNN must beat WASM by this factor to be chosen automatically; a closer result is within timing noise. */
export const WEBNN_MIN_SPEEDUP = 1.1;

export interface BackendTrial {
  ms: number;
  /** row-major embeddings, `dim` per image */
  vectors: Float32Array;
}

export interface WebnnVerdict {
  use: boolean;
  /** WASM's time over WebNN's on the same batch */
  speedup: number;
  /** the lowest cosine between the two backends' embeddings of one image */
  agreement: number;
  reason: string;
}

export function judgeWebnn(wasm: BackendTrial, webnn: BackendTrial, dim: number, requested: boolean): WebnnVerdict {
  const rows = Math.min(wasm.vectors.length, webnn.vectors.length) / dim;
  let agreement = rows > 0 && wasm.vectors.length === webnn.vectors.length ? 1 : 0;
  for (let r = 0; r < rows; r++) {
    agreement = Math.min(agreement, cosine(wasm.vectors.subarray(r * dim, (r + 1) * dim), webnn.vectors.subarray(r * dim, (r + 1) * dim)));
  }
  const speedup = wasm.ms / Math.max(webnn.ms, 1e-6);
  const speed = `${speedup.toFixed(2)}× WASM's speed`;
  if (!(agreement >= SAME_EMBEDDING)) {
    return { use: false, speedup, agreement, reason: `WebNN gave other embeddings than WASM (cosine ${agreement.toFixed(4)}); using WASM` };
  }
  if (requested || speedup >= WEBNN_MIN_SPEEDUP) {
    return { use: true, speedup, agreement, reason: `WebNN at ${speed}, same embeddings (cosine ≥ ${agreement.toFixed(4)})` };
  }
  return { use: false, speedup, agreement, reason: `WebNN ran at ${speed}; using WASM` };
}
