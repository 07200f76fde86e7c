/** Exports of the map shown: PNG, SVG, CSV of coordinates, the settings as JSON, and its figure in the HTML report. */
import { projectionOf } from './projections';
import { downloadBlob } from '../lib/download';
import { EMOTIONS } from '../lib/emotions';
import { bounds, drawLegend, drawMap, fitFrame, LEGEND_HEIGHT, mapCsv, mapSvg, splitName, type DrawModel, type Frame } from './draw';
import { MAP_HEIGHT, MAP_WIDTH } from './MapCanvas';
import { useExploreStore } from './store';
import { VIEWS } from './views';

let shown: DrawModel | undefined;
/** The section tells this module what it draws, so exports match the screen (colours, hidden classes, probes). */
export function setShownModel(model: DrawModel | undefined): void {
  shown = model;
}

const download = downloadBlob;

const baseName = () => {
  const { map } = useExploreStore.getState();
  return `facet-explore-${map?.view ?? 'map'}-${map?.method ?? ''}-seed${map?.settings.seed ?? ''}`;
};

/** A frame that fits every point (the report's picture, without the user's zoom). */
export function fittedFrame(positions: Float32Array, width = MAP_WIDTH, height = MAP_HEIGHT): Frame {
  return fitFrame(bounds(positions), width, height, 24);
}

function title(): string {
  const { map } = useExploreStore.getState();
  if (!map) return 'Explore map';
  // The backbone is part of what the figure shows: a map of face-api features is not one of CLIP's.
  const of = map.mapped ? `, ${map.mapped}` : '';
  return `${VIEWS.find((v) => v.kind === map.view)?.label} by ${projectionOf(map.method).label}${of} (${map.labels.length} points, seed ${map.settings.seed})`;
}

/** Height of the title band above an exported PNG map. */
const TITLE_HEIGHT = 28;

/**
 * The map as a PNG at twice the screen's resolution, with the title above it and the emotion legend below, as the
 * SVG has them: a picture that still says what it shows once it leaves the page.
 */
export function downloadPng(frame: Frame): void {
  if (!shown) return;
  const scale = 2;
  // The map is painted on a canvas of its own: its fast path writes pixels with putImageData, which ignores any
  // offset, so it is placed below the title with drawImage.
  const map = document.createElement('canvas');
  map.width = frame.width * scale;
  map.height = frame.height * scale;
  const mapContext = map.getContext('2d')!;
  mapContext.scale(scale, scale);
  drawMap(mapContext, shown, frame);
  const canvas = document.createElement('canvas');
  canvas.width = frame.width * scale;
  canvas.height = (TITLE_HEIGHT + frame.height + LEGEND_HEIGHT) * scale;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(map, 0, TITLE_HEIGHT * scale);
  context.scale(scale, scale);
  context.fillStyle = '#111111';
  context.font = 'bold 14px system-ui, sans-serif';
  context.fillText(title(), 8, 19, frame.width - 16);
  drawLegend(context, TITLE_HEIGHT + frame.height);
  canvas.toBlob((blob) => blob && download(`${baseName()}.png`, blob), 'image/png');
}

export function downloadSvg(frame: Frame): void {
  if (shown) download(`${baseName()}.svg`, new Blob([mapSvg(shown, frame, title())], { type: 'image/svg+xml' }));
}

/** Rows of the CSV: image id, label, split, x, y for images; the point's name for centroids and prompts. */
export function coordinateRows(): { id: string; label: string; split: string; x: number; y: number }[] {
  const { map, sample } = useExploreStore.getState();
  if (!map) return [];
  const images = map.view === 'images' && sample && sample.labels.length === map.labels.length;
  return Array.from(map.labels, (label, i) => ({
    id: images ? sample.imageIds[i] : (map.names[i] ?? `${map.modality[i] ? 'text' : 'image'}:${EMOTIONS[label]}`),
    label: EMOTIONS[label],
    split: images ? splitName(sample.splits[i]) : map.modality[i] ? 'prompt' : 'centroid',
    x: map.positions[2 * i],
    y: map.positions[2 * i + 1],
  }));
}

export function downloadCsv(): void {
  download(`${baseName()}.csv`, new Blob([mapCsv(coordinateRows())], { type: 'text/csv' }));
}

/** The settings that made the map shown, with what was really used (clamped perplexity, learning rate). */
export function mapSettings(): Record<string, unknown> | undefined {
  const { map, sample } = useExploreStore.getState();
  if (!map) return undefined;
  return {
    ...map.settings,
    projection: projectionOf(map.method).label,
    ...(map.mapped ? { embeddings: map.mapped, representation: map.rep } : {}),
    points: map.labels.length,
    ...(map.view === 'images' ? { sampleOf: sample?.embedded } : {}),
    usedPerplexity: map.info?.perplexity,
    usedLearningRate: map.info?.learningRate,
    iterationsRun: map.iteration,
    kl: map.kl,
    seconds: map.info?.seconds,
  };
}

export function downloadSettings(): void {
  download(`${baseName()}-settings.json`, new Blob([JSON.stringify(mapSettings(), null, 2)], { type: 'application/json' }));
}

/** The map shown (fitted, unzoomed) as the HTML report's figure; none while a map is being made. */
export function mapReportFigures(): { title: string; svg: string }[] {
  const { map } = useExploreStore.getState();
  if (!shown || !map || map.running) return [];
  return [{ title: title(), svg: mapSvg(shown, fittedFrame(map.positions), title()) }];
}

/** What the session record keeps of Explore: the map's settings, or null without a map. */
export const exploreSessionPart = () => mapSettings() ?? null;
