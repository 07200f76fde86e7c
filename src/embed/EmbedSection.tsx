import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Section } from '../app/Section';
import { useDatasetStore } from '../dataset/store';
import { EMOTIONS } from '../lib/emotions';
import { embedButtonLabel, embedNextStep, sampleReadyMessage } from './nextStep';
import { BACKBONES } from './backbones';
import { ENSEMBLE_TEMPLATES, PAPER_TEMPLATE } from './prompts';
import { chosenBackbone, familyOfRep, useEmbedStore } from './store';
import { pct } from '../lib/format';


/**
 * The Embed section. Each part subscribes to the slice of the store it shows (selectors), so an embedding run's
 * progress tick re-renders the frame's status line (and the coverage it changes), not the model form or the
 * zero-shot table.
 */
export function EmbedSection() {
  const datasetId = useDatasetStore((d) => d.activeId);
  const refreshCoverage = useEmbedStore((s) => s.refreshCoverage);
  useEffect(() => {
    void refreshCoverage();
  }, [datasetId, refreshCoverage]);
  return (
    <EmbedFrame>
      <ModelForm />
      <DatasetEmbeddingForm />
      <CoverageLine />
      <EmbeddingFiles />
      <ZeroShotPanel />
    </EmbedFrame>
  );
}

const isWorking = (s: { status: { kind: string } }) => s.status.kind === 'working';
const modelReady = (s: { loaded: { vision?: unknown } }) => Boolean(s.loaded.vision);

/** The section frame: the only part that follows the status; its children are elements made once. */
export function EmbedFrame({ children }: { children: ReactNode }) {
  const datasetId = useDatasetStore((d) => d.activeId);
  const { status, cancel, coverage, imported } = useEmbedStore(useShallow((s) => ({ status: s.status, cancel: s.cancel, coverage: s.coverage, imported: Boolean(s.activeRep) })));
  const ready = useEmbedStore(modelReady);
  return (
    <Section id="embed" step={2} title="Embed" status={status} onCancel={cancel} next={embedNextStep({ modelReady: ready, datasetId, coverage, imported })}>
      {children}
    </Section>
  );
}

export function ModelForm() {
  const working = useEmbedStore(isWorking);
  const s = useEmbedStore(
    useShallow((e) => ({
      backboneId: e.backboneId,
      sourceKind: e.sourceKind,
      repo: e.repo,
      mirrorUrl: e.mirrorUrl,
      localFiles: e.localFiles,
      precision: e.precision,
      backend: e.backend,
      setSettings: e.setSettings,
      loadModel: e.loadModel,
    })),
  );
  const backbone = chosenBackbone(s);
  const shipped = backbone.runtime === 'tfjs';
  return (
    <form
      className="controls"
      onSubmit={(event) => {
        event.preventDefault();
        void s.loadModel();
      }}
    >
      <fieldset disabled={working}>
        <legend>Model</legend>
        <label>
          Backbone
          <select
            value={backbone.id}
            onChange={(e) => {
              const next = BACKBONES.find((b) => b.id === e.target.value)!;
              s.setSettings(next.hubRepo ? { backboneId: next.id, repo: next.hubRepo } : { backboneId: next.id });
            }}
          >
            {BACKBONES.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label} · {b.dim}-d{b.reference ? ' · reference, not a clean baseline' : ''}
              </option>
            ))}
          </select>
        </label>
        <p className="muted" data-testid="backbone-about">
          {backbone.trainedFor} By {backbone.credit}. Licence: {backbone.licence}.
          {backbone.reference && (
            <>
              {' '}
              <strong>Reference, not a clean baseline:</strong> its training data may overlap FER2013, so its scores are not a fair
              comparison with CLIP.
            </>
          )}
          {!backbone.hasText && ' No text tower: no zero-shot.'}
        </p>
        {!shipped && (<>
        <label>
          Source
          <select value={s.sourceKind} onChange={(e) => s.setSettings({ sourceKind: e.target.value as typeof s.sourceKind })}>
            <option value="hub">Hugging Face Hub</option>
            <option value="mirror">Self-hosted mirror (URL)</option>
            <option value="local">Files on this computer (offline)</option>
          </select>
        </label>
        {s.sourceKind === 'local' ? (
          (['vision', 'text', 'tokenizer'] as const).map((kind) => (
            <label key={kind}>
              {kind === 'tokenizer' ? 'tokenizer.json' : `${kind === 'vision' ? 'Vision' : 'Text'} model (.onnx)`}
              <input
                type="file"
                accept={kind === 'tokenizer' ? '.json,application/json' : '.onnx'}
                onChange={(e) => s.setSettings({ localFiles: { ...s.localFiles, [kind]: e.target.files?.[0] } })}
              />
            </label>
          ))
        ) : s.sourceKind === 'hub' ? (
          <p className="muted">From the Hugging Face Hub: {s.repo}</p>
        ) : (
          <label>
            Mirror URL
            <input
              type="url"
              required
              placeholder="https://example.org/clip-vit-base-patch32/"
              value={s.mirrorUrl}
              onChange={(e) => s.setSettings({ mirrorUrl: e.target.value })}
              title="A folder laid out like the hub repo: onnx/vision_model.onnx, onnx/text_model.onnx, …"
            />
          </label>
        )}
        <label>
          Precision
          <select value={s.precision} onChange={(e) => s.setSettings({ precision: e.target.value as typeof s.precision })}>
            <option value="auto">Automatic (int8 on WASM, fp16/fp32 on WebGPU)</option>
            <option value="fp32">fp32 (exact, largest)</option>
            <option value="fp16">fp16 (WebGPU with shader-f16)</option>
            <option value="quantized">int8 quantized (smallest, fastest on CPU)</option>
          </select>
        </label>
        <label>
          Backend
          <select value={s.backend} onChange={(e) => s.setSettings({ backend: e.target.value as typeof s.backend })}>
            <option value="auto">Automatic (WebGPU on a hardware GPU, else WASM, or WebNN where faster)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM (CPU)</option>
            <option value="webnn">WebNN (CPU, native kernels; where the browser has it)</option>
          </select>
        </label>
        </>)}
        <button type="submit">Load model</button>
      </fieldset>
    </form>
  );
}

function DatasetEmbeddingForm() {
  const working = useEmbedStore(isWorking);
  const ready = useEmbedStore(modelReady);
  const datasetId = useDatasetStore((d) => d.activeId);
  const s = useEmbedStore(useShallow((e) => ({ sampleFirst: e.sampleFirst, coverage: e.coverage, setSettings: e.setSettings, embedDataset: e.embedDataset })));
  return (
    <>
      {ready && (
        <form
          className="controls"
          onSubmit={(event) => {
            event.preventDefault();
            void s.embedDataset();
          }}
        >
          <fieldset disabled={working || !datasetId}>
            <legend>Dataset embeddings</legend>
            <label title="A CPU-only browser embeds a few images per second: a stratified sample first lets you train and explore while the rest continues.">
              Stratified sample first (images, 0 = off)
              <input type="number" min={0} step={1} value={s.sampleFirst} onChange={(e) => s.setSettings({ sampleFirst: Math.max(0, Number(e.target.value)) })} />
            </label>
            <button type="submit">{embedButtonLabel(s.coverage)}</button>
          </fieldset>
        </form>
      )}
    </>
  );
}

function CoverageLine() {
  const ready = useEmbedStore(modelReady);
  const datasetId = useDatasetStore((d) => d.activeId);
  const s = useEmbedStore(useShallow((e) => ({ activeRep: e.activeRep, coverage: e.coverage, sampleReady: e.sampleReady })));
  return (
    <>
      {s.sampleReady !== undefined && (
        <p className="note" role="note" data-testid="sample-ready">
          {sampleReadyMessage(s.sampleReady)}
        </p>
      )}
      {datasetId && (ready || s.activeRep) && (
          <p className="muted" data-testid="embed-coverage">
            {!datasetId
              ? 'Import a dataset first.'
              : s.coverage
                ? `${s.coverage.embedded.toLocaleString('en-US')} of ${s.coverage.total.toLocaleString('en-US')} distinct images embedded with this model (kept in this browser; a later run continues where this one stopped).`
                : 'Checking what is embedded already…'}
          </p>
      )}
    </>
  );
}

function EmbeddingFiles() {
  const working = useEmbedStore(isWorking);
  const datasetId = useDatasetStore((d) => d.activeId);
  const s = useEmbedStore(useShallow((e) => ({ coverage: e.coverage, exportEmbeddings: e.exportEmbeddings, importEmbeddings: e.importEmbeddings })));
  return (
    <>
      {datasetId && (
        <div className="controls-row">
          <button type="button" className="secondary" disabled={working || !s.coverage?.embedded} onClick={() => void s.exportEmbeddings()}>
            Export embeddings (.npy + JSON)
          </button>
          <label title="A zip exported by Facet (embeddings.npy + embeddings.json), e.g. computed on a machine with a GPU">
            Import embeddings
            <input
              type="file"
              accept=".zip,application/zip"
              disabled={working}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void s.importEmbeddings(file);
              }}
            />
          </label>
        </div>
      )}
    </>
  );
}

function ZeroShotPanel() {
  const working = useEmbedStore(isWorking);
  const ready = useEmbedStore(modelReady);
  const hasText = useEmbedStore((e) => Boolean(e.loaded.text));
  const datasetId = useDatasetStore((d) => d.activeId);
  const s = useEmbedStore(
    useShallow((e) => ({ ensemble: e.ensemble, template: e.template, coverage: e.coverage, zeroShot: e.zeroShot, zeroShotOf: e.zeroShotOf, setSettings: e.setSettings, runZeroShot: e.runZeroShot })),
  );
  return (
    <>
      {ready && hasText && datasetId && (
        <div className="zero-shot">
          <div className="controls-row">
            <label className="inline" title={`Averages ${ENSEMBLE_TEMPLATES.length} phrasings per emotion, as the CLIP paper does`}>
              <input type="checkbox" checked={s.ensemble} onChange={(e) => s.setSettings({ ensemble: e.target.checked })} /> Prompt ensemble ({ENSEMBLE_TEMPLATES.length} templates)
            </label>
            {!s.ensemble && (
              <label title={`{} stands for the emotion (“happy”, “disgusted”, …); the paper uses “${PAPER_TEMPLATE}”`}>
                Prompt template
                <input value={s.template} onChange={(e) => s.setSettings({ template: e.target.value })} size={28} />
              </label>
            )}
            <button type="button" disabled={working || !s.coverage?.embedded} onClick={() => void s.runZeroShot()}>
              Run zero-shot on the test split
            </button>
          </div>
          {s.zeroShot && (
            <>
              <p role="status" className="zero-shot-summary">
                {s.zeroShotOf ? familyOfRep(s.zeroShotOf.rep) : 'CLIP'} zero-shot: {pct(s.zeroShot.evaluation.accuracy, 1)} of {s.zeroShot.scored.toLocaleString('en-US')} test images
                {s.zeroShot.scored < s.zeroShot.testImages ? ` (of ${s.zeroShot.testImages.toLocaleString('en-US')}; the rest are not embedded yet)` : ''} ·
                PublicTest {pct(s.zeroShot.publicTest.accuracy, 1)} · PrivateTest {pct(s.zeroShot.privateTest.accuracy, 1)} · without test images also in train{' '}
                {pct(s.zeroShot.clean.accuracy, 1)}
              </p>
            <table className="zero-shot-table">
              <caption>Zero-shot per emotion (test split)</caption>
              <thead>
                <tr>
                  <th scope="col">Emotion</th>
                  <th scope="col">Recall</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Test images</th>
                </tr>
              </thead>
              <tbody>
                {EMOTIONS.map((emotion, c) => (
                  <tr key={emotion}>
                    <th scope="row">{emotion}</th>
                    <td>{pct(s.zeroShot!.evaluation.perClass[c].recall, 1)}</td>
                    <td>{pct(s.zeroShot!.evaluation.perClass[c].precision, 1)}</td>
                    <td>{s.zeroShot!.evaluation.perClass[c].support}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </>
          )}
        </div>
      )}
    </>
  );
}
