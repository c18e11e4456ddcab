// Draws the app icons as PNG from one design, in real Chromium: `node tools/icons.mjs` (from
// end2end/). The PNGs are committed; run this again only when the design changes.
//
// "any" icons keep the rounded tile; "maskable" ones fill the square and keep the letters inside
// the central 80 % circle that launchers may cut to.
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';

const BLUE = '#1d4ed8';
const tile = (size, maskable) => `<!doctype html><html><body style="margin:0">
<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="${maskable ? 0 : 14}" fill="${BLUE}"/>
  <text x="32" y="${maskable ? 39 : 41}" text-anchor="middle" font-family="DejaVu Sans,Arial,sans-serif"
        font-size="${maskable ? 20 : 26}" font-weight="700" fill="#fff">FD</text>
</svg></body></html>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage();
for (const size of [192, 512]) {
  for (const maskable of [false, true]) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(tile(size, maskable));
    const png = await page.locator('svg').screenshot({ omitBackground: !maskable });
    const name = `../../public/icon-${maskable ? 'maskable-' : ''}${size}.png`;
    writeFileSync(new URL(name, import.meta.url), png);
    console.log(name, png.length, 'bytes');
  }
}
await browser.close();
