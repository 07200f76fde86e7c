/** Occlusion worker: CLIP preprocessing of occluded faces off the main thread. Logic lives in src/train/occlusionPreprocess.ts. */
import { exposeApi } from '../src/lib/rpc';
import { occlusionWorkerApi } from '../src/train/occlusionPreprocess';

exposeApi(occlusionWorkerApi);
