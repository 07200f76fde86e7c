import { PROJECTIONS, projectionOf, type MapSettings, type ProjectionKind } from './projections';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FaceCanvas } from '../app/FaceCanvas';
import { Section } from '../app/Section';
import { FACE_AREA } from '../dataset/faceSet';
import { ingestWorker, useDatasetStore } from '../dataset/store';
import { EMOTIONS } from '../lib/emotions';
import { sampleReadyMessage } from '../embed/nextStep';
import { currentRepresentation, useEmbedStore } from '../embed/store';
import { backboneName } from '../train/featureNames';
import { useTrainStore } from '../train/store';
import { CLASS_COLOURS, NO_CLASS_COLOUR, type DrawModel } from './draw';
import { downloadCsv, downloadPng, downloadSettings, downloadSvg, setShownModel } from './exportMap';
import { MAP_HEIGHT, MAP_WIDTH, MapCanvas, type MapHandle } from './MapCanvas';
import { predictionsFor, useExploreStore, type ExploreSettings } from './store';
import { promptViewsUnavailable, viewNeedsPrompts, viewToMap } from './mappedEmbeddings';
import { VIEWS, type ViewKind } from './views';

/** A labelled control with its one-line help text (read by screen readers as the control's description). */
function Field({ label, help, children, inline }: { label: string; help: string; inline?: boolean; children: (describedBy: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="explore-field">
      <label className={inline ? 'inline' : undefined}>
        {inline ? (
          <>
            {children(id)} {label}
          </>
        ) : (
          <>
            {label}
            {children(id)}
          </>
        )}
      </label>
      <span className="hint" id={id}>
        {help}
      </span>
    </div>
  );
}

/** Faces of a dataset, by dataset index, fetched from the ingest worker (cached per dataset). */
const faceCache = new Map<string, Uint8Array>();
export function useFaces(datasetId: string | undefined, indices: number[]): Map<number, Uint8Array> {
  const [faces, setFaces] = useState(new Map<number, Uint8Array>());
  const key = indices.join(',');
  useEffect(() => {
    if (!datasetId || indices.length === 0) return;
    let current = true;
    const missing = indices.filter((i) => !faceCache.has(`${datasetId}:${i}`));
    const done = () => current && setFaces(new Map(indices.map((i) => [i, faceCache.get(`${datasetId}:${i}`)!] as const).filter(([, f]) => f)));
    if (missing.length === 0) done();
    else
      void ingestWorker()
        .faces({ id: datasetId, indices: missing })
        .then((pixels) => {
          missing.forEach((index, k) => faceCache.set(`${datasetId}:${index}`, pixels.slice(k * FACE_AREA, (k + 1) * FACE_AREA)));
          done();
        })
        .catch(() => undefined);
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasetId, key]);
  return faces;
}

/**
 * `label`: the short caption under a face (its true emotion and, for neighbours, the cosine similarity), on one line
 * in a cell wide enough for the longest ("surprise 0.997"): captions wrapping in some cells and not others were ragged.
 */
function FaceList({ datasetId, items, caption, testId }: { datasetId: string; items: { index: number; text: string; label: string }[]; caption: ReactNode; testId: string }) {
  const faces = useFaces(
    datasetId,
    items.map((i) => i.index),
  );
  return (
    <figure className="cell-faces labelled-faces" data-testid={testId}>
      <figcaption>{caption}</figcaption>
      <ul className="face-grid">
        {items.map(({ index, text, label }) => (
          <li key={index} title={text}>
            {faces.get(index) ? <FaceCanvas pixels={faces.get(index)!} size={56} label={text} /> : <span className="face-placeholder" />}
            <span className="probability">{label}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** The embeddings of faces are all alike (CLIP's: cosine 0.9…): three decimals tell neighbours apart where two read 1.00. */
const similarityText = (cosine: number) => cosine.toFixed(3);

/**
 * The Explore section. Each part subscribes to the slice of the store it shows (selectors): the frame follows the
 * status, the projection form its settings, the map view the map (which moves as t-SNE iterates) and what is
 * pinned, selected or probed on it.
 */
export function ExploreSection() {
  return (
    <ExploreFrame>
      <ProjectionForm />
      <ExploreMap />
    </ExploreFrame>
  );
}

const isWorking = (s: { status: { kind: string } }) => s.status.kind === 'working';

/** The section frame: the only part that follows the status; its children are elements made once. */
function ExploreFrame({ children }: { children: ReactNode }) {
  const status = useExploreStore((s) => s.status);
  const stop = useExploreStore((s) => s.stop);
  const hasMap = useExploreStore((s) => Boolean(s.map));
  const sampleReady = useEmbedStore((e) => e.sampleReady);
  return (
    <Section
      id="explore"
      step={4}
      title="Explore"
      status={status}
      onCancel={stop}
      next={
        hasMap
          ? 'hover a point to see its face, click to pin it and list its neighbours, or change the view.'
          : sampleReady !== undefined
            ? `${sampleReadyMessage(sampleReady)} Press Map.`
            : 'needs embeddings of the dataset (Embed section); then press Map.'
      }
    >
      {children}
    </Section>
  );
}

function ProjectionForm() {
  const working = useExploreStore(isWorking);
  const s = useExploreStore(useShallow((e) => ({ settings: e.settings, setSettings: e.setSettings, run: e.run })));
  const { settings } = s;
  const projection = projectionOf(settings.method);
  // What the backbone of the embeddings in use can give: no prompt views without a text tower.
  const rep = useEmbedStore(useShallow((e) => currentRepresentation(e)));
  const noPrompts = promptViewsUnavailable(rep);
  /** why a projection field is disabled: the chosen projection does not read it (undefined: it does) */
  const unused = (key: keyof MapSettings) => (projection.uses.includes(key) ? undefined : `Not used by ${projection.label}${projection.unusedNote ? `: ${projection.unusedNote}` : ''}.`);
  const num = (key: keyof ExploreSettings) => ({
    value: settings[key] as number,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => s.setSettings({ [key]: Number(e.target.value) }),
  });
  return (
    <form
      className="controls explore-controls"
      onSubmit={(event) => {
        event.preventDefault();
        void s.run();
      }}
    >
      <fieldset disabled={working}>
        <legend>Projection</legend>
        <Field label="View" help={`What is mapped: faces, emotion centroids, prompts, or centroids with their prompts.${noPrompts ? ` ${noPrompts}` : ''}`}>
          {(d) => (
            <select aria-describedby={d} value={viewToMap(settings.view, rep)} onChange={(e) => s.setSettings({ view: e.target.value as ViewKind })}>
              {VIEWS.map((v) => (
                <option key={v.kind} value={v.kind} title={v.help} disabled={viewNeedsPrompts(v.kind) && Boolean(noPrompts)}>
                  {v.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Projection" help={PROJECTIONS.map((p) => p.blurb).join(' ')}>
          {(d) => (
            <select aria-describedby={d} value={settings.method} onChange={(e) => s.setSettings({ method: e.target.value as ProjectionKind })}>
              {PROJECTIONS.map((p) => (
                <option key={p.kind} value={p.kind}>
                  {p.option}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Perplexity" help={unused('perplexity') ?? 'About how many neighbours each point attends to; lowered automatically below (N − 1) / 3.'}>
          {(d) => <input aria-describedby={d} type="number" min={0.5} step="any" disabled={!!unused('perplexity')} {...num('perplexity')} />}
        </Field>
        <Field label="Learning rate" help={unused('learningRate') ?? 't-SNE step size; 0 picks it from the point count (N / 48, at least 50).'}>
          {(d) => <input aria-describedby={d} type="number" min={0} step="any" disabled={!!unused('learningRate')} {...num('learningRate')} />}
        </Field>
        <Field label="Iterations" help={unused('iterations') ?? 't-SNE steps; the first 250 exaggerate attraction to form clusters.'}>
          {(d) => <input aria-describedby={d} type="number" min={1} step={1} disabled={!!unused('iterations')} {...num('iterations')} />}
        </Field>
        <Field label="Seed" help="The same seed and settings give the same map (and the same sample).">
          {(d) => <input aria-describedby={d} type="number" step={1} {...num('seed')} />}
        </Field>
        <Field label="Sample size" help="Images mapped, drawn stratified by split and emotion from those embedded.">
          {(d) => <input aria-describedby={d} type="number" min={2} step={1} {...num('sampleSize')} />}
        </Field>
        <Field
          label="PCA to 50-d first"
          inline
          help={
            projection.pcaFirst
              ? `Reduces the ${rep ? `${rep.dim}-d ` : ''}embeddings to 50 principal axes before ${projection.label}: faster, little lost.`
              : `Not used by ${projection.label}: it is a PCA itself.`
          }
        >
          {(d) => <input aria-describedby={d} type="checkbox" checked={settings.pcaFirst} disabled={!projection.pcaFirst} onChange={(e) => s.setSettings({ pcaFirst: e.target.checked })} />}
        </Field>
        <Field
          label="Centre each modality on its own mean"
          inline
          help="Subtracts the mean image embedding from image points and the mean text embedding from text points, removing the “modality gap” between the image and text towers so images and prompts can land side by side."
        >
          {(d) => <input aria-describedby={d} type="checkbox" checked={settings.centre} onChange={(e) => s.setSettings({ centre: e.target.checked })} />}
        </Field>
        <button type="submit">Map</button>
      </fieldset>
    </form>
  );
}

function ExploreMap() {
  const working = useExploreStore(isWorking);
  const s = useExploreStore(
    useShallow((e) => ({
      settings: e.settings,
      map: e.map,
      sample: e.sample,
      hidden: e.hidden,
      selection: e.selection,
      pinned: e.pinned,
      pinnedNeighbours: e.pinnedNeighbours,
      probes: e.probes,
      completed: e.completed,
      setSettings: e.setSettings,
      stop: e.stop,
      toggleClass: e.toggleClass,
      pin: e.pin,
      select: e.select,
      probe: e.probe,
      clearProbes: e.clearProbes,
    })),
  );
  const { settings, map, sample } = s;
  const datasetId = useDatasetStore((d) => d.activeId);
  const trainResult = useTrainStore((t) => t.result);
  const selectedCell = useTrainStore((t) => t.selectedCell);
  // The prompt probe is embedded by the loaded backbone's text tower: none, no probe (and the hint says why).
  const rep = useEmbedStore(useShallow((e) => currentRepresentation(e)));
  const noPrompts = promptViewsUnavailable(rep);
  const [mode, setMode] = useState<'pan' | 'select'>('pan');
  const [hover, setHover] = useState<{ point: number; x: number; y: number }>();
  const [search, setSearch] = useState('');
  const [searchMessage, setSearchMessage] = useState<string>();
  const [prompt, setPrompt] = useState('a face of someone who just won the lottery');
  const handle = useRef<MapHandle>(null);

  const imageView = map?.view === 'images' && sample !== undefined && map.labels.length === sample.labels.length;
  // trainResult is a dependency so predictions refresh when another run is shown
  const predictions = useMemo(() => (trainResult ? predictionsFor(sample?.datasetId) : undefined), [trainResult, sample]);

  const model = useMemo<DrawModel | undefined>(() => {
    if (!map || map.labels.length * 2 !== map.positions.length) return undefined;
    const colour = Int8Array.from(map.labels, (label, i) => {
      if (!imageView || settings.colourBy === 'truth') return label;
      return predictions?.get(sample!.datasetIndex[i])?.predicted ?? -1;
    });
    let highlight: Set<number> | undefined;
    if (imageView && selectedCell && predictions) {
      highlight = new Set();
      for (let i = 0; i < map.labels.length; i++) {
        const p = predictions.get(sample!.datasetIndex[i]);
        if (p && map.labels[i] === selectedCell[0] && p.predicted === selectedCell[1]) highlight.add(i);
      }
    }
    return {
      positions: map.positions,
      colour,
      modality: map.modality,
      names: map.names,
      lines: map.lines,
      hidden: new Set(s.hidden),
      highlight,
      // selection and pin are points of the Images view's sample: on figs. 6–8 the same numbers name other points
      selection: imageView && s.selection ? new Set(s.selection) : undefined,
      pinned: imageView ? s.pinned : undefined,
      probes: imageView ? s.probes : [],
    };
  }, [map, imageView, settings.colourBy, predictions, sample, selectedCell, s.hidden, s.selection, s.pinned, s.probes]);

  useEffect(() => setShownModel(model), [model]);

  const describe = (i: number) => {
    if (!map) return '';
    if (!imageView) return map.names[i] ?? EMOTIONS[map.labels[i]];
    const p = predictions?.get(sample!.datasetIndex[i]);
    const truth = EMOTIONS[map.labels[i]];
    return `#${sample!.datasetIndex[i]} ${truth}${p ? ` · predicted ${EMOTIONS[p.predicted]} (${(100 * p.probability).toFixed(0)}%)` : ' · no prediction (not a test image of the shown run)'}`;
  };

  const hoverFaces = useFaces(datasetId === sample?.datasetId ? datasetId : undefined, hover && imageView ? [sample!.datasetIndex[hover.point]] : []);
  const classMix = (points: number[]) => EMOTIONS.map((e, c) => ({ e, c, n: points.filter((i) => map!.labels[i] === c).length })).filter((m) => m.n > 0);

  const jump = () => {
    const query = search.trim().toLowerCase().replace(/^#/, '');
    if (!imageView || !query) return setSearchMessage('Map the images first, then search an image id (or #index).');
    let point = sample!.imageIds.findIndex((id) => id.toLowerCase().startsWith(query));
    if (point < 0 && /^\d+$/.test(query)) point = sample!.datasetIndex.indexOf(Number(query));
    if (point < 0) return setSearchMessage(`No image with id “${search.trim()}” is in the mapped sample.`);
    setSearchMessage(`Found ${describe(point)}.`);
    handle.current?.focus(point);
    void s.pin(point);
  };

  return (
    <>
      {working && map?.running && (
        <div className="controls-row">
          <button type="button" className="secondary" onClick={s.stop}>
            Stop
          </button>
          <span className="muted">
            {projectionOf(map.method).progressUnit?.name ?? 'Step'} {map.iteration} of {map.iterations}: the map moves as {projectionOf(map.method).label} runs.
          </span>
        </div>
      )}
      <div className="controls-row">
        <label>
          Colour by
          <select aria-describedby="explore-colour-help" value={settings.colourBy} onChange={(e) => s.setSettings({ colourBy: e.target.value as 'truth' | 'predicted' })}>
            <option value="truth">True emotion</option>
            <option value="predicted">Predicted emotion (test images of the run shown in Train)</option>
          </select>
        </label>
        <span className="hint" id="explore-colour-help">
          Predicted colours come from the MLP run shown in Train; grey points have no prediction.
        </span>
        <label>
          Drag to
          <select aria-describedby="explore-mode-help" value={mode} onChange={(e) => setMode(e.target.value as 'pan' | 'select')}>
            <option value="pan">pan the map</option>
            <option value="select">select a rectangle of faces</option>
          </select>
        </label>
        <span className="hint" id="explore-mode-help">
          The mouse wheel zooms in both modes; a click pins the point under the pointer. Faces are selected on the Images view.
        </span>
      </div>
      {model && map && (
        <>
          <div className="explore-legend" role="group" aria-label="Emotions shown (press to hide or show)">
            {EMOTIONS.map((emotion, c) => (
              <button key={emotion} type="button" className="legend-item" aria-pressed={!s.hidden.includes(c)} onClick={() => s.toggleClass(c)}>
                <span className="swatch" style={{ background: CLASS_COLOURS[c] }} /> {emotion}
              </button>
            ))}
            {imageView && settings.colourBy === 'predicted' && (
              <button type="button" className="legend-item" aria-pressed={!s.hidden.includes(-1)} onClick={() => s.toggleClass(-1)}>
                <span className="swatch" style={{ background: NO_CLASS_COLOUR }} /> no prediction
              </button>
            )}
          </div>
          {imageView && selectedCell && (
            <p className="hint">
              Ringed: {EMOTIONS[selectedCell[0]]} faces predicted {EMOTIONS[selectedCell[1]]} (the confusion cell selected in Train).{' '}
              <button type="button" className="secondary" onClick={() => useTrainStore.getState().selectCell(undefined)}>
                Clear
              </button>
            </p>
          )}
          <div className="explore-stage" data-completed={s.completed}>
            <MapCanvas
              handle={handle}
              model={model}
              mode={mode}
              label={`${VIEWS.find((v) => v.kind === map.view)?.label} mapped by ${projectionOf(map.method).label}: ${map.labels.length} points`}
              onHover={(point, at) => setHover(point === undefined ? undefined : { point, ...at })}
              onClick={(point) => void s.pin(point)}
              onBrush={(points) => imageView && s.select(points)}
            />
            {hover && (
              <div className="explore-tooltip" role="tooltip" data-testid="explore-tooltip" style={{ left: Math.min(hover.x + 14, MAP_WIDTH - 170), top: Math.min(hover.y + 14, MAP_HEIGHT - 150) }}>
                {imageView && hoverFaces.get(sample!.datasetIndex[hover.point]) && (
                  <FaceCanvas pixels={hoverFaces.get(sample!.datasetIndex[hover.point])!} size={96} label={`face ${describe(hover.point)}`} />
                )}
                <p>{describe(hover.point)}</p>
              </div>
            )}
          </div>
          <p className="hint">
            {map.view === 'overlay'
              ? 'Circles: mean image embedding of each emotion; squares: its prompt; a line joins each pair.'
              : map.view === 'prompts'
                ? 'Squares: the text embedding of each prompt.'
                : 'Hover a point to see the face; click to pin it and list its nearest neighbours in the original embedding space.'}{' '}
            {settings.centre ? 'Each modality was centred on its own mean before projecting.' : ''}
          </p>
          <div className="controls-row">
            <button type="button" className="secondary" onClick={() => handle.current && downloadPng(handle.current.frame())}>
              Download PNG
            </button>
            <button type="button" className="secondary" onClick={() => handle.current && downloadSvg(handle.current.frame())}>
              Download SVG
            </button>
            <button type="button" className="secondary" onClick={() => downloadCsv()}>
              Download CSV
            </button>
            <button type="button" className="secondary" onClick={() => downloadSettings()}>
              Download settings
            </button>
          </div>
          {imageView && (
            <form
              className="controls-row"
              onSubmit={(event) => {
                event.preventDefault();
                jump();
              }}
            >
              <label>
                Image id
                <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="id prefix or #index" aria-describedby="explore-search-help" />
              </label>
              <button type="submit" className="secondary">
                Jump
              </button>
              <span className="hint" id="explore-search-help">
                {searchMessage ?? 'Centres the map on that image and pins it.'}
              </span>
            </form>
          )}
          {imageView && (
            <form
              className="controls-row"
              onSubmit={(event) => {
                event.preventDefault();
                void s.probe(prompt);
              }}
            >
              <label>
                Prompt probe
                <input className="wide" value={prompt} onChange={(e) => setPrompt(e.target.value)} aria-describedby="explore-probe-help" />
              </label>
              <button type="submit" className="secondary" disabled={map.running || Boolean(noPrompts)}>
                Place prompt
              </button>
              {s.probes.length > 0 && (
                <button type="button" className="secondary" onClick={s.clearProbes}>
                  Clear probes
                </button>
              )}
              <span className="hint" id="explore-probe-help" data-testid="explore-probe-help">
                {noPrompts ??
                  `The prompt is embedded by ${rep ? `${backboneName(rep)}’s` : 'the loaded model’s'} text encoder and placed approximately by its nearest neighbours: at the mean position of the 10 image embeddings closest to it (★).`}
              </span>
            </form>
          )}
          {imageView && sample && s.pinned !== undefined && (
            <FaceList
              datasetId={sample.datasetId}
              testId="explore-pinned"
              caption={
                <>
                  Pinned {describe(s.pinned)}; its nearest neighbours in the original embedding space (cosine similarity):{' '}
                  {predictions?.get(sample.datasetIndex[s.pinned]) && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        useTrainStore.getState().selectCell([map.labels[s.pinned!], predictions.get(sample.datasetIndex[s.pinned!])!.predicted]);
                        document.getElementById('train')?.scrollIntoView();
                      }}
                    >
                      Show its confusion cell in Train
                    </button>
                  )}
                </>
              }
              items={[
                { index: sample.datasetIndex[s.pinned], text: `pinned ${describe(s.pinned)}`, label: `${EMOTIONS[map.labels[s.pinned]]} · pinned` },
                ...Array.from(s.pinnedNeighbours?.rows ?? [], (row, k) => ({
                  index: sample.datasetIndex[row],
                  text: `${describe(row)} · cosine ${similarityText(s.pinnedNeighbours!.similarity[k])}`,
                  label: `${EMOTIONS[map.labels[row]]} ${similarityText(s.pinnedNeighbours!.similarity[k])}`,
                })),
              ]}
            />
          )}
          {imageView &&
            sample &&
            s.probes.map((probe, p) => (
              <FaceList
                key={p}
                datasetId={sample.datasetId}
                testId="explore-probe-faces"
                caption={
                  <>
                    ★ “{probe.label}” ({probe.source}): its nearest faces
                  </>
                }
                items={Array.from(probe.rows, (row, k) => ({
                  index: sample.datasetIndex[row],
                  text: `${describe(row)} · cosine ${similarityText(probe.similarity[k])}`,
                  label: `${EMOTIONS[map.labels[row]]} ${similarityText(probe.similarity[k])}`,
                }))}
              />
            ))}
          {imageView && sample && s.selection && (
            <div data-testid="explore-selection">
              <p>
                Selected {s.selection.length} faces: {classMix(s.selection).map((m) => `${m.e} ${m.n} (${((100 * m.n) / s.selection!.length).toFixed(0)}%)`).join(', ')}.{' '}
                <button type="button" className="secondary" onClick={() => s.select(undefined)}>
                  Clear selection
                </button>
              </p>
              <FaceList
                datasetId={sample.datasetId}
                testId="explore-selection-faces"
                caption={s.selection.length > 48 ? 'The first 48 selected faces' : 'The selected faces'}
                items={s.selection.slice(0, 48).map((i) => ({ index: sample.datasetIndex[i], text: describe(i), label: EMOTIONS[map.labels[i]] }))}
              />
            </div>
          )}
        </>
      )}
    </>
  );
}
