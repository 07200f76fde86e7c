/**
 * What classifies the occluded faces: the classifier the face was scored with. Runs on embeddings and zero-shot embed
 * every occluded copy with the loaded backbone (CLIP, SigLIP, a face-api network), through the embed worker's encoder
 * session (the same one the dataset and the Classify section use, prepared as the encoder declares); raw-pixel runs
 * score the pixels directly.
 */
import { representationKey, type Representation } from '../embed/embeddingCache';
import { awaitEncoders, chosenBackbone, currentRepresentation, encoderPreprocessing, loadedEmbedWorker, useEmbedStore } from '../embed/store';
import { familyName } from '../embed/backbones';
import { describeModel, runFeaturesName } from './featureNames';
import { throwIfCancelled } from '../lib/rpc';
import { occlusionWorker } from './occlusionPreprocess';
import { l2NormalizeRows } from '../lib/vectors';
import { composeClassifier, pixelFeatures, type FaceClassifier, type FaceEncoder, type FeatureScorer } from './occlusionJob';
import type { ForestRunRecord, RunIdentity, RunRecord } from './runs';
import { startTrainWorker, type TrainWorker } from './trainWorker';

export interface OcclusionSource {
  /** a run id, or 'zero-shot' */
  id: string;
  /** what classifies, in words (shown beside the map and stored with it) */
  label: string;
  features: 'clip' | 'raw-pixels';
  /** for embedding features: the model whose embeddings the scorer takes */
  rep?: Representation;
  score: FeatureScorer;
}

const notLoaded = () => `${familyName(chosenBackbone(useEmbedStore.getState()))} is not loaded: load it in the Embed section to make occlusion maps`;

/**
 * The loaded image encoder as a face encoder: each face prepared as the dataset's faces were for it, L2-normalized
 * embeddings, as the embedding cache stores them.
 */
export const loadedFaceEncoder: FaceEncoder = async (faces, count, signal) => {
  await awaitEncoders();
  const embed = useEmbedStore.getState();
  const vision = embed.loaded.vision;
  const worker = loadedEmbedWorker();
  const rep = currentRepresentation(embed);
  if (!vision || !worker || !rep) throw new Error(notLoaded());
  const pixelValues = await occlusionWorker().pixelValues({ faces, count, preprocessing: encoderPreprocessing(vision) }, { signal });
  throwIfCancelled(signal);
  const { embeddings } = await worker.encodeImages({ pixelValues, count });
  return { features: l2NormalizeRows(embeddings, rep.dim), dim: rep.dim };
};

/** Why `source` cannot classify now (the model it takes embeddings of is not the loaded one), or undefined. */
export function occlusionProblem(source: Pick<OcclusionSource, 'features' | 'rep'>): string | undefined {
  if (source.features === 'raw-pixels') return undefined;
  const loaded = useEmbedStore.getState().model?.rep;
  if (!loaded) return `${notLoaded()}.`;
  if (source.rep && representationKey(source.rep) !== representationKey(loaded)) {
    return `This classifier takes embeddings of ${describeModel(source.rep)}; the loaded model is ${describeModel(loaded)}: load that model first.`;
  }
  return undefined;
}

export function classifierFor(source: OcclusionSource): FaceClassifier {
  return composeClassifier(source.features === 'raw-pixels' ? pixelFeatures : loadedFaceEncoder, source.score);
}

let trainWorker: TrainWorker | undefined;
/** A train worker of its own: scoring occluded faces never waits behind a training run, nor pauses it. */
const scoringWorker = () => (trainWorker && !trainWorker.crashed ? trainWorker : (trainWorker = startTrainWorker()));

/** A saved run (MLP or forest) of the Train section as an occlusion source. */
export function savedRunSource(run: RunIdentity, classifier: 'mlp' | 'forest', label: string): OcclusionSource {
  return {
    id: run.id,
    label,
    features: run.featureKind,
    rep: run.rep,
    score: (features, dim) => scoringWorker().predictWithRun({ runId: run.id, classifier, features, dim }),
  };
}

const when = (run: RunIdentity) => run.createdAt.slice(0, 16).replace('T', ' ');
// runs stored before the registry carry no representation: they were CLIP's
const features = runFeaturesName;

/** A saved MLP run as an occlusion source. */
export const mlpRunSource = (run: RunRecord) =>
  savedRunSource(run, 'mlp', `${features(run)} MLP ${run.result.settings.hidden.join('-') || 'linear'}, ${(100 * run.result.test.accuracy).toFixed(1)}% test, ${when(run)}`);

/** A saved forest as an occlusion source. */
export const forestRunSource = (run: ForestRunRecord) =>
  savedRunSource(run, 'forest', `${features(run)} forest of ${run.result.settings.trees} trees, ${(100 * run.result.test.accuracy).toFixed(1)}% test, ${when(run)}`);
