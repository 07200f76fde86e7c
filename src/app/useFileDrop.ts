import { useState, type DragEvent } from 'react';

/** Drag-and-drop of one file onto an element: the handlers to spread on it, and whether a file is over it now. */
export function useFileDrop(onFile: (file: File) => void, disabled: boolean) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver(e: DragEvent) {
        e.preventDefault();
        setOver(true);
      },
      onDragLeave() {
        setOver(false);
      },
      onDrop(e: DragEvent) {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer.files[0];
        if (file && !disabled) onFile(file);
      },
    },
  };
}
