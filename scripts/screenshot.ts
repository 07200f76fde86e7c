/**
 * `npx tsx scripts/screenshot.ts`: docs/screenshot.png, the README's picture, with real numbers: fer2013-mini
 * embedded by face-api's expression network (real weights, shipped with the app) and an MLP trained on it, in
 * headless Chromium on the built app (run `npm run build` first).
 */
import { startHarness } from '../e2e/harness';
import { embedDataset, importDataset, region } from '../e2e/steps';

const harness = await startHarness();
try {
  const page = await harness.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await importDataset(page);
  const embed = region(page, 'Embed');
  await embed.getByLabel('Backbone').selectOption('face-api-expression');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /ready/ }).waitFor({ timeout: 60_000 });
  await embedDataset(page, 384, 300_000);
  const train = region(page, 'Train');
  await train.getByLabel('Features').selectOption('clip');
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByTestId('train-accuracy').waitFor({ timeout: 300_000 });
  console.log(await train.getByTestId('train-accuracy').innerText());
  await train.getByTestId('train-accuracy').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -260));
  await page.screenshot({ path: 'docs/screenshot.png' });
} finally {
  await harness.close();
}
