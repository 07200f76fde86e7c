import { useFileDrop } from '../app/useFileDrop';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FaceCanvas } from '../app/FaceCanvas';
import { Section } from '../app/Section';
import { currentRepresentation, useEmbedStore } from '../embed/store';
import { useExploreStore } from '../explore/store';
import { downloadBlob } from '../lib/download';
import { EMOTIONS } from '../lib/emotions';
import { backboneName, describeModel, embeddingsName } from '../train/featureNames';
import { useTrainStore } from '../train/store';
import { DETECTORS, type DetectorKind } from './detector';
import { PhotoView } from './PhotoView';
import { classificationCsv } from './resultsCsv';
import { chosenRun, runLabel } from './runChoice';
import { FaceOcclusion } from './FaceOcclusion';
import { useClassifyStore, type Face } from './store';


/**
 * The Classify section. Each part subscribes to the slice of the store it shows (selectors), so a status tick
 * (detecting, embedding, predicting) re-renders the frame's status line, not the model choice or the photo.
 */
export function ClassifySection() {
  const openPhoto = useClassifyStore((s) => s.openPhoto);

  // Paste anywhere on the page (outside text fields): an image on the clipboard is classified.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable=true]')) return;
      const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (!file) return;
      event.preventDefault();
      void openPhoto(file, file.name && file.name !== 'image.png' ? file.name : 'pasted image');
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [openPhoto]);

  return (
    <ClassifyFrame>
      <PhotoChooser />
      <ModelChoice />
      <PhotoArea />
      <FaceCards />
      <ResultsExport />
      <PlaceOnMap />
    </ClassifyFrame>
  );
}

/** The section frame: the only part that follows the status; its children are elements made once. */
function ClassifyFrame({ children }: { children: ReactNode }) {
  const status = useClassifyStore((s) => s.status);
  const cancel = useClassifyStore((s) => s.cancel);
  const hasPhoto = useClassifyStore((s) => Boolean(s.photo));
  return (
    <Section id="classify" step={5} title="Classify" status={status} onCancel={cancel} next={hasPhoto ? undefined : 'choose, drop or paste a photo, or use the camera.'}>
      {children}
    </Section>
  );
}

function PhotoChooser() {
  const openPhoto = useClassifyStore((s) => s.openPhoto);
  const working = useClassifyStore((s) => s.status.kind === 'working');
  return <PhotoInput onFile={(file, name) => void openPhoto(file, name)} disabled={working} />;
}

function ModelChoice() {
  const s = useClassifyStore(useShallow((c) => ({ detector: c.detector, runId: c.runId, setDetector: c.setDetector, setRun: c.setRun })));
  const runs = useTrainStore((t) => t.runs);
  // A new object each call: compared field by field, or every render would subscribe anew.
  const rep = useEmbedStore(useShallow((e) => currentRepresentation(e)));
  const run = chosenRun(s.runId, runs, rep);
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Models</legend>
        <label>
          Face detector
          <select value={s.detector} onChange={(e) => s.setDetector(e.target.value as DetectorKind)}>
            {Object.entries(DETECTORS).map(([kind, d]) => (
              <option key={kind} value={kind}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trained model
          <select value={s.runId ?? 'auto'} onChange={(e) => s.setRun(e.target.value === 'auto' ? undefined : e.target.value)}>
            <option value="auto">Latest run that fits the loaded model</option>
            <option value="">None: zero-shot only</option>
            {[...runs].reverse().map((r) => (
              <option key={r.id} value={r.id}>
                {runLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <p className="muted" data-testid="classify-model">
          {run ? `Classifying with ${runLabel(run)}.` : runs.length === 0 ? `No trained model yet: train an MLP on ${embeddingsName(rep)} in the Train section.` : 'Zero-shot only.'}
          {rep ? ` Faces are embedded by the ${describeModel(rep)}.` : ' No model is loaded (Embed section).'}
        </p>
      </fieldset>
    </form>
  );
}

function PhotoArea() {
  const s = useClassifyStore(useShallow((c) => ({ photo: c.photo, faces: c.faces, selected: c.selected, addDrawnFace: c.addDrawnFace, select: c.select })));
  if (!s.photo) return null;
  const photo = s.photo;
  return (
    <>
      <PhotoView photo={photo} faces={s.faces} selected={s.selected} onDraw={s.addDrawnFace} onSelect={s.select} />
      <div className="controls-row">
        <button
          type="button"
          className="secondary"
          // The keyboard's way to crop by hand: a centred square, then its centre, side and rotation below.
          onClick={() => s.addDrawnFace({ cx: photo.width / 2, cy: photo.height / 2, size: Math.round(Math.min(photo.width, photo.height) / 2), angle: 0 })}
        >
          Add a crop by hand
        </button>
        <span className="muted">or drag across the photo; click a crop to select it.</span>
      </div>
    </>
  );
}

function FaceCards() {
  const faces = useClassifyStore((s) => s.faces);
  if (faces.length === 0) return null;
  return (
    <ol className="classify-faces">
      {faces.map((face, i) => (
        <FaceCard key={face.key} face={face} index={i} />
      ))}
    </ol>
  );
}

function PhotoInput({ onFile, disabled }: { onFile: (file: Blob, name: string) => void; disabled: boolean }) {
  const { over, handlers } = useFileDrop((file) => onFile(file, file.name), disabled);
  return (
    <div className={`dropzone compact${over ? ' over' : ''}`} {...handlers}>
      <div className="controls-row">
        <label>
          Photo
          <input
            type="file"
            accept="image/*"
            disabled={disabled}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) onFile(file, file.name);
              e.target.value = '';
            }}
          />
        </label>
        <Camera onCapture={(blob) => onFile(blob, 'camera frame')} />
      </div>
      <p className="muted">Drop a photo here, paste one (Ctrl+V) or take one with the camera. Nothing leaves this browser: the photo is analysed here and never uploaded.</p>
    </div>
  );
}

function cameraProblem(error: unknown): string {
  const name = (error as Error).name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera permission was denied: allow the camera for this page in the browser’s site settings, or choose a photo instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device: choose a photo instead.';
  if (name === 'NotReadableError') return 'The camera is in use by another application, or could not be started.';
  return `The camera could not be started: ${(error as Error).message}`;
}

/** The camera, off until asked: a live preview and a capture button; the stream stops on close or capture. */
function Camera({ onCapture }: { onCapture: (frame: Blob) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
    return () => stream?.getTracks().forEach((t) => t.stop());
  }, [stream]);

  const start = async () => {
    setProblem(undefined);
    if (!navigator.mediaDevices?.getUserMedia) return setProblem('This browser offers no camera to this page (a camera needs HTTPS or localhost).');
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false }));
    } catch (error) {
      setProblem(cameraProblem(error));
    }
  };
  const capture = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')!.drawImage(v, 0, 0);
    canvas.toBlob((blob) => blob && onCapture(blob), 'image/png');
    setStream(undefined);
  };
  return (
    <div className="camera">
      {!stream ? (
        <button type="button" className="secondary" onClick={() => void start()}>
          Use the camera
        </button>
      ) : (
        <>
          <video ref={video} autoPlay muted playsInline aria-label="Camera preview" className="camera-preview" />
          <button type="button" onClick={capture}>
            Capture
          </button>
          <button type="button" className="secondary" onClick={() => setStream(undefined)}>
            Stop camera
          </button>
        </>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </div>
  );
}

function Bars({ title, probabilities, testId }: { title: string; probabilities: number[]; testId: string }) {
  const best = probabilities.indexOf(Math.max(...probabilities));
  return (
    <figure className="prob-bars" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <table>
        <tbody>
          {EMOTIONS.map((emotion, i) => (
            <tr key={emotion} className={i === best ? 'best' : undefined}>
              <th scope="row">{emotion}</th>
              <td className="prob-track">
                <span className="prob-bar" style={{ width: `${(100 * probabilities[i]).toFixed(1)}%` }} />
              </td>
              <td className="prob-value">{(100 * probabilities[i]).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const DEG = 180 / Math.PI;

function FaceCard({ face, index }: { face: Face; index: number }) {
  const { setCrop, removeFace, select } = useClassifyStore(useShallow((s) => ({ setCrop: s.setCrop, removeFace: s.removeFace, select: s.select })));
  const p = face.prediction;
  const n = index + 1;
  const num = (key: 'cx' | 'cy' | 'size' | 'angle', label: string, scale = 1) => (
    <label>
      {label}
      <input
        type="number"
        step={key === 'angle' ? 1 : 'any'}
        value={Math.round(face.crop[key] * scale * 10) / 10}
        onFocus={() => select(index)}
        onChange={(e) => {
          const value = Number(e.target.value) / scale;
          if (Number.isFinite(value) && (key !== 'size' || value >= 8)) setCrop(index, { ...face.crop, [key]: value });
        }}
      />
    </label>
  );
  return (
    <li className="classify-face" aria-label={`Face ${n}`}>
      <div className="classify-input">
        {face.pixels && <FaceCanvas pixels={face.pixels} size={144} label={`The exact 48×48 grayscale input of face ${n}`} />}
        <p className="muted">
          Face {n}: {face.source === 'drawn' ? 'drawn by hand' : `detected (score ${(face.score ?? 0).toFixed(2)})`}; the 48×48 gray input the classifier sees.
        </p>
        <fieldset className="crop-fields">
          <legend>Crop of face {n} (pixels of the photo as shown)</legend>
          {num('cx', 'Centre x')}
          {num('cy', 'Centre y')}
          {num('size', 'Side')}
          {num('angle', 'Rotation °', DEG)}
          <button type="button" className="secondary" onClick={() => removeFace(index)}>
            Remove face {n}
          </button>
        </fieldset>
      </div>
      <div className="classify-result" aria-busy={face.busy}>
        {face.busy && <p className="muted">Classifying…</p>}
        {p?.error && (
          <p role="alert" className="error">
            {p.error}
          </p>
        )}
        {p?.modelNote && <p className="warn">{p.modelNote}</p>}
        <div className="bars-row">
          {p?.mlp && <Bars title={`Trained model: ${p.mlp.model}`} probabilities={p.mlp.probabilities} testId="classify-mlp-bars" />}
          {p?.zeroShot && <Bars title={`${p.zeroShot.family} zero-shot, prompts ${p.zeroShot.prompts}`} probabilities={p.zeroShot.probabilities} testId="classify-zero-shot-bars" />}
        </div>
        {p?.zeroShotNote && (
          <p className="muted" data-testid="classify-zero-shot-note">
            {p.zeroShotNote}
          </p>
        )}
        {p?.mlpNote && <p className="muted" data-testid="classify-mlp-note">{p.mlpNote}</p>}
        <FaceOcclusion face={face} n={n} />
        {p?.neighbours && p.neighbours.length > 0 && (
          <figure className="neighbours">
            <figcaption>
              Nearest training faces by cosine similarity of {p.rep ? `${backboneName(p.rep)} image embeddings (${p.rep.dim}-d)` : 'image embeddings'} (of {p.searched?.toLocaleString('en-US')} embedded): where this face falls on the Explore map, approximately.
            </figcaption>
            <ul className="face-grid">
              {p.neighbours.map((nb) => (
                <li key={nb.imageId}>
                  <FaceCanvas pixels={nb.pixels} size={64} label={`Training face ${nb.index}: ${EMOTIONS[nb.label]}, similarity ${nb.similarity.toFixed(3)}`} />
                  <span className="muted">
                    {EMOTIONS[nb.label]} {nb.similarity.toFixed(2)}
                  </span>
                </li>
              ))}
            </ul>
          </figure>
        )}
      </div>
    </li>
  );
}

/** The open photo's classification results as CSV, once at least one face has probabilities. */
function ResultsExport() {
  const photo = useClassifyStore((s) => s.photo);
  const faces = useClassifyStore((s) => s.faces);
  if (!photo || !faces.some((f) => f.prediction?.mlp || f.prediction?.zeroShot)) return null;
  const save = () => downloadBlob(`${photo.name.replace(/\.[^.]+$/, '')}-emotions.csv`, new Blob([classificationCsv(photo.name, faces)], { type: 'text/csv' }));
  return (
    <div className="controls-row">
      <button type="button" className="secondary" onClick={save}>
        Download results (CSV)
      </button>
      <span className="hint">One row per face and classifier: the crop, the predicted emotion and all seven probabilities.</span>
    </div>
  );
}

/**
 * Puts the open photo's classified faces on the Explore map, in place of an earlier photo's. A t-SNE map cannot
 * take a new point without being computed again, so each face goes where its nearest mapped faces are:
 * approximate, and the map says so.
 */
function PlaceOnMap() {
  const all = useClassifyStore((s) => s.classified);
  const faces = useClassifyStore((s) => s.faces);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  // `classified` keeps every face of the session (the report lists them); the map shows this photo's
  const classified = all.filter((c) => faces.some((f) => f.key === c.key));
  if (classified.length === 0) return null;
  const place = async () => {
    try {
      await useExploreStore.getState().placeByNeighbours(
        'photo',
        classified.map((c) => ({ label: `${c.label}: ${c.predicted}`, vector: c.embedding, rep: c.rep })),
        { replace: true },
      );
      const n = classified.length;
      setMessage({ ok: true, text: `Placed ${n} face${n === 1 ? '' : 's'} on the Explore map, approximately: each where its nearest mapped faces are.` });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <div className="classify-map">
      <button type="button" className="secondary" onClick={() => void place()}>
        Place on the Explore map
      </button>
      {message && <p role={message.ok ? 'status' : 'alert'}>{message.text}</p>}
    </div>
  );
}
