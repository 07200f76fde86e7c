import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, MINI, region as regionOn, startMlpRun } from './steps';


// Detection runs on a real photo that @vladmandic/face-api (MIT) ships in its package (read from node_modules, not
// committed): three people, the detector's own demo picture. FER2013 faces themselves are tight crops the detector
// does not find on their own; they check the cut instead: a face drawn on a larger background and cropped by hand
// exactly where it was drawn must come back as the FER face.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLE = new URL('../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url).pathname;
const FACE_NAMES = ['train/happy/Training_10248095.jpg', 'train/happy/Training_10367793.jpg'];
const FACE_SIDE = 192;
const GAP = 64;

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const region = (name: string) => regionOn(page, name);
const classify = () => region('Classify');

/** A PNG drawn in the page: the given JPEG faces side by side, each FACE_SIDE px, on a plain gray background. */
async function photoOfFaces(faces: Uint8Array[]): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ faces, side, gap }) => {
      const canvas = new OffscreenCanvas(faces.length * (side + gap) + gap, side + 2 * gap);
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#9a9a9a';
      context.fillRect(0, 0, canvas.width, canvas.height);
      for (const [i, b64] of faces.entries()) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
        // Nearest-neighbour: each FER pixel becomes a 4×4 block, which the app's area resize averages back exactly.
        context.imageSmoothingEnabled = false;
        context.drawImage(bitmap, gap + i * (side + gap), gap, side, side);
      }
      const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      let text = '';
      for (const b of png) text += String.fromCharCode(b);
      return btoa(text);
    },
    { faces: faces.map((f) => Buffer.from(f).toString('base64')), side: FACE_SIDE, gap: GAP },
  );
  return Buffer.from(base64, 'base64');
}

/** A picture without a face: smooth colour gradients. */
async function photoWithoutFace(): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(480, 320);
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, 480, 320);
    gradient.addColorStop(0, '#1d6fa5');
    gradient.addColorStop(1, '#e8c547');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 480, 320);
    const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let text = '';
    for (const b of png) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

/** The 48×48 pixels a FaceCanvas shows (gray: the red channel). */
async function canvasPixels(name: string | RegExp): Promise<number[]> {
  const canvas = classify().getByRole('img', { name });
  await page.waitForFunction((el) => (el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data[3] === 255, await canvas.elementHandle());
  return canvas.evaluate((el) => Array.from((el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 0)));
}

test('without CLIP or a trained model, a photo still gets its faces cropped and says what is missing', async () => {
  await classify().getByLabel('Photo', { exact: true }).setInputFiles(SAMPLE);
  await classify().getByRole('status').filter({ hasText: /Found 3 faces in sample1\.jpg \(1920×1280, worked on at 1600×1067\)/ }).waitFor({ timeout: 120_000 });
  for (const n of [1, 2, 3]) await classify().getByRole('img', { name: `The exact 48×48 grayscale input of face ${n}` }).waitFor();
  await classify().getByText(/CLIP is not loaded: load it in the Embed section/).first().waitFor({ timeout: 30_000 });
  assert.match(await classify().getByTestId('classify-mlp-note').first().innerText(), /No trained model yet: embed the dataset and train an MLP/);
});

test('upload: every face is found and cropped as FER2013 frames it; the 48×48 input, MLP and zero-shot bars and the nearest training faces appear', async () => {
  // The tiny CLIP model, the mini dataset embedded, and a quick MLP run, as e2e/notebook.e2e.ts does.
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const train = await startMlpRun(page, 'clip', { Epochs: '2', 'Hidden layers': '32' });
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });

  await classify().getByLabel('Photo', { exact: true }).setInputFiles(SAMPLE);
  await classify().getByRole('status').filter({ hasText: /Found 3 faces in sample1\.jpg/ }).waitFor({ timeout: 120_000 });
  assert.match(await classify().getByTestId('classify-model').innerText(), /Classifying with CLIP MLP 32, [\d.]+% test, fer2013-mini\.zip/);

  for (const n of [1, 2, 3]) {
    const card = classify().getByRole('listitem', { name: `Face ${n}`, exact: true });
    await card.getByTestId('classify-mlp-bars').waitFor({ timeout: 60_000 });
    await card.getByTestId('classify-zero-shot-bars').waitFor();
    for (const bars of ['classify-mlp-bars', 'classify-zero-shot-bars']) {
      const values = (await card.getByTestId(bars).locator('.prob-value').allInnerTexts()).map((t) => Number(t.replace('%', '')));
      assert.equal(values.length, 7);
      assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) - 100) < 0.5, `${bars} sum to 100%: ${values}`);
    }
    assert.match(await card.getByTestId('classify-mlp-bars').locator('figcaption').innerText(), /Trained model: CLIP MLP 32/);
    assert.match(await card.getByTestId('classify-zero-shot-bars').locator('figcaption').innerText(), /CLIP zero-shot, prompts “A \{\} human face”/);
    assert.equal(await card.locator('.neighbours canvas').count(), 8);
    assert.match(await card.locator('.neighbours figcaption').innerText(), /of 2\d\d embedded/);
    // The crop frames a face: a face-sized square, turned to level the eyes (two of the three heads are tilted).
    const value = async (label: string) => Number(await card.getByLabel(label).inputValue());
    const crop = { cx: await value('Centre x'), cy: await value('Centre y'), size: await value('Side'), angle: await value('Rotation °') };
    assert.ok(Math.abs(crop.angle) < 45, `face ${n} rotation ${crop.angle}°`);
    assert.ok(crop.size > 80 && crop.size < 400, `face ${n} side ${crop.size}`);
    console.log(`face ${n}: crop ${JSON.stringify(crop)}`);
  }
});

test('the photo’s results download as CSV: one row per face and classifier, with all seven probabilities', async () => {
  const [csv] = await Promise.all([page.waitForEvent('download'), classify().getByRole('button', { name: 'Download results (CSV)' }).click()]);
  assert.equal(csv.suggestedFilename(), 'sample1-emotions.csv');
  const lines = readFileSync((await csv.path())!, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'photo,face,source,detector_score,crop_cx,crop_cy,crop_side,crop_angle,classifier,model,predicted,p_angry,p_disgust,p_fear,p_happy,p_sad,p_surprise,p_neutral');
  assert.equal(lines.length, 1 + 3 * 2);
  for (const line of lines.slice(1)) {
    assert.match(line, /^sample1\.jpg,[123],detected,[\d.]+,[\d.]+,[\d.]+,[\d.]+,-?[\d.]+,(mlp|zero-shot),.+,(angry|disgust|fear|happy|sad|surprise|neutral)(,[\d.e-]+){7}$/);
    const probabilities = line.split(',').slice(-7).map(Number);
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3, line);
  }
});

test('the classified faces go on the Explore map, placed by their nearest mapped faces', async () => {
  const explore = region('Explore');
  // Before the images are mapped there is nowhere to put them: the section says what to do.
  await classify().getByRole('button', { name: 'Place on the Explore map' }).click();
  await classify().getByRole('alert').filter({ hasText: /Map the images first/ }).waitFor();
  await explore.getByLabel('View').selectOption({ label: 'Images' });
  await explore.getByLabel('Iterations').fill('300');
  await explore.getByRole('button', { name: 'Map' }).click();
  await page.waitForFunction(() => Number(document.querySelector('#explore .explore-stage')?.getAttribute('data-completed') ?? 0) > 0, undefined, { timeout: 120_000 });
  await classify().getByRole('button', { name: 'Place on the Explore map' }).click();
  await classify().getByRole('status').filter({ hasText: /Placed 3 faces on the Explore map, approximately/ }).waitFor();
  const placed = explore.getByTestId('explore-probe-faces');
  assert.equal(await placed.count(), 3);
  assert.match(await placed.first().locator('figcaption').innerText(), /“sample1\.jpg · face 1: .*” \(photo\): its nearest faces/);
});

test('the classified photo, its faces and bars have no WCAG A/AA violations', async () => {
  // axe through the DevTools protocol, as e2e/a11y.e2e.ts does, over this section in its fullest state.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run('#classify', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
  assert.deepEqual(violations, []);
});

test('a crop drawn exactly over a FER2013 face gives back that face as the 48×48 input', async () => {
  const zip = unzipSync(new Uint8Array(readFileSync(MINI)));
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'fer-faces.png', mimeType: 'image/png', buffer: await photoOfFaces(FACE_NAMES.map((n) => zip[n])) });
  await classify().getByRole('status').filter({ hasText: /in fer-faces\.png/ }).waitFor({ timeout: 60_000 });
  await page.locator('#classify[data-state=done]').waitFor();
  const found = await classify().getByRole('listitem', { name: /^Face \d+$/ }).count();
  for (const [i, name] of FACE_NAMES.entries()) {
    const photo = classify().getByRole('img', { name: /^fer-faces\.png with/ });
    await photo.scrollIntoViewIfNeeded();
    const box = (await photo.boundingBox())!;
    await page.mouse.move(box.x + 5, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + 60, { steps: 3 });
    await page.mouse.up();
    const n = found + i + 1;
    const card = classify().getByRole('listitem', { name: `Face ${n}`, exact: true });
    await card.getByText('drawn by hand').waitFor();
    // Exactly the square the face was drawn into.
    await card.getByLabel('Centre x').fill(String(GAP + i * (FACE_SIDE + GAP) + FACE_SIDE / 2));
    await card.getByLabel('Centre y').fill(String(GAP + FACE_SIDE / 2));
    await card.getByLabel('Side').fill(String(FACE_SIDE));
    const original = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      const context = new OffscreenCanvas(48, 48).getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return Array.from(context.getImageData(0, 0, 48, 48).data.filter((_, k) => k % 4 === 0));
    }, Buffer.from(zip[name]).toString('base64'));
    // The face was upscaled 4× by pixel repetition, saved losslessly, and the app averages each 4×4 block back.
    const label = `The exact 48×48 grayscale input of face ${n}`;
    await page.waitForFunction(
      async ([el, expected]) => {
        const data = (el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data;
        let worst = 0;
        for (let k = 0; k < 48 * 48; k++) worst = Math.max(worst, Math.abs(data[k * 4] - (expected as number[])[k]));
        return data[3] === 255 && worst === 0;
      },
      [await card.getByRole('img', { name: label }).elementHandle(), original] as const,
      { timeout: 30_000 },
    );
    assert.deepEqual(await canvasPixels(label), original);
  }
});

test('a picture without a face asks for a manual crop, and a drawn crop is classified', async () => {
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'no-face.png', mimeType: 'image/png', buffer: await photoWithoutFace() });
  await classify().getByRole('status').filter({ hasText: /No face found in no-face\.png .*Draw a square around the face/ }).waitFor({ timeout: 60_000 });
  assert.equal(await classify().getByRole('listitem', { name: /^Face \d+$/ }).count(), 0);
  const photo = classify().getByRole('img', { name: /no-face\.png with 0 face crops/ });
  await photo.scrollIntoViewIfNeeded();
  const box = (await photo.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  const card = classify().getByRole('listitem', { name: 'Face 1', exact: true });
  await card.getByRole('img', { name: 'The exact 48×48 grayscale input of face 1' }).waitFor();
  await card.getByTestId('classify-mlp-bars').waitFor({ timeout: 60_000 });
  assert.match(await card.innerText(), /drawn by hand/);
  // Without a pointer: a centred crop, set by its fields.
  await classify().getByRole('button', { name: 'Add a crop by hand' }).click();
  await classify().getByRole('listitem', { name: 'Face 2', exact: true }).getByTestId('classify-mlp-bars').waitFor({ timeout: 60_000 });
  assert.equal(await classify().getByRole('listitem', { name: 'Face 2', exact: true }).getByLabel('Side').inputValue(), '160');
  // Adjusting the crop by hand cuts a new input.
  const before = await canvasPixels('The exact 48×48 grayscale input of face 1');
  await card.getByLabel('Centre x').fill('400');
  await page.waitForFunction(
    ([el, first]) => {
      const data = (el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data;
      return data.some((v, i) => i % 4 === 0 && v !== (first as number[])[i / 4]);
    },
    [await card.getByRole('img', { name: 'The exact 48×48 grayscale input of face 1' }).elementHandle(), before] as const,
  );
});

test('the Explore map shows the open photo’s faces only, in place of the earlier photo’s', async () => {
  // sample1.jpg's 3 faces were placed above; this photo has the 2 faces drawn by hand
  await classify().getByRole('button', { name: 'Place on the Explore map' }).click();
  await classify().getByRole('status').filter({ hasText: /Placed 2 faces on the Explore map/ }).waitFor();
  const placed = region('Explore').getByTestId('explore-probe-faces').locator('figcaption');
  assert.deepEqual(
    (await placed.allInnerTexts()).map((t) => /“([^:]+):/.exec(t)?.[1]).sort(),
    ['no-face.png · face 1 (drawn)', 'no-face.png · face 2 (drawn)'],
  );
});

test('a photo pasted from the clipboard or dropped on the section is opened too', async () => {
  const sample = readFileSync(SAMPLE).toString('base64');
  await page.evaluate((b64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.jpg', { type: 'image/jpeg' }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, sample);
  await classify().getByRole('status').filter({ hasText: /Found 3 faces in pasted\.jpg/ }).waitFor({ timeout: 60_000 });
  await page.evaluate((b64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.jpg', { type: 'image/jpeg' }));
    document.querySelector('#classify .dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, sample);
  await classify().getByRole('status').filter({ hasText: /Found 3 faces in dropped\.jpg/ }).waitFor({ timeout: 60_000 });
  // Another detector searches the open photo again.
  await classify().getByLabel('Face detector').selectOption('tiny');
  await classify().getByRole('status').filter({ hasText: /Found \d+ faces? in dropped\.jpg/ }).waitFor({ timeout: 60_000 });
  await classify().getByRole('listitem', { name: 'Face 1', exact: true }).getByTestId('classify-mlp-bars').waitFor({ timeout: 60_000 });
  await classify().getByLabel('Face detector').selectOption('ssd');
});

test('a file that is not an image, and a damaged image, are refused with the reason', async () => {
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
  await classify().getByRole('alert').filter({ hasText: /notes\.txt is not an image \(text\/plain\)/ }).waitFor({ timeout: 30_000 });
  const zip = unzipSync(new Uint8Array(readFileSync(MINI)));
  const jpeg = zip[FACE_NAMES[0]];
  const damaged = Buffer.concat([Buffer.from(jpeg.subarray(0, 200)), Buffer.alloc(400, 0x55)]);
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: damaged });
  await classify().getByRole('alert').filter({ hasText: /broken\.jpg looks like a JPEG image but cannot be decoded: the file is damaged/ }).waitFor({ timeout: 30_000 });
});

test('a huge photo is downscaled in the worker and still classified', async () => {
  const sample = readFileSync(SAMPLE).toString('base64');
  const base64 = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
    const canvas = new OffscreenCanvas(7680, 5120);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, 7680, 5120);
    const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 })).arrayBuffer());
    let text = '';
    for (const b of jpeg) text += String.fromCharCode(b);
    return btoa(text);
  }, sample);
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') });
  await classify().getByRole('status').filter({ hasText: /Found 3 faces in huge\.jpg \(7680×5120, worked on at 1600×1067\)/ }).waitFor({ timeout: 120_000 });
  await classify().getByRole('listitem', { name: 'Face 1', exact: true }).getByTestId('classify-zero-shot-bars').waitFor({ timeout: 60_000 });
});

test('a phone photo turned by its EXIF orientation is shown upright and downscaled without squashing', async () => {
  // An APP1 Exif segment right after the JPEG's start: one IFD entry, Orientation (0x0112) = 6 (turn 90° clockwise).
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  const sample = readFileSync(SAMPLE);
  const turned = Buffer.concat([sample.subarray(0, 2), app1, sample.subarray(2)]);
  await classify().getByLabel('Photo', { exact: true }).setInputFiles({ name: 'turned.jpg', mimeType: 'image/jpeg', buffer: turned });
  await classify().getByRole('status').filter({ hasText: /in turned\.jpg \(1280×1920, worked on at 1067×1600\)/ }).waitFor({ timeout: 60_000 });
  const photo = classify().getByRole('img', { name: /^turned\.jpg with/ });
  assert.deepEqual(await photo.evaluate((el) => [(el as HTMLCanvasElement).width, (el as HTMLCanvasElement).height]), [1067, 1600]);
});

test('the camera stays off until asked; no camera gives a clear message', async () => {
  assert.equal(await classify().getByRole('button', { name: 'Capture' }).count(), 0);
  await classify().getByRole('button', { name: 'Use the camera' }).click();
  // Headless Chromium without a fake device has no camera (or no permission): either is named.
  await classify().getByRole('alert').filter({ hasText: /No camera was found|Camera permission was denied|no camera to this page/ }).waitFor({ timeout: 30_000 });
});

test('with a camera: a live preview, a capture button, and the captured frame is classified', async () => {
  // Chromium's fake camera (a moving test pattern) with the permission granted: the whole capture path runs.
  const cameraHarness = await startHarness({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  try {
    const cameraPage = await cameraHarness.newPage();
    const section = cameraPage.getByRole('region', { name: /Classify/ });
    await section.getByRole('button', { name: 'Use the camera' }).click();
    const preview = section.getByLabel('Camera preview');
    await cameraPage.waitForFunction((el) => (el as HTMLVideoElement).videoWidth > 0 && !(el as HTMLVideoElement).paused, await preview.elementHandle());
    await section.getByRole('button', { name: 'Capture' }).click();
    await section.getByRole('status').filter({ hasText: /in camera frame \(\d+×\d+\)/ }).waitFor({ timeout: 60_000 });
    // Capturing stops the camera.
    assert.equal(await section.getByLabel('Camera preview').count(), 0);
    await section.getByRole('img', { name: /^camera frame with/ }).waitFor();
  } finally {
    await cameraHarness.close();
  }
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
