/**
 * The command line's resumable output: while it embeds, each stored batch is appended to `<out>.partial/`
 * (vectors.f32, then the batch's ids in ids.txt), so an interrupted run (Ctrl-C, a crash, a lost machine) loses at
 * most the batch in flight. Ids are written after their vectors: a row counts once its id line is complete, and
 * vectors beyond the last complete id are cut off on resume. The finished file replaces the folder.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { representationKey, type Representation } from '../embed/embeddingCache';

export interface PartialMeta {
  /** the dataset's content hash (its id in Facet) */
  datasetId: string;
  representation: Representation;
}

export class PartialOutput {
  private constructor(
    readonly dir: string,
    readonly dim: number,
    /** the rows written by earlier runs */
    readonly ids: string[],
    readonly vectors: Float32Array,
  ) {}

  /** Opens (or starts) the partial output of `outPath`; refuses one that belongs to another dataset or model. */
  static open(outPath: string, meta: PartialMeta, restart = false): PartialOutput {
    const dir = `${outPath}.partial`;
    const metaPath = join(dir, 'meta.json');
    if (restart) rmSync(dir, { recursive: true, force: true });
    if (existsSync(metaPath)) {
      const stored = JSON.parse(readFileSync(metaPath, 'utf8')) as PartialMeta;
      if (stored.datasetId !== meta.datasetId || representationKey(stored.representation) !== representationKey(meta.representation)) {
        throw new Error(
          `${dir} holds a partial run of another dataset or model (${representationKey(stored.representation)}); ` +
            'pass --restart to discard it, or choose another --out',
        );
      }
    } else {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'vectors.f32'), new Uint8Array(0));
      writeFileSync(join(dir, 'ids.txt'), '');
      writeFileSync(metaPath, JSON.stringify(meta, null, 1));
    }
    const dim = meta.representation.dim;
    const text = readFileSync(join(dir, 'ids.txt'), 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const ids = complete.split('\n').filter(Boolean);
    if (complete.length !== text.length) writeFileSync(join(dir, 'ids.txt'), complete);
    const vectorsPath = join(dir, 'vectors.f32');
    const rowBytes = dim * 4;
    const have = Math.floor(statSync(vectorsPath).size / rowBytes);
    if (have < ids.length) {
      // vectors are written first, so this only happens if the folder was edited by hand: keep what is whole
      ids.length = have;
      writeFileSync(join(dir, 'ids.txt'), ids.map((id) => `${id}\n`).join(''));
    }
    truncateSync(vectorsPath, ids.length * rowBytes);
    const bytes = readFileSync(vectorsPath);
    const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return new PartialOutput(dir, dim, ids, vectors);
  }

  append(ids: readonly string[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) throw new Error(`${vectors.length} values are not ${ids.length} × ${this.dim}`);
    appendFileSync(join(this.dir, 'vectors.f32'), new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
    appendFileSync(join(this.dir, 'ids.txt'), ids.map((id) => `${id}\n`).join(''));
  }

  /** Writes the finished file (atomically: a reader never sees half of it) and removes the partial folder. */
  finish(outPath: string, bytes: Uint8Array): void {
    const temporary = `${outPath}.writing`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, outPath);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
