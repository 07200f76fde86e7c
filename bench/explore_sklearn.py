"""explore.* baseline (run by bench/explore.ts with Debian's python3): the data and scikit-learn's t-SNE.

  prepare <fer2013.zip> <out.npy>    the training faces' pixels (0-1), PCA to 50-d, float32 [n, 50]
  subset <in.npy> <n> <out.npy>      the first n rows (a smaller variant of the scenario)
  tsne <in.npy> <out.json>           scikit-learn Barnes-Hut TSNE on them: seconds, threads, its KL, and the 2-d map
  quality <in.npy> <k> <map.f32>...  per map: share of each point's k nearest neighbours kept (exact kNN both
                                     sides), and KL(P‖Q) with scikit-learn's P (exact 90-NN, perplexity 30) and the
                                     exact Q (all pairs), so both maps are judged by the same measure
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


def subset(path, n, out):
    np.save(out, np.load(path)[: int(n)])


def tsne(path, out):
    import sklearn
    from sklearn.manifold import TSNE
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    x = np.load(path)
    model = TSNE(n_components=2, perplexity=30.0, init='pca', learning_rate='auto', method='barnes_hut', angle=0.5, random_state=1)
    started = time.perf_counter()
    embedding = model.fit_transform(x)
    seconds = time.perf_counter() - started
    embedding.astype(np.float32).tofile(out + '.f32')
    with open(out, 'w') as f:
        # threads: what scikit-learn's OpenMP loops (kNN, gradient) use, all cores unless OMP_NUM_THREADS says less
        json.dump({'seconds': seconds, 'sklearn': sklearn.__version__, 'n': len(x), 'threads': _openmp_effective_n_threads(), 'kl': float(model.kl_divergence_)}, f)


def exact_kl(p, y):
    """KL(P‖Q) with Q over all pairs, its normaliser summed in blocks of rows (O(N²) time, O(N) memory)."""
    y = y.astype(np.float64)
    squared = (y * y).sum(axis=1)
    z = 0.0
    for start in range(0, len(y), 1024):
        block = y[start : start + 1024]
        d2 = squared[start : start + 1024, None] + squared[None, :] - 2 * block @ y.T
        z += (1 / (1 + np.maximum(d2, 0))).sum() - len(block)  # minus the diagonal's 1s
    coo = p.tocoo()
    d2 = ((y[coo.row] - y[coo.col]) ** 2).sum(axis=1)
    q = 1 / (1 + d2) / z
    keep = coo.data > 0
    return float((coo.data[keep] * np.log(coo.data[keep] / np.maximum(q[keep], 1e-300))).sum())


def quality(path, k, *map_paths):
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors

    x = np.load(path)
    k = int(k)
    neighbours = min(len(x) - 1, 91)  # scikit-learn's 3·perplexity + 1
    graph = NearestNeighbors(n_neighbors=neighbours).fit(x).kneighbors_graph(mode='distance')
    graph.data **= 2
    p = _joint_probabilities_nn(graph, 30.0, 0)
    high = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)[:, 1:]
    results = []
    for map_path in map_paths:
        y = np.fromfile(map_path, dtype=np.float32).reshape(-1, 2)
        low = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
        kept = sum(len(set(a) & set(b)) for a, b in zip(high, low))
        results.append({'preserved': kept / (len(x) * k), 'kl': exact_kl(p, y)})
    print(json.dumps(results))


if __name__ == '__main__':
    {'prepare': prepare, 'subset': subset, 'tsne': tsne, 'quality': quality}[sys.argv[1]](*sys.argv[2:])
