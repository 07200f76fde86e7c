/**
 * The contract an ONNX encoder file must meet: the tensor names its backbone declares (src/embed/backbones; the
 * transformers.js exports' interface), float images [batch, 3, size, size] or int64 token ids in, [batch, dim] out.
 * Checked on every loaded session so a wrong or foreign file is refused with the reason instead of failing later
 * with a shape error.
 */
import { DEFAULT_BACKBONE, type Backbone } from './backbones';
import type { EncoderKind } from './modelSource';

export interface TensorSpec {
  name: string;
  type: string;
  /** numbers are fixed sizes, strings are symbolic (dynamic) dimensions */
  shape: readonly (number | string)[];
}

export interface EncoderInterface {
  kind: EncoderKind;
  inputName: string;
  outputName: string;
  /** embedding width read from the output shape */
  dim: number;
  /** image side for vision encoders */
  imageSize?: number;
}

// Some fp16 exports keep float16 at their inputs and outputs; the runner converts at the boundary.
const FLOAT_TYPES = ['float32', 'float16'];
const fmt = (t: TensorSpec) => `${t.name} ${t.type} [${t.shape.join(', ')}]`;
const isDynamic = (d: number | string) => typeof d === 'string' || d < 0;

export function checkEncoderInterface(
  kind: EncoderKind,
  inputs: readonly TensorSpec[],
  outputs: readonly TensorSpec[],
  backbone: Backbone = DEFAULT_BACKBONE,
): EncoderInterface {
  const names = kind === 'vision' ? backbone.vision : backbone.text;
  if (!names) throw new Error(`${backbone.label} has no text encoder`);
  const size = backbone.preprocessing.size;
  const expected =
    kind === 'vision'
      ? { input: names.inputName, inputTypes: FLOAT_TYPES, output: names.outputName, rank: 4 }
      : { input: names.inputName, inputTypes: ['int64'], output: names.outputName, rank: 2 };
  const family = backbone.family === 'clip' ? 'CLIP' : backbone.family === 'siglip' ? 'SigLIP' : backbone.label;
  const what = `${family} ${kind} encoder`;
  const expectedText =
    kind === 'vision'
      ? `input ${names.inputName} float32 [batch, 3, ${size}, ${size}] and output ${names.outputName} float32 [batch, dim]`
      : `input ${names.inputName} int64 [batch, sequence] and output ${names.outputName} float32 [batch, dim]`;
  const fail = (problem: string) =>
    new Error(
      `Not a ${what}: ${problem}. Expected ${expectedText}; the file has inputs ` +
        `${inputs.map(fmt).join(', ') || 'none'} and outputs ${outputs.map(fmt).join(', ') || 'none'}.`,
    );

  const input = inputs.find((t) => t.name === expected.input);
  if (!input) throw fail(`no input named ${expected.input}`);
  const extra = inputs.filter((t) => t !== input);
  if (extra.length) throw fail(`unexpected extra input ${extra.map((t) => t.name).join(', ')}`);
  if (!expected.inputTypes.includes(input.type)) {
    throw fail(`${input.name} is ${input.type}, not ${expected.inputTypes.join(' or ')}`);
  }
  if (input.shape.length !== expected.rank) throw fail(`${input.name} has rank ${input.shape.length}`);

  const output = outputs.find((t) => t.name === expected.output);
  if (!output) throw fail(`no output named ${expected.output}`);
  if (!FLOAT_TYPES.includes(output.type)) throw fail(`${output.name} is ${output.type}, not float32`);
  if (output.shape.length !== 2 || isDynamic(output.shape[1])) throw fail(`${output.name} is not [batch, dim]`);
  const dim = output.shape[1] as number;

  if (kind === 'vision') {
    const [, channels, height, width] = input.shape;
    if (channels !== 3) throw fail(`${input.name} does not take 3 colour channels`);
    if (isDynamic(height) || height !== width) throw fail(`${input.name} is not a fixed square image`);
    return { kind, inputName: input.name, outputName: output.name, dim, imageSize: height as number };
  }
  return { kind, inputName: input.name, outputName: output.name, dim };
}
