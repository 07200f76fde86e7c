// @vitest-environment happy-dom
/**
 * The Embed section's parts subscribe through selectors: a progress tick re-renders the frame (its status line
 * and progress bar) and not the model form beside it. Render counts come from React's Profiler, which reports a
 * commit of its subtree only when something inside it rendered.
 */
import { act, createElement as h, Profiler } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbedFrame, ModelForm } from './EmbedSection';
import { useEmbedStore } from './store';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const tick = (done: number) => useEmbedStore.setState({ status: { kind: 'working', message: `Embedding ${done} / 385 faces`, percent: (100 * done) / 385 } });

describe('Embed section re-renders', () => {
  let container: HTMLElement;
  let root: Root;
  const renders = { frame: 0, form: 0 };

  beforeEach(async () => {
    renders.frame = renders.form = 0;
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    const count = (part: keyof typeof renders) => () => void renders[part]++;
    await act(async () =>
      root.render(h(Profiler, { id: 'frame', onRender: count('frame') }, h(EmbedFrame, null, h(Profiler, { id: 'form', onRender: count('form') }, h(ModelForm))))),
    );
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    container.remove();
  });

  it('a progress tick re-renders the status line, not the model form', async () => {
    await act(async () => tick(10));
    const form = renders.form;
    const frame = renders.frame;
    await act(async () => tick(20));
    await act(async () => tick(30));
    expect(container.querySelector('[role=status]')?.textContent).toBe('Embedding 30 / 385 faces');
    expect(renders.frame).toBe(frame + 2);
    expect(renders.form).toBe(form);
  });

  it('a change the form shows does re-render it (the counter counts)', async () => {
    const form = renders.form;
    await act(async () => useEmbedStore.getState().setSettings({ precision: 'fp32' }));
    expect(renders.form).toBe(form + 1);
    expect([...container.querySelectorAll('select')].map((select) => select.value)).toContain('fp32');
  });
});
