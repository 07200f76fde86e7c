"""explore.* baseline (run by bench/explore.ts with Debian's python3): the data and scikit-learn's t-SNE.

  prepare <fer2013.zip> <out.npy>    the training faces' pixels (0-1), PCA to 50-d, float32 [n, 50]
  tsne <in.npy> <out.json>           scikit-learn Barnes-Hut TSNE on them: seconds, and the 2-d map
  quality <in.npy> <map.f32> <k>     share of each point's k nearest neighbours kept in the map (exact kNN both sides)
"""
import io
import json
import sys
import time
import zipfile

import numpy as np


def prepare(archive, out):
    from PIL import Image

    rows = []
    with zipfile.ZipFile(archive) as z:
        names = sorted(n for n in z.namelist() if n.startswith('train/') and not n.endswith('/'))
        for name in names:
            image = Image.open(io.BytesIO(z.read(name))).convert('L').resize((48, 48))
            rows.append(np.asarray(image, dtype=np.float32).reshape(-1) / 255.0)
    x = np.stack(rows)
    x -= x.mean(axis=0)
    # PCA by SVD of the centred data (exact, deterministic)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    np.save(out, (x @ vt[:50].T).astype(np.float32))
    print(json.dumps({'n': len(rows)}))


def tsne(path, out):
    import sklearn
    from sklearn.manifold import TSNE

    x = np.load(path)
    started = time.perf_counter()
    embedding = TSNE(n_components=2, perplexity=30.0, init='pca', learning_rate='auto', method='barnes_hut', angle=0.5, random_state=1).fit_transform(x)
    seconds = time.perf_counter() - started
    embedding.astype(np.float32).tofile(out + '.f32')
    with open(out, 'w') as f:
        json.dump({'seconds': seconds, 'sklearn': sklearn.__version__, 'n': len(x)}, f)


def quality(path, map_path, k):
    from sklearn.neighbors import NearestNeighbors

    x = np.load(path)
    y = np.fromfile(map_path, dtype=np.float32).reshape(-1, 2)
    k = int(k)
    high = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)[:, 1:]
    low = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    kept = sum(len(set(a) & set(b)) for a, b in zip(high, low))
    print(json.dumps({'preserved': kept / (len(x) * k)}))


if __name__ == '__main__':
    {'prepare': prepare, 'tsne': tsne, 'quality': quality}[sys.argv[1]](*sys.argv[2:])
