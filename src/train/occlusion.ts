/**
 * Occlusion maps: which part of a 48×48 face a prediction rests on. A patch of uniform grey slides over the face;
 * each occluded copy is classified again, and the fall of the predicted class's probability at each position is the
 * map. Pure logic on typed arrays: the batch of occluded faces, the drops, and the per-pixel heatmap.
 */
import { FACE_SIDE } from '../dataset/faceSet';

export type OcclusionFill = 'mean' | 'mid';

export interface OcclusionSettings {
  /** side of the square patch, in face pixels */
  patch: number;
  /** step between patch positions, in face pixels */
  stride: number;
  /**
   * 'mean' (the default): the face's own mean grey, so hiding a region removes its information without adding a
   * bright or dark square whose new edges the encoder would see as evidence of its own; 'mid': grey 128.
   */
  fill: OcclusionFill;
}

/** A 7×7 grid of 12-px patches on 48×48 (stride 6), as the issue asks. */
export const DEFAULT_OCCLUSION: OcclusionSettings = { patch: 12, stride: 6, fill: 'mean' };

/** Patch positions along one side: from 0 by `stride`, plus one flush with the far edge so every pixel is covered. */
export function patchStarts(side: number, patch: number, stride: number): number[] {
  if (!Number.isInteger(patch) || patch < 1) throw new Error(`The patch side must be a whole number of pixels ≥ 1, not ${patch}`);
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`The stride must be a whole number of pixels ≥ 1, not ${stride}`);
  const size = Math.min(patch, side);
  const starts: number[] = [];
  for (let s = 0; s + size <= side; s += stride) starts.push(s);
  if (starts.at(-1)! + size < side) starts.push(side - size);
  return starts;
}

export interface OcclusionGrid {
  side: number;
  /** the patch side actually used (at most the face's side) */
  patch: number;
  /** top-left x (and y) of each column (row) of patches */
  starts: number[];
  /** patches per row and per column */
  cells: number;
}

export function occlusionGrid(settings: Pick<OcclusionSettings, 'patch' | 'stride'>, side = FACE_SIDE): OcclusionGrid {
  const starts = patchStarts(side, settings.patch, settings.stride);
  return { side, patch: Math.min(settings.patch, side), starts, cells: starts.length };
}

export function fillValue(face: Uint8Array, fill: OcclusionFill): number {
  if (fill === 'mid') return 128;
  let sum = 0;
  for (let i = 0; i < face.length; i++) sum += face[i];
  return Math.round(sum / face.length);
}

/**
 * The occluded copies of one face, row-major over the grid (cell k = row ⌊k / cells⌋, column k mod cells), each
 * side×side, back to back in one array.
 */
export function occludedFaces(face: Uint8Array, grid: OcclusionGrid, fill: number): Uint8Array {
  const { side, patch, starts, cells } = grid;
  const area = side * side;
  if (face.length !== area) throw new Error(`A face of ${side}×${side} has ${area} pixels, not ${face.length}`);
  const out = new Uint8Array(cells * cells * area);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      const offset = (r * cells + c) * area;
      out.set(face, offset);
      for (let y = starts[r]; y < starts[r] + patch; y++) out.fill(fill, offset + y * side + starts[c], offset + y * side + starts[c] + patch);
    }
  }
  return out;
}

/** How much the target class's probability fell when each cell was hidden (positive: the region supported it). */
export function probabilityDrops(base: number, occluded: Float32Array, classCount: number, target: number): Float32Array {
  const n = occluded.length / classCount;
  return Float32Array.from({ length: n }, (_, k) => base - occluded[k * classCount + target]);
}

/**
 * The per-pixel map: each pixel gets the mean drop of the patches that cover it, so overlapping patches (stride
 * below the patch side) do not weigh the middle of the face more than its edges.
 */
export function pixelHeatmap(drops: Float32Array, grid: OcclusionGrid): Float32Array {
  const { side, patch, starts, cells } = grid;
  if (drops.length !== cells * cells) throw new Error(`A ${cells}×${cells} grid has ${cells * cells} drops, not ${drops.length}`);
  const sum = new Float64Array(side * side);
  const coverage = new Uint16Array(side * side);
  for (let r = 0; r < cells; r++) {
    for (let c = 0; c < cells; c++) {
      const drop = drops[r * cells + c];
      for (let y = starts[r]; y < starts[r] + patch; y++) {
        for (let x = starts[c]; x < starts[c] + patch; x++) {
          sum[y * side + x] += drop;
          coverage[y * side + x]++;
        }
      }
    }
  }
  return Float32Array.from(sum, (s, i) => (coverage[i] ? s / coverage[i] : 0));
}

/** The element-wise mean of equally long maps (a per-emotion average over faces). */
export function meanMaps(maps: Float32Array[]): Float32Array {
  if (maps.length === 0) throw new Error('No maps to average');
  const out = new Float32Array(maps[0].length);
  for (const map of maps) for (let i = 0; i < out.length; i++) out[i] += map[i];
  for (let i = 0; i < out.length; i++) out[i] /= maps.length;
  return out;
}

/** The cell with the largest drop: where the prediction rests most. */
export function largestDrop(drops: Float32Array, grid: OcclusionGrid): { row: number; column: number; drop: number } {
  let best = 0;
  for (let k = 1; k < drops.length; k++) if (drops[k] > drops[best]) best = k;
  return { row: Math.floor(best / grid.cells), column: best % grid.cells, drop: drops[best] };
}

/** One face's occlusion map. */
export interface OcclusionMap {
  settings: OcclusionSettings;
  grid: OcclusionGrid;
  /** the class whose probability is followed */
  target: number;
  /** its probability on the intact face */
  base: number;
  /** per grid cell, row-major */
  drops: Float32Array;
  /** side×side, mean drop of the patches covering each pixel */
  heatmap: Float32Array;
}
