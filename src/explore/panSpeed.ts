/** Frames per second while panning a map of n points, drawn as the section draws it (for the benchmark). */
import { drawMap, type DrawModel } from './draw';
import { seededRandom } from '../lib/random';

export function panFramesPerSecond(n: number, ms: number): Promise<{ fps: number; drawn: number; msPerFrame: number }> {
  const random = seededRandom(3);
  const model: DrawModel = {
    positions: Float32Array.from({ length: 2 * n }, () => random() * 100 - 50),
    colour: Int8Array.from({ length: n }, (_, i) => i % 7),
    modality: new Uint8Array(n),
    names: [],
    lines: [],
    hidden: new Set(),
    probes: [],
  };
  const canvas = Object.assign(document.createElement('canvas'), { width: 760, height: 520 });
  document.body.append(canvas);
  const context = canvas.getContext('2d')!;
  return new Promise((resolve) => {
    let frames = 0;
    let drawn = 0;
    let drawing = 0;
    const started = performance.now();
    const frame = (now: number) => {
      const t0 = performance.now();
      const dx = Math.sin(now / 300) * 40;
      const dy = Math.cos(now / 300) * 40;
      drawn = drawMap(context, model, { width: 760, height: 520, x: (v) => 380 + dx + v * 5, y: (v) => 260 + dy - v * 5 });
      drawing += performance.now() - t0;
      frames++;
      if (now - started < ms) requestAnimationFrame(frame);
      else {
        canvas.remove();
        resolve({ fps: (1000 * frames) / (now - started), drawn, msPerFrame: drawing / frames });
      }
    };
    requestAnimationFrame(frame);
  });
}
