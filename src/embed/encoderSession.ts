/**
 * What every CLIP encoder session needs, whichever onnxruntime runs it: onnxruntime-web in the embed worker, or
 * onnxruntime-node in the command line (src/cli). Both packages share onnxruntime-common's session and tensor
 * types, so the browser and the CLI read an encoder's interface and convert its tensors the same way, and make the
 * same numbers.
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';
import { checkEncoderInterface, type EncoderInterface, type TensorSpec } from './modelInterface';
import type { Backbone } from './backbones';
import type { EncoderKind } from './modelSource';

type Metadata = readonly InferenceSession.ValueMetadata[];

function specs(metadata: Metadata): TensorSpec[] {
  return metadata.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] }));
}

/** The session's CLIP interface (refusing a file that is not a CLIP encoder of this kind) and its input's type. */
export function encoderInterface(
  kind: EncoderKind,
  session: { inputMetadata: Metadata; outputMetadata: Metadata },
  backbone?: Backbone,
): { iface: EncoderInterface; inputType: string } {
  const iface = checkEncoderInterface(kind, specs(session.inputMetadata), specs(session.outputMetadata), backbone);
  const input = session.inputMetadata.find((m) => m.name === iface.inputName);
  return { iface, inputType: input?.isTensor ? input.type : 'float32' };
}

/** onnxruntime-web's or onnxruntime-node's Tensor class (the same class shape from onnxruntime-common). */
export type TensorClass = new (type: 'float32' | 'float16' | 'int64', data: Float32Array | Uint16Array | BigInt64Array, dims: readonly number[]) => Tensor;

/** Runs one batch; float16 models get float16 in and their output widened back to float32. */
export async function runClipSession(
  session: Pick<InferenceSession, 'run'>,
  iface: EncoderInterface,
  inputType: string,
  TensorCtor: TensorClass,
  data: Float32Array | BigInt64Array,
  dims: number[],
): Promise<Float32Array> {
  let input: Tensor;
  if (data instanceof BigInt64Array) input = new TensorCtor('int64', data, dims);
  else if (inputType === 'float16') input = new TensorCtor('float16', new Uint16Array(Float16Array.from(data).buffer), dims);
  else input = new TensorCtor('float32', data, dims);
  const outputs = await session.run({ [iface.inputName]: input });
  const out = outputs[iface.outputName];
  const values =
    out.data instanceof Float32Array
      ? out.data
      : out.type === 'float16'
        ? Float32Array.from(new Float16Array((out.data as Uint16Array).buffer, (out.data as Uint16Array).byteOffset, out.size))
        : Float32Array.from(out.data as ArrayLike<number>);
  input.dispose();
  (out as TypedTensor<'float32'>).dispose();
  return values;
}
