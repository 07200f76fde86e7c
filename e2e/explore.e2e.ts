import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { embedDataset, importDataset, inkOnMap as inkOn, loadModel, mapView as mapOn, region as regionOn, startMlpRun } from './steps';


let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const region = (name: string) => regionOn(page, name);
const explore = () => region('Explore');
const map = () => explore().getByTestId('explore-map');
const inkOnMap = () => inkOn(map());
const mapView = (view: string, expectedPoints: number) => mapOn(page, view, expectedPoints);

/** The box around every inked pixel of the map, in CSS px, and the canvas's size. */
async function inkExtent(): Promise<{ left: number; right: number; top: number; bottom: number; width: number; height: number }> {
  return map().evaluate((canvas: HTMLCanvasElement) => {
    const { width, height } = canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const ratio = width / canvas.getBoundingClientRect().width;
    let [left, right, top, bottom] = [width, 0, height, 0];
    for (let p = 0; p < width * height; p++) {
      if (data[4 * p] > 235 && data[4 * p + 1] > 235 && data[4 * p + 2] > 235) continue;
      const x = p % width;
      const y = Math.floor(p / width);
      [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
    }
    return { left: left / ratio, right: (width - 1 - right) / ratio, top: top / ratio, bottom: (height - 1 - bottom) / ratio, width: width / ratio, height: height / ratio };
  });
}

/** Label boxes of an exported SVG's texts (12 px, the width the export itself assumes): pairs that intersect. */
function overlappingLabels(svg: string): string[] {
  const boxes = [...svg.matchAll(/<text x="([-\d.]+)" y="([-\d.]+)" font-size="12" text-anchor="(start|end)">([^<]+)<\/text>/g)].map(([, x, y, anchor, text]) => {
    const width = text.length * 12 * 0.58;
    return { text, left: anchor === 'start' ? Number(x) : Number(x) - width, width, top: Number(y) - 12, height: 15 };
  });
  return boxes.flatMap((a, i) =>
    boxes.slice(i + 1).filter((b) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height).map((b) => `${a.text} × ${b.text}`),
  );
}

test('maps the mini dataset’s images, shows a face on hover, pins neighbours and exports the view', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const train = await startMlpRun(page, undefined, { Epochs: '3', 'Hidden layers': '32' });
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });

  // The projection form's fields sit side by side without overlapping: a long help text wraps in its own cell (the
  // Projection help used to run into Perplexity's, and some inputs spilled out of their field).
  const overlaps = await explore()
    .locator('.explore-field')
    .evaluateAll((fields) => {
      const boxes = fields.map((f) => {
        // a field's box, and everything drawn in it (its input, label and help)
        const parts = [f, ...f.querySelectorAll('*')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
        return { left: Math.min(...parts.map((r) => r.left)), right: Math.max(...parts.map((r) => r.right)), top: Math.min(...parts.map((r) => r.top)), bottom: Math.max(...parts.map((r) => r.bottom)) };
      });
      const found: string[] = [];
      boxes.forEach((a, i) =>
        boxes.slice(i + 1).forEach((b, k) => {
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) found.push(`${fields[i].textContent?.slice(0, 20)} × ${fields[i + 1 + k].textContent?.slice(0, 20)}`);
        }),
      );
      return found;
    });
  assert.deepEqual(overlaps, []);

  await explore().getByLabel('Sample size').fill('1000');
  await explore().getByLabel('Iterations').fill('300');
  // 385 faces (two share their pixels, so 384 distinct embeddings): one point per face.
  await mapView('Images', 385);
  assert.match(await explore().getByRole('status').innerText(), /t-SNE of 385 images .* 300 iterations, perplexity 30/);
  // The map is centred on the canvas and fills it on the axis that limits it (it sat left of centre with the right
  // third empty), and 385 faces are drawn larger than 3 px.
  const ink = await inkExtent();
  assert.ok(Math.abs(ink.left - ink.right) < 0.05 * ink.width, `margins left ${ink.left} px, right ${ink.right} px`);
  assert.ok(Math.abs(ink.top - ink.bottom) < 0.05 * ink.height, `margins top ${ink.top} px, bottom ${ink.bottom} px`);
  assert.ok(Math.min(ink.left + ink.right, ink.top + ink.bottom) < 80, `margins ${JSON.stringify(ink)}: the map does not fill the canvas`);
  assert.ok(Number(await map().getAttribute('data-point-size')) > 3, 'points larger than 3 px');

  // Hover a drawn point: its face appears, with its true emotion.
  const { at } = await inkOnMap();
  assert.ok(at, 'a point is drawn');
  await map().hover({ position: at });
  const tooltip = explore().getByTestId('explore-tooltip');
  await tooltip.getByRole('img', { name: /^face #\d+ (angry|disgust|fear|happy|sad|surprise|neutral)/ }).waitFor();

  // Click pins it; its nearest neighbours in the original space are listed with their faces.
  await map().click({ position: at });
  const pinned = explore().getByTestId('explore-pinned');
  await pinned.getByRole('img').nth(12).waitFor();
  assert.equal(await pinned.getByRole('img').count(), 13);
  // each neighbour is captioned with its true emotion and its cosine similarity to three decimals
  const captions = await pinned.locator('li .probability').allInnerTexts();
  assert.match(captions[0], /^(angry|disgust|fear|happy|sad|surprise|neutral) · pinned$/);
  for (const caption of captions.slice(1)) assert.match(caption, /^(angry|disgust|fear|happy|sad|surprise|neutral) -?\d\.\d{3}$/);

  // The legend hides a class: fewer points are drawn.
  await explore().getByRole('button', { name: 'happy' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=explore-map]')?.getAttribute('data-points') !== '385');
  const shown = Number(await map().getAttribute('data-points'));
  assert.ok(shown < 385 && shown > 0, `${shown} points drawn with happy hidden`);
  await explore().getByRole('button', { name: 'happy' }).click();
  await map().and(page.locator('[data-points="385"]')).waitFor();

  // Colour by prediction: test images of the trained run keep a class colour, the others turn grey.
  await explore().getByLabel('Colour by').selectOption('predicted');
  await explore().getByRole('button', { name: 'no prediction' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=explore-map]')?.getAttribute('data-points') !== '385');
  const predicted = Number(await map().getAttribute('data-points'));
  assert.ok(predicted > 0 && predicted < 385, `${predicted} test images drawn`);
  await explore().getByRole('button', { name: 'no prediction' }).click();

  // Exports: CSV with one row per point, PNG and SVG, the settings.
  const [csv] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'image_id,label,split,x,y');
  assert.equal(lines.length, 386);
  assert.match(lines[1], /^[0-9a-f]+,(angry|disgust|fear|happy|sad|surprise|neutral),(train|test),-?[\d.e-]+,-?[\d.e-]+$/);
  const [png] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download PNG' }).click()]);
  const pngBytes = readFileSync((await png.path())!);
  assert.deepEqual([...pngBytes.subarray(1, 4)], [...Buffer.from('PNG')]);
  // The PNG has a title above the map and the emotion legend below it, as the SVG has: taller than the map, with
  // every emotion's colour in the legend row and dark title text in the band above the map.
  const png2x = { width: pngBytes.readUInt32BE(16), height: pngBytes.readUInt32BE(20) };
  assert.equal(png2x.width, 2 * ink.width);
  assert.ok(png2x.height > 2 * ink.height + 80, `PNG ${png2x.width}×${png2x.height} for a ${ink.width}×${ink.height} map`);
  const bands = await page.evaluate(async (dataUrl) => {
    const image = new Image();
    image.src = dataUrl;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const colours = (top: number, bottom: number) => {
      const data = context.getImageData(0, top, image.width, bottom - top).data;
      const seen = new Set<string>();
      for (let p = 0; p < data.length; p += 4) seen.add(`#${[data[p], data[p + 1], data[p + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
      return [...seen];
    };
    return { title: colours(0, 40), legend: colours(image.height - 40, image.height) };
  }, `data:image/png;base64,${pngBytes.toString('base64')}`);
  for (const colour of ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1']) assert.ok(bands.legend.includes(colour), `legend colour ${colour}`);
  assert.ok(bands.title.includes('#111111'), 'title text above the map');
  const [svg] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download SVG' }).click()]);
  const svgText = readFileSync((await svg.path())!, 'utf8');
  assert.equal(svgText.match(/<circle /g)?.length, 385);
  const [settings] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download settings' }).click()]);
  const used = JSON.parse(readFileSync((await settings.path())!, 'utf8'));
  assert.equal(used.iterations, 300);
  assert.equal(used.points, 385);

  // The prompt probe lands on the map with its nearest faces.
  await explore().getByRole('button', { name: 'Place prompt' }).click();
  await explore().getByTestId('explore-probe-faces').getByRole('img').nth(9).waitFor();

  // A confusion cell chosen in Train rings its faces on the map.
  await train.getByRole('button', { name: /happy faces predicted happy/ }).click();
  await explore().getByText(/Ringed: happy faces predicted happy/).waitFor();
});

test('UMAP and PCA map the images too, and the same seed gives the same UMAP map', async () => {
  await explore().getByLabel('Projection').selectOption('umap');
  // Fields the chosen projection does not read are disabled, and say why.
  const iterations = explore().getByLabel('Iterations');
  assert.equal(await iterations.isDisabled(), true);
  const why = page.locator(`[id="${await iterations.getAttribute('aria-describedby')}"]`);
  assert.match(await why.innerText(), /^Not used by UMAP: it sets its neighbours \(15\) and its epochs/);
  await mapView('Images', 385);
  assert.match(await explore().getByRole('status').innerText(), /UMAP of 385 images .* epochs, 15 neighbours, min\. distance 0\.1, seed/);
  const first = await map().evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
  await mapView('Images', 385);
  assert.equal(await map().evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL()), first, 'same settings, same map');
  await explore().getByLabel('Projection').selectOption('pca');
  await mapView('Images', 385);
  assert.match(await explore().getByRole('status').innerText(), /PCA of 385 images/);
  await explore().getByLabel('Projection').selectOption('tsne');
  assert.equal(await iterations.isEnabled(), true);
});

/** Drags a rectangle over most of the map in select mode. */
async function brushMap() {
  await explore().getByLabel('Drag to').selectOption('select');
  const box = (await map().boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + box.width - 5, box.y + box.height - 5, { steps: 4 });
  await page.mouse.up();
  await explore().getByLabel('Drag to').selectOption('pan');
}

test('the centroid, prompt and overlay views render, with perplexity clamped for 7 and 14 points', async () => {
  // A brush on the Images view selects faces there only: it is neither drawn on nor made in figs. 6–8.
  await brushMap();
  await explore().getByTestId('explore-selection').waitFor();
  assert.ok(Number(await map().getAttribute('data-selected')) > 0);
  await mapView('Emotion centroids (fig. 6)', 7);
  assert.equal(await map().getAttribute('data-selected'), '0', 'the Images view’s selection is not drawn on fig. 6');
  assert.equal(await explore().getByTestId('explore-selection').count(), 0);
  await brushMap();
  assert.equal(await map().getAttribute('data-selected'), '0', 'a brush on fig. 6 selects nothing');
  assert.match(await explore().getByRole('status').innerText(), /perplexity 2\.00 \(clamped from 30/);
  await mapView('Prompts (fig. 7)', 7);
  await explore().getByLabel(/Centre each modality/).check();
  await mapView('Images and prompts (fig. 8)', 14);
  assert.match(await explore().getByRole('status').innerText(), /t-SNE of 14 points, CLIP image and text embeddings \(512-d\), the prompts “A \{\} human face” in .* perplexity 4\.33 \(clamped/);
  const [csv] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download CSV' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
  assert.equal(lines.length, 15);
  assert.ok(lines.some((l) => /^A happy human face,happy,prompt,/.test(l)), lines.join('\n'));
  // The prompts' labels do not collide ("A surprised human face" over "A happy…"), in the export as on screen.
  const [svg] = await Promise.all([page.waitForEvent('download'), explore().getByRole('button', { name: 'Download SVG' }).click()]);
  const svgText = readFileSync((await svg.path())!, 'utf8');
  assert.equal(svgText.match(/human face<\/text>/g)?.length, 7);
  assert.deepEqual(overlappingLabels(svgText), []);
});
