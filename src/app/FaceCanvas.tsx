import { useEffect, useRef } from 'react';

/** One 48×48 gray face drawn crisp (no smoothing) at any display size. Used wherever a face is shown. */
export function FaceCanvas({ pixels, size = 64, label }: { pixels: Uint8Array; size?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    // Creating a 2D context costs a few ms: each face draws in a task of its own, so a grid of them never
    // becomes one long main-thread task.
    const timer = setTimeout(() => {
      const context = ref.current?.getContext('2d');
      if (!context) return;
      const side = Math.round(Math.sqrt(pixels.length));
      const image = context.createImageData(side, side);
      for (let i = 0; i < pixels.length; i++) {
        image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = pixels[i];
        image.data[i * 4 + 3] = 255;
      }
      context.putImageData(image, 0, 0);
    });
    return () => clearTimeout(timer);
  }, [pixels]);
  return <canvas ref={ref} width={48} height={48} className="face" style={{ width: size, height: size }} role="img" aria-label={label} />;
}
