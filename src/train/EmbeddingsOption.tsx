import { currentRepresentation, useEmbedStore } from '../embed/store';
import { embeddingsName } from './featureNames';

/**
 * The "embeddings" choice of a features select, named after the backbone whose vectors training would use (the
 * loaded or last used representation, from the registry), not "CLIP" whatever made them.
 */
export function EmbeddingsOption() {
  const rep = useEmbedStore(currentRepresentation);
  return <option value="clip">{rep ? `${embeddingsName(rep)} (the loaded model)` : 'Image embeddings (load a backbone in Embed)'}</option>;
}
