/**
 * CLIP's vision and text encoders as ONNX graphs, with random weights from a seed: the real architecture
 * (patch-embedding conv, class token, pre-LN transformer blocks with multi-head attention and quick-GELU MLPs,
 * post-LN, projection; a causal text transformer pooled at the end-of-text token) with the exact inputs and outputs
 * of the transformers.js exports of openai/clip-vit-base-patch32. Only plain ONNX operators that onnxruntime-web
 * runs on WASM and on WebGPU. The int8 variant quantizes every weight MatMul as onnxruntime's quantize_dynamic
 * does: uint8 weights with a scale and zero point, activations quantized at run time (DynamicQuantizeLinear +
 * MatMulInteger).
 */
import { GraphBuilder, type TensorData } from './onnx';

export interface ClipShape {
  vision: { patch: number; width: number; layers: number; heads: number; mlp: number; imageSize: number };
  text: { width: number; layers: number; heads: number; mlp: number; context: number; vocab: number };
  embedDim: number;
  /** store the token embedding table as uint8 + scale (keeps `tiny` small; the vocabulary stays 49,408) */
  quantizedTokenTable: boolean;
  /**
   * Standard deviation of the random weights. A one-block model with CLIP's 0.02 barely lets the class token see
   * the image; a larger spread makes the tiny model's outputs depend on the input as a trained model's do.
   */
  weightStd: number;
  /**
   * Which registry interface the files mirror (src/embed/backbones): 'clip' (default) or 'siglip', whose
   * transformers.js export (scripts/extra/siglip.py there) maps pixel_values and input_ids to `pooler_output` (and
   * last_hidden_state), 768-d, text padded to 64 tokens from a 32,000-piece SentencePiece vocabulary, with its own
   * preprocessor_config.json (224 × 224 bilinear, no crop, mean and std 0.5). The vision graph stays CLIP-like
   * (class-token pooling); the text graph, as SigLIP's, attends both ways and pools at the last position, so the
   * padding to 64 is part of what it reads.
   */
  family?: 'clip' | 'siglip';
}

export const PRESETS: Record<string, ClipShape> = {
  tiny: {
    vision: { patch: 32, width: 16, layers: 1, heads: 2, mlp: 32, imageSize: 224 },
    text: { width: 8, layers: 1, heads: 2, mlp: 16, context: 77, vocab: 49408 },
    embedDim: 512,
    quantizedTokenTable: true,
    weightStd: 0.3,
  },
  'siglip-tiny': {
    vision: { patch: 32, width: 16, layers: 1, heads: 2, mlp: 32, imageSize: 224 },
    text: { width: 8, layers: 1, heads: 2, mlp: 16, context: 64, vocab: 32000 },
    embedDim: 768,
    quantizedTokenTable: true,
    weightStd: 0.3,
    family: 'siglip',
  },
  'vit-b-32': {
    vision: { patch: 32, width: 768, layers: 12, heads: 12, mlp: 3072, imageSize: 224 },
    text: { width: 512, layers: 12, heads: 8, mlp: 2048, context: 77, vocab: 49408 },
    embedDim: 512,
    quantizedTokenTable: false,
    weightStd: 0.02,
  },
};

/** mulberry32 uniform + Box-Muller normal: deterministic and fast enough for 90M weights. */
export class Rng {
  private state: number;
  private spare: number | undefined;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.uniform(), 1e-12);
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  tensor(dims: number[], std: number): TensorData {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = this.normal() * std;
    return { type: 'float32', dims, data };
  }
}

const filled = (dims: number[], value: number): TensorData => ({
  type: 'float32',
  dims,
  data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value),
});

class ClipGraph {
  constructor(
    readonly g: GraphBuilder,
    readonly rng: Rng,
    readonly int8: boolean,
    readonly std: number,
  ) {}

  /** x · W + b for a constant W [inDim, outDim]; int8: quantize_dynamic's pattern. */
  linear(x: string, inDim: number, outDim: number, prefix: string, bias = true, output?: string): string {
    const weight = this.rng.tensor([inDim, outDim], this.std);
    let y: string;
    if (this.int8) {
      const w = weight.data as Float32Array;
      let min = 0;
      let max = 0;
      for (const v of w) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const scale = (max - min) / 255 || 1;
      const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
      const q = new Uint8Array(w.length);
      for (let i = 0; i < w.length; i++) q[i] = Math.min(255, Math.max(0, Math.round(w[i] / scale) + zeroPoint));
      const wq = this.g.constant(`${prefix}_weight_quantized`, { type: 'uint8', dims: [inDim, outDim], data: q });
      const wScale = this.g.floats(`${prefix}_weight_scale`, [scale], []);
      const wZero = this.g.constant(`${prefix}_weight_zero_point`, { type: 'uint8', dims: [], data: Uint8Array.of(zeroPoint) });
      const [xq, xScale, xZero] = this.g.op('DynamicQuantizeLinear', [x], {}, 3);
      const acc = this.g.op1('MatMulInteger', [xq, wq, xZero, wZero]);
      const accFloat = this.g.op1('Cast', [acc], { to: 1 });
      const scaleProduct = this.g.op1('Mul', [xScale, wScale]);
      y = this.g.op1('Mul', [accFloat, scaleProduct], {}, bias ? undefined : output);
    } else {
      y = this.g.op1('MatMul', [x, this.g.constant(`${prefix}_weight`, weight)], {}, bias ? undefined : output);
    }
    return bias ? this.g.op1('Add', [y, this.g.constant(`${prefix}_bias`, filled([outDim], 0))], {}, output) : y;
  }

  layerNorm(x: string, width: number, prefix: string): string {
    const gamma = this.g.constant(`${prefix}_gamma`, filled([width], 1));
    const beta = this.g.constant(`${prefix}_beta`, filled([width], 0));
    return this.g.op1('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: 1e-5 } });
  }

  /** x [B, T, width] → [B, heads, T, width/heads] */
  private splitHeads(x: string, heads: number, headDim: number, transposeForKeys = false): string {
    const shaped = this.g.op1('Reshape', [x, this.g.ints('heads_shape', [0, 0, heads, headDim])]);
    return this.g.op1('Transpose', [shaped], { perm: transposeForKeys ? [0, 2, 3, 1] : [0, 2, 1, 3] });
  }

  /** One pre-LN transformer block; `mask` is added to the attention scores (the text encoder's causal mask). */
  block(x: string, width: number, heads: number, mlp: number, prefix: string, mask?: string): string {
    const g = this.g;
    const headDim = width / heads;
    const h = this.layerNorm(x, width, `${prefix}_ln1`);
    const q = this.splitHeads(this.linear(h, width, width, `${prefix}_q`), heads, headDim);
    const k = this.splitHeads(this.linear(h, width, width, `${prefix}_k`), heads, headDim, true);
    const v = this.splitHeads(this.linear(h, width, width, `${prefix}_v`), heads, headDim);
    let scores = g.op1('Mul', [g.op1('MatMul', [q, k]), g.floats('attn_scale', [1 / Math.sqrt(headDim)], [])]);
    if (mask) scores = g.op1('Add', [scores, mask]);
    const attention = g.op1('Softmax', [scores], { axis: -1 });
    const context = g.op1('Transpose', [g.op1('MatMul', [attention, v])], { perm: [0, 2, 1, 3] });
    const merged = g.op1('Reshape', [context, g.ints('merge_shape', [0, 0, width])]);
    const afterAttention = g.op1('Add', [x, this.linear(merged, width, width, `${prefix}_out`)]);

    const h2 = this.layerNorm(afterAttention, width, `${prefix}_ln2`);
    const up = this.linear(h2, width, mlp, `${prefix}_fc1`);
    // quick-GELU, CLIP's activation: x · sigmoid(1.702 x)
    const gelu = g.op1('Mul', [up, g.op1('Sigmoid', [g.op1('Mul', [up, g.floats('gelu_k', [1.702], [])])])]);
    return g.op1('Add', [afterAttention, this.linear(gelu, mlp, width, `${prefix}_fc2`)]);
  }
}

export function buildVisionModel(shape: ClipShape, seed: number, int8: boolean): Uint8Array {
  const { patch, width, layers, heads, mlp, imageSize } = shape.vision;
  const g = new GraphBuilder();
  const c = new ClipGraph(g, new Rng(seed), int8, shape.weightStd);
  const grid = imageSize / patch;
  const pixels = g.input('pixel_values', 'float32', ['batch_size', 3, imageSize, imageSize]);

  const conv = g.op1('Conv', [pixels, g.constant('patch_embedding', c.rng.tensor([width, 3, patch, patch], c.std))], {
    kernel_shape: [patch, patch],
    strides: [patch, patch],
  });
  const patches = g.op1('Transpose', [g.op1('Reshape', [conv, g.ints('patch_shape', [0, width, grid * grid])])], { perm: [0, 2, 1] });
  // The class token, repeated for each image of the batch.
  const batch = g.op1('Slice', [g.op1('Shape', [pixels]), g.ints('zero', [0]), g.ints('one', [1])]);
  const clsShape = g.op1('Concat', [batch, g.ints('cls_tail', [1, width])], { axis: 0 });
  const cls = g.op1('Expand', [g.constant('class_embedding', c.rng.tensor([1, 1, width], c.std)), clsShape]);
  let x = g.op1('Concat', [cls, patches], { axis: 1 });
  x = g.op1('Add', [x, g.constant('position_embedding', c.rng.tensor([1, grid * grid + 1, width], c.std))]);
  x = c.layerNorm(x, width, 'pre_layrnorm');
  for (let l = 0; l < layers; l++) x = c.block(x, width, heads, mlp, `vision_layer${l}`);
  const pooled = c.layerNorm(g.op1('Gather', [x, g.constant('cls_index', { type: 'int64', dims: [], data: BigInt64Array.of(0n) })], { axis: 1 }), width, 'post_layernorm');
  const output = shape.family === 'siglip' ? 'pooler_output' : 'image_embeds';
  c.linear(pooled, width, shape.embedDim, 'visual_projection', false, output);
  g.output(output, 'float32', ['batch_size', shape.embedDim]);
  return g.encode('clip_vision', { facet_test_model: 'random weights; for tests and benchmarks only', seed: String(seed) });
}

export function buildTextModel(shape: ClipShape, seed: number, int8: boolean): Uint8Array {
  const { width, layers, heads, mlp, context, vocab } = shape.text;
  const g = new GraphBuilder();
  const c = new ClipGraph(g, new Rng(seed + 1), int8, shape.weightStd);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const sequence = g.op1('Slice', [g.op1('Shape', [ids]), g.ints('one', [1]), g.ints('two', [2])]);

  let tokens: string;
  const table = c.rng.tensor([vocab, width], c.std);
  if (shape.quantizedTokenTable) {
    // uint8 table + scale: a 49,408-token vocabulary in a few hundred KB.
    const scale = (8 * c.std) / 255;
    const q = Uint8Array.from(table.data as Float32Array, (v) => Math.min(255, Math.max(0, Math.round(v / scale) + 128)));
    const gathered = g.op1('Gather', [g.constant('token_embedding_quantized', { type: 'uint8', dims: [vocab, width], data: q }), ids]);
    const centred = g.op1('Sub', [g.op1('Cast', [gathered], { to: 1 }), g.floats('token_zero_point', [128], [])]);
    tokens = g.op1('Mul', [centred, g.floats('token_scale', [scale], [])]);
  } else {
    tokens = g.op1('Gather', [g.constant('token_embedding', table), ids]);
  }
  const positions = g.op1('Slice', [g.constant('position_embedding', c.rng.tensor([context, width], c.std / 2)), g.ints('zero', [0]), sequence, g.ints('axis0', [0])]);
  let x = g.op1('Add', [tokens, positions]);

  // Causal mask: a token attends to itself and the tokens before it.
  const maskValues = new Float32Array(context * context);
  for (let i = 0; i < context; i++) for (let j = i + 1; j < context; j++) maskValues[i * context + j] = -1e9;
  const square = g.op1('Concat', [sequence, sequence], { axis: 0 });
  const mask = g.op1('Slice', [g.constant('causal_mask', { type: 'float32', dims: [context, context], data: maskValues }), g.ints('zeros', [0, 0]), square, g.ints('axes01', [0, 1])]);
  const siglip = shape.family === 'siglip';
  for (let l = 0; l < layers; l++) x = c.block(x, width, heads, mlp, `text_layer${l}`, siglip ? undefined : mask);
  x = c.layerNorm(x, width, 'final_layer_norm');
  if (siglip) {
    // SigLIP's text head reads the last position (the sequence is always padded to 64).
    const last = g.op1('Gather', [x, g.constant('last_index', { type: 'int64', dims: [], data: BigInt64Array.of(-1n) })], { axis: 1 });
    c.linear(last, width, shape.embedDim, 'text_head', false, 'pooler_output');
    g.output('pooler_output', 'float32', ['batch_size', shape.embedDim]);
    return g.encode('siglip_text', { facet_test_model: 'random weights; for tests and benchmarks only', seed: String(seed) });
  }

  // Pool at argmax(input_ids), the first end-of-text token, as a one-hot row times x (plain float ops run everywhere).
  const eot = g.op1('Cast', [g.op1('ArgMax', [g.op1('Cast', [ids], { to: 1 })], { axis: 1, keepdims: 1 })], { to: 1 });
  const arange = g.op1('Slice', [g.floats('arange', Array.from({ length: context }, (_, i) => i)), g.ints('zero', [0]), sequence, g.ints('axis0', [0])]);
  const distance = g.op1('Abs', [g.op1('Sub', [arange, eot])]);
  const oneHot = g.op1('Relu', [g.op1('Sub', [g.floats('one_f', [1], []), distance])]);
  const pooled3d = g.op1('MatMul', [g.op1('Unsqueeze', [oneHot, g.ints('axis1', [1])]), x]);
  const pooled = g.op1('Reshape', [pooled3d, g.ints('pooled_shape', [0, width])]);
  c.linear(pooled, width, shape.embedDim, 'text_projection', false, 'text_embeds');
  g.output('text_embeds', 'float32', ['batch_size', shape.embedDim]);
  return g.encode('clip_text', { facet_test_model: 'random weights; for tests and benchmarks only', seed: String(seed) });
}
