import { useEffect } from 'react';
import { Section } from '../app/Section';
import { useDatasetStore } from '../dataset/store';
import { EMOTIONS } from '../lib/emotions';
import { embedButtonLabel, embedNextStep } from './nextStep';
import { BACKBONES } from './backbones';
import { ENSEMBLE_TEMPLATES, PAPER_TEMPLATE } from './prompts';
import { chosenBackbone, familyOfRep, useEmbedStore } from './store';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

export function EmbedSection() {
  const s = useEmbedStore();
  const working = s.status.kind === 'working';
  const datasetId = useDatasetStore((d) => d.activeId);
  const { refreshCoverage } = s;
  useEffect(() => {
    void refreshCoverage();
  }, [datasetId, refreshCoverage]);
  const backbone = chosenBackbone(s);
  const ready = Boolean(s.loaded.vision);
  const hasText = Boolean(s.loaded.text);
  const shipped = backbone.runtime === 'tfjs';
  return (
    <Section
      id="embed"
      step={2}
      title="Embed"
      status={s.status}
      onCancel={s.cancel}
      next={embedNextStep({ modelReady: ready, datasetId, coverage: s.coverage, imported: Boolean(s.activeRep) })}
    >
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
      {datasetId && (ready || s.activeRep) && (
          <p className="muted" data-testid="embed-coverage">
            {!datasetId
              ? 'Import a dataset first.'
              : s.coverage
                ? `${s.coverage.embedded.toLocaleString('en-US')} of ${s.coverage.total.toLocaleString('en-US')} distinct images embedded with this model (kept in this browser; a later run continues where this one stopped).`
                : 'Checking what is embedded already…'}
          </p>
      )}
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
                {s.zeroShotOf ? familyOfRep(s.zeroShotOf.rep) : 'CLIP'} zero-shot: {pct(s.zeroShot.evaluation.accuracy)} of {s.zeroShot.scored.toLocaleString('en-US')} test images
                {s.zeroShot.scored < s.zeroShot.testImages ? ` (of ${s.zeroShot.testImages.toLocaleString('en-US')}; the rest are not embedded yet)` : ''} ·
                PublicTest {pct(s.zeroShot.publicTest.accuracy)} · PrivateTest {pct(s.zeroShot.privateTest.accuracy)} · without test images also in train{' '}
                {pct(s.zeroShot.clean.accuracy)}
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
                    <td>{pct(s.zeroShot!.evaluation.perClass[c].recall)}</td>
                    <td>{pct(s.zeroShot!.evaluation.perClass[c].precision)}</td>
                    <td>{s.zeroShot!.evaluation.perClass[c].support}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </>
          )}
        </div>
      )}
    </Section>
  );
}
