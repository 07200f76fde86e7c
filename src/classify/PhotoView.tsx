import { useEffect, useRef, useState } from 'react';
import { cropCorners, cropFromDrag, type Crop, type Point } from './crop';
import type { Face, OpenPhoto } from './store';

/**
 * The photo with every face's crop drawn on it (turned squares, numbered). Dragging across the photo draws a new
 * crop by hand: how a face the detector missed is classified.
 */
export function PhotoView({ photo, faces, selected, onDraw, onSelect }: { photo: OpenPhoto; faces: Face[]; selected: number; onDraw: (crop: Crop) => void; onSelect: (index: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ start: Point; end: Point }>();

  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (!context) return;
    context.drawImage(photo.bitmap, 0, 0);
    const line = Math.max(2, photo.width / 300);
    const outline = (crop: Crop, colour: string, dashed = false) => {
      const corners = cropCorners(crop);
      context.beginPath();
      corners.forEach((p, i) => (i === 0 ? context.moveTo(p.x, p.y) : context.lineTo(p.x, p.y)));
      context.closePath();
      context.setLineDash(dashed ? [line * 3, line * 2] : []);
      context.lineWidth = line;
      context.strokeStyle = colour;
      context.stroke();
      // The top edge is thicker: which way is up in the face frame.
      context.beginPath();
      context.moveTo(corners[0].x, corners[0].y);
      context.lineTo(corners[1].x, corners[1].y);
      context.lineWidth = line * 2;
      context.stroke();
      return corners[0];
    };
    faces.forEach((face, i) => {
      const colour = i === selected ? '#f5a623' : '#2f80ed';
      const corner = outline(face.crop, colour);
      context.font = `${Math.round(line * 8)}px sans-serif`;
      context.fillStyle = colour;
      context.fillText(String(i + 1), corner.x + line * 2, corner.y - line * 2);
    });
    if (drag) outline(cropFromDrag(drag.start, drag.end), '#eb5757', true);
  }, [photo, faces, selected, drag]);

  const toPhoto = (event: React.PointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * photo.width, y: ((event.clientY - rect.top) / rect.height) * photo.height };
  };

  return (
    <canvas
      ref={ref}
      className="classify-photo"
      width={photo.width}
      height={photo.height}
      role="img"
      aria-label={`${photo.name} with ${faces.length} face crop${faces.length === 1 ? '' : 's'}; drag across the photo to draw a crop by hand`}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        const p = toPhoto(event);
        setDrag({ start: p, end: p });
      }}
      onPointerMove={(event) => drag && setDrag({ start: drag.start, end: toPhoto(event) })}
      onPointerUp={(event) => {
        if (!drag) return;
        const end = toPhoto(event);
        setDrag(undefined);
        const moved = Math.max(Math.abs(end.x - drag.start.x), Math.abs(end.y - drag.start.y));
        // A click (no real drag) selects the face under it instead of drawing a tiny crop.
        if (moved < 6 * (photo.width / event.currentTarget.getBoundingClientRect().width)) {
          const hit = faces.findIndex((f) => Math.hypot(f.crop.cx - end.x, f.crop.cy - end.y) < f.crop.size / 2);
          if (hit >= 0) onSelect(hit);
          return;
        }
        onDraw(cropFromDrag(drag.start, end));
      }}
      onPointerCancel={() => setDrag(undefined)}
    />
  );
}
