/**
 * t-SNE helper worker, started by the projection worker: attracts and moves half of the points every step, on
 * shared memory (src/explore/tsneHelper.ts). Blocks between steps on Atomics.wait until told to stop.
 */
import { serveAttraction, type HelperStart } from '../src/explore/tsneHelper';

self.onmessage = (event: MessageEvent<HelperStart>) => {
  self.postMessage('ready');
  serveAttraction(event.data.channel, event.data.state);
  self.close();
};
