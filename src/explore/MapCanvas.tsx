import { quadtree, select, zoom, zoomIdentity, type Quadtree, type ZoomBehavior, type ZoomTransform } from 'd3';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { bounds, drawMap, fitFrame, isVisible, pointSize, type DrawModel, type Frame } from './draw';

export const MAP_WIDTH = 760;
export const MAP_HEIGHT = 520;
const PAD = 24;

export interface MapHandle {
  /** the current view (zoom and pan included) as a frame for export */
  frame(): Frame;
  /** centres and zooms on a point */
  focus(point: number): void;
  /** frames per second over `ms` of continuous panning (for the benchmark) */
  measurePan(ms: number): Promise<number>;
}

/**
 * The map on one canvas: d3 scales fit the points, d3-zoom pans and zooms, a quadtree finds the point under the
 * pointer. In "select" mode a drag draws a rectangle (brush) instead of panning.
 */
export function MapCanvas(props: {
  model: DrawModel;
  mode: 'pan' | 'select';
  label: string;
  onHover(point: number | undefined, at: { x: number; y: number }): void;
  onClick(point: number | undefined): void;
  onBrush(points: number[]): void;
  handle?: Ref<MapHandle>;
}) {
  const { model, mode, onHover, onClick, onBrush } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [brush, setBrush] = useState<{ x0: number; y0: number; x1: number; y1: number }>();
  const [drawn, setDrawn] = useState(0);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown>>(undefined);

  // The base frame fits the data, centred (recomputed as t-SNE streams); the zoom transform applies on top.
  const base = useMemo(() => fitFrame(bounds(model.positions, model.probes), MAP_WIDTH, MAP_HEIGHT, PAD + pointSize(model.colour.length, { width: MAP_WIDTH, height: MAP_HEIGHT }) / 2), [model]);

  const frame = useMemo<Frame>(() => ({ width: MAP_WIDTH, height: MAP_HEIGHT, x: (v) => transform.applyX(base.x(v)), y: (v) => transform.applyY(base.y(v)) }), [base, transform]);

  const tree = useMemo<Quadtree<number>>(() => {
    const { positions } = model;
    const visible = Array.from({ length: positions.length / 2 }, (_, i) => i).filter((i) => isVisible(model, i));
    return quadtree<number>()
      .x((i) => base.x(positions[2 * i]))
      .y((i) => base.y(positions[2 * i + 1]))
      .addAll(visible);
  }, [model, base]);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const ratio = window.devicePixelRatio || 1;
    if (element.width !== MAP_WIDTH * ratio) {
      element.width = MAP_WIDTH * ratio;
      element.height = MAP_HEIGHT * ratio;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    setDrawn(drawMap(context, model, frame));
  }, [model, frame]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const behaviour = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 64])
      // In select mode only the wheel zooms: a drag brushes.
      .filter((event: Event) => (mode === 'pan' ? !(event as MouseEvent).button : event.type === 'wheel'))
      .on('zoom', (event: { transform: ZoomTransform }) => setTransform(event.transform));
    zoomRef.current = behaviour;
    select(element).call(behaviour);
    return () => void select(element).on('.zoom', null);
  }, [mode]);

  const pointAt = (clientX: number, clientY: number) => {
    const rect = canvas.current!.getBoundingClientRect();
    const sx = ((clientX - rect.left) / rect.width) * MAP_WIDTH;
    const sy = ((clientY - rect.top) / rect.height) * MAP_HEIGHT;
    const [bx, by] = transform.invert([sx, sy]);
    return { sx, sy, point: tree.find(bx, by, 10 / transform.k) };
  };

  useImperativeHandle(
    props.handle,
    () => ({
      frame: () => frame,
      focus(point) {
        const element = canvas.current;
        if (!element || !zoomRef.current) return;
        const k = Math.max(transform.k, 4);
        const target = zoomIdentity
          .translate(MAP_WIDTH / 2, MAP_HEIGHT / 2)
          .scale(k)
          .translate(-base.x(model.positions[2 * point]), -base.y(model.positions[2 * point + 1]));
        select(element).call(zoomRef.current.transform, target);
      },
      measurePan(ms) {
        const element = canvas.current;
        const behaviour = zoomRef.current;
        if (!element || !behaviour) return Promise.resolve(0);
        return new Promise((resolve) => {
          const started = performance.now();
          let frames = 0;
          const stepFrame = (now: number) => {
            frames++;
            select(element).call(behaviour.translateBy, Math.sin(now / 200) * 6, Math.cos(now / 200) * 6);
            if (now - started < ms) requestAnimationFrame(stepFrame);
            else resolve((1000 * frames) / (now - started));
          };
          requestAnimationFrame(stepFrame);
        });
      },
    }),
    [frame, transform, base, model],
  );

  return (
    <div className="explore-map-frame">
      <canvas
        ref={canvas}
        className="explore-map"
        data-testid="explore-map"
        data-points={drawn}
        data-point-size={pointSize(model.colour.length, { width: MAP_WIDTH, height: MAP_HEIGHT })}
        data-selected={model.selection?.size ?? 0}
        role="img"
        aria-label={props.label}
        style={{ width: MAP_WIDTH, height: MAP_HEIGHT, cursor: mode === 'select' ? 'crosshair' : 'grab' }}
        onPointerMove={(event) => {
          const { point } = pointAt(event.clientX, event.clientY);
          const rect = canvas.current!.getBoundingClientRect();
          onHover(point, { x: event.clientX - rect.left, y: event.clientY - rect.top });
          if (brush) {
            const { sx, sy } = pointAt(event.clientX, event.clientY);
            setBrush({ ...brush, x1: sx, y1: sy });
          }
        }}
        onPointerLeave={() => onHover(undefined, { x: 0, y: 0 })}
        onPointerDown={(event) => {
          if (mode !== 'select') return;
          const { sx, sy } = pointAt(event.clientX, event.clientY);
          canvas.current!.setPointerCapture(event.pointerId);
          setBrush({ x0: sx, y0: sy, x1: sx, y1: sy });
        }}
        onPointerUp={(event) => {
          if (mode === 'select' && brush) {
            const { sx, sy } = pointAt(event.clientX, event.clientY);
            const [x0, x1] = [Math.min(brush.x0, sx), Math.max(brush.x0, sx)];
            const [y0, y1] = [Math.min(brush.y0, sy), Math.max(brush.y0, sy)];
            setBrush(undefined);
            if (x1 - x0 < 3 && y1 - y0 < 3) return onClick(pointAt(event.clientX, event.clientY).point);
            const inside: number[] = [];
            for (let i = 0; i < model.colour.length; i++) {
              if (!isVisible(model, i)) continue;
              const px = frame.x(model.positions[2 * i]);
              const py = frame.y(model.positions[2 * i + 1]);
              if (px >= x0 && px <= x1 && py >= y0 && py <= y1) inside.push(i);
            }
            onBrush(inside);
          }
        }}
        onClick={(event) => {
          if (mode === 'pan') onClick(pointAt(event.clientX, event.clientY).point);
        }}
      />
      {brush && (
        <div
          className="explore-brush"
          style={{ left: Math.min(brush.x0, brush.x1), top: Math.min(brush.y0, brush.y1), width: Math.abs(brush.x1 - brush.x0), height: Math.abs(brush.y1 - brush.y0) }}
        />
      )}
    </div>
  );
}
