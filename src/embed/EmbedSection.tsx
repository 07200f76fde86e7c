import { Section } from '../app/Section';
import { CHECKPOINTS } from './modelSource';
import { useEmbedStore } from './store';

export function EmbedSection() {
  const s = useEmbedStore();
  const working = s.status.kind === 'working';
  return (
    <Section
      id="embed"
      step={2}
      title="Embed"
      status={s.status}
      onCancel={s.cancel}
      next={s.status.kind === 'done' ? 'embed the dataset, then train a classifier.' : 'choose a model source and load CLIP.'}
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
            Source
            <select value={s.sourceKind} onChange={(e) => s.setSettings({ sourceKind: e.target.value as 'hub' | 'mirror' })}>
              <option value="hub">Hugging Face Hub</option>
              <option value="mirror">Self-hosted mirror (URL)</option>
            </select>
          </label>
          {s.sourceKind === 'hub' ? (
            <label>
              Checkpoint
              <select value={s.repo} onChange={(e) => s.setSettings({ repo: e.target.value })}>
                {CHECKPOINTS.map((c) => (
                  <option key={c.repo} value={c.repo}>
                    {c.label} · {c.dim}-d
                  </option>
                ))}
              </select>
            </label>
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
              <option value="auto">Automatic (WebGPU on a hardware GPU, else WASM)</option>
              <option value="webgpu">WebGPU</option>
              <option value="wasm">WASM (CPU)</option>
            </select>
          </label>
          <button type="submit">Load model</button>
        </fieldset>
      </form>
    </Section>
  );
}
