/**
 * Where CLIP model files come from. Every source uses the file layout of the transformers.js exports on the
 * Hugging Face Hub (onnx/vision_model{,_fp16,_quantized}.onnx ...), so the hub, a self-hosted mirror and the
 * generated test models (served at /models/<preset>/) all load through the same code.
 */
import type { BackendKind } from '../lib/compute';
export type Precision = 'fp32' | 'fp16' | 'quantized';
export type EncoderKind = 'vision' | 'text';

export const HUB_URL = 'https://huggingface.co';

export interface HubCheckpoint {
  repo: string;
  label: string;
  /** embedding width; nothing else in the app may assume 512 */
  dim: number;
  /** approximate download size of the vision + text encoders, fp32 */
  approxBytesFp32: number;
}

export const CHECKPOINTS: readonly HubCheckpoint[] = [
  { repo: 'Xenova/clip-vit-base-patch32', label: 'CLIP ViT-B/32 (the paper’s model)', dim: 512, approxBytesFp32: 605e6 },
  { repo: 'Xenova/clip-vit-base-patch16', label: 'CLIP ViT-B/16', dim: 512, approxBytesFp32: 599e6 },
  { repo: 'Xenova/clip-vit-large-patch14', label: 'CLIP ViT-L/14', dim: 768, approxBytesFp32: 1710e6 },
];
export const DEFAULT_CHECKPOINT = CHECKPOINTS[0];

export interface ModelSource {
  /** stable identity used in cache keys: the hub repo, the mirror's base URL, or the local files' names and sizes */
  id: string;
  /** base URL that ends with '/', under which onnx/... and tokenizer.json live (unused for local files) */
  baseUrl: string;
  /** files picked from disk: nothing is downloaded */
  files?: LocalModelFiles;
}

export interface LocalModelFiles {
  vision: File;
  text: File;
  tokenizer: File;
}

/** Model files picked from disk (works offline); the identity names each file and its size. */
export function localSource(files: Partial<LocalModelFiles>): ModelSource {
  const missing = (['vision', 'text', 'tokenizer'] as const).filter((k) => !files[k]);
  if (missing.length) throw new Error(`Pick the ${missing.map((k) => (k === 'tokenizer' ? 'tokenizer.json' : `${k} model (.onnx)`)).join(', ')} file${missing.length > 1 ? 's' : ''}`);
  const { vision, text, tokenizer } = files as LocalModelFiles;
  return { id: localModelId([vision, text, tokenizer]), baseUrl: 'local:', files: { vision, text, tokenizer } };
}

/** The identity of model files on disk (vision, text, tokenizer): the same in the browser and the command line. */
export function localModelId(files: readonly { name: string; size: number }[]): string {
  return `local:${files.map((f) => `${f.name}(${f.size})`).join('+')}`;
}

export function hubSource(repo: string, hubUrl = HUB_URL): ModelSource {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`"${repo}" is not a Hugging Face repo name (owner/name)`);
  return { id: repo, baseUrl: `${hubUrl.replace(/\/+$/, '')}/${repo}/resolve/main/` };
}

/** A self-hosted mirror: a URL (absolute, or relative to the page) of a folder laid out like the hub repo. */
export function mirrorSource(url: string, pageUrl: string): ModelSource {
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), pageUrl);
  } catch {
    throw new Error(`"${url}" is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Model mirror must be an http(s) URL, not ${parsed.protocol}`);
  }
  const baseUrl = parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
  return { id: baseUrl, baseUrl };
}

export function modelFilePath(kind: EncoderKind, precision: Precision): string {
  const suffix = precision === 'fp32' ? '' : `_${precision}`;
  return `onnx/${kind}_model${suffix}.onnx`;
}

export function modelFileUrl(source: ModelSource, kind: EncoderKind, precision: Precision): string {
  return new URL(modelFilePath(kind, precision), source.baseUrl).href;
}

/** The hub's own defaults: int8 weights run fastest on WASM; WebGPU has no int8 matmul, so fp16 where supported. */
export function defaultPrecision(backend: BackendKind, shaderF16: boolean): Precision {
  // WebNN is tried against WASM on the same file, so both CPU backends start from the file that is fastest on WASM.
  if (backend !== 'webgpu') return 'quantized';
  return shaderF16 ? 'fp16' : 'fp32';
}
