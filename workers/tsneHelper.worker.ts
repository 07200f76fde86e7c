/**
 * t-SNE helper worker, started by the projection worker: attracts and moves half of the points every step, and
 * convolves one of the FFT repulsion's grids, on shared memory (src/explore/tsneHelper.ts). Blocks between jobs
 * on Atomics.wait until told to stop.
 */
import { serveHelper, type GridMessage, type HelperStart } from '../src/explore/tsneHelper';

const grids: GridMessage[] = [];
let waiting: ((message: GridMessage) => void) | undefined;
const nextGrid = () => new Promise<GridMessage>((resolve) => (grids.length ? resolve(grids.shift()!) : (waiting = resolve)));

self.onmessage = (event: MessageEvent<HelperStart>) => {
  self.onmessage = (next: MessageEvent<GridMessage>) => {
    if (waiting) {
      waiting(next.data);
      waiting = undefined;
    } else grids.push(next.data);
  };
  self.postMessage('ready');
  void serveHelper(event.data.channel, event.data.state, nextGrid).then(() => self.close());
};
