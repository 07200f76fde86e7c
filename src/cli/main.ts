/**
 * Facet on the command line: `npm run facet -- embed <dataset.zip|fer2013.csv> --model <hub repo | URL | folder>`.
 * Exit status: 0 done, 1 bad input or failure (the message says which), 130 stopped by Ctrl-C (the partial output
 * is kept; the same command continues).
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { isCancelled } from '../lib/rpc';
import { DEFAULT_CHECKPOINT, type Precision } from '../embed/modelSource';
import { embedCommand } from './embedCommand';
import type { Device } from './nodeModel';

const USAGE = `Usage: facet embed <dataset.zip | fer2013.csv> [options]

Embeds every face of a FER2013 archive with CLIP, as the notebook's Embed section does, and writes an embeddings
file the notebook imports (Embed → Import embeddings). Interrupted runs continue where they stopped.

Options:
  --model <repo|url|folder>  Hugging Face repo, mirror URL, or a folder in the hub's layout; or a face-api
                             backbone: face-api-expression, face-api-recognition (offline, TensorFlow.js)
                             (default ${DEFAULT_CHECKPOINT.repo})
  --backbone <id>            which registry encoder an ONNX --model is: clip-vit-b-32, clip-vit-b-16,
                             clip-vit-l-14, siglip-base-patch16-224 (default: the entry of that hub repo, else CLIP)
  --precision <p>            fp32, fp16 or quantized (default quantized, the notebook's default on CPU)
  --out <file>               output file (default <dataset>.embeddings.zip)
  --batch <n>                images per batch (default 32)
  --device <d>               auto (CUDA when available, else CPU), cpu or cuda (default auto)
  --threads <n>              CPU threads (default: all)
  --restart                  discard a partial output of an earlier run instead of continuing it
  --no-zero-shot             skip zero-shot on the test split at the end (CLIP, SigLIP: each with its own prompt and scoring)
  -h, --help                 show this help`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULT_CHECKPOINT.repo },
      backbone: { type: 'string' },
      precision: { type: 'string', default: 'quantized' },
      out: { type: 'string' },
      batch: { type: 'string', default: '32' },
      device: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      restart: { type: 'boolean', default: false },
      'no-zero-shot': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const [command, dataset, ...extra] = positionals;
  if (command !== 'embed') throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  if (!dataset) throw new UsageError('no dataset given (a FER2013 zip or fer2013.csv)');
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!existsSync(dataset)) throw new UsageError(`${dataset} does not exist`);
  if (!['fp32', 'fp16', 'quantized'].includes(values.precision)) throw new UsageError(`--precision must be fp32, fp16 or quantized, not "${values.precision}"`);
  if (!['auto', 'cpu', 'cuda'].includes(values.device)) throw new UsageError(`--device must be auto, cpu or cuda, not "${values.device}"`);
  const positive = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0, not "${text}"`);
    return n;
  };
  return {
    dataset,
    model: values.model,
    backbone: values.backbone,
    precision: values.precision as Precision,
    out: values.out ?? `${basename(dataset).replace(/\.(zip|csv)$/i, '')}.embeddings.zip`,
    batchSize: positive('batch', values.batch)!,
    device: values.device as Device,
    threads: positive('threads', values.threads),
    restart: values.restart,
    zeroShot: !values['no-zero-shot'],
  };
}

async function main(): Promise<number> {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`facet: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const controller = new AbortController();
  // The first Ctrl-C stops after the batch in flight is stored; a second one quits at once.
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\nStopping after the batch in flight (Ctrl-C again to quit now)…');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await embedCommand({ ...options, signal: controller.signal, log: (line) => console.error(line) });
    return 0;
  } catch (error) {
    if (isCancelled(error)) {
      console.error(`\nStopped. What was embedded is kept in ${options.out}.partial; run the same command again to continue.`);
      return 130;
    }
    console.error(`\nfacet: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
