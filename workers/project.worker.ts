/** Projection worker: exposes the project API (src/explore/projectApi.ts) through the RPC layer. */
import { projectApi } from '../src/explore/projectApi';
import { exposeApi } from '../src/lib/rpc';

exposeApi(projectApi);
