import { Browser, BrowserContext, Page, devices, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const phone = { ...devices['iPhone 13'] };
export const desktop = { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } };

// Panics of the browser app (a failed hydration leaves a page that looks right but does nothing),
// per page, from the moment a test signs in on it.
const panics = new WeakMap<Page, string[]>();

function watchForPanics(page: Page) {
  if (panics.has(page)) return;
  const seen: string[] = [];
  panics.set(page, seen);
  page.on('console', (message) => {
    if (message.type() === 'error' && /panicked|hydration error/i.test(message.text())) {
      seen.push(`${page.url()}: ${message.text().slice(0, 300)}`);
    }
  });
}

/** Signs in on the demo sign-in screen as the person with this name; returns when their home page shows. */
export async function signInAs(page: Page, name: string) {
  watchForPanics(page);
  await page.goto('/signin');
  await hydrated(page);
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  // A whole new page (signed in, then loaded afresh) while other journeys run beside it on two
  // cores: give it longer than a click's answer.
  await expect(page.locator('.app-header')).toContainText(name, { timeout: 15_000 });
}

/** Waits until the app has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

/** A fresh browser context (its own cookies) with the given device, signed in as `name`. */
export async function personOn(browser: Browser, device: object, name: string, baseURL = process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...device, baseURL });
  const page = await context.newPage();
  await signInAs(page, name);
  return { context, page };
}

/** Waits until the page's live event stream is connected (the header says "Live"). */
export async function liveConnected(page: Page) {
  await expect(page.locator('.live--on')).toBeVisible();
}

/** Marks the document so that a later check can prove no full page load happened in between. */
export async function markDocument(page: Page) {
  await page.evaluate(() => { (window as any).__frontdoorMark = 'still-here'; });
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as any).__frontdoorMark)).toBe('still-here');
}

/** Holds the app's code (every `.wasm`) until the returned function is called: a slow phone with the server's page on screen and the app not started. */
export async function holdAppCode(page: Page): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route(/\.wasm(\?|$)/, async (route) => { await held; await route.continue(); });
  return release;
}

/** Holds every request to `url` for four seconds before it goes on: an answer still on its way. */
export async function holdOnTheWay(context: BrowserContext, url: string) {
  await context.route(url, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await route.continue();
  });
}

/** Follows a link to `href` put on the page, as a notification's link goes: the app stays, its page changes. */
export async function followLinkTo(page: Page, href: string) {
  await page.evaluate((to) => {
    const link = document.createElement('a');
    link.href = to;
    link.id = 'followed-link';
    link.textContent = 'Another page';
    document.querySelector('main')?.append(link);
  }, href);
  await page.locator('#followed-link').click();
}

export function screenshotPath(name: string) {
  return `screenshots/${name}.png`;
}

/**
 * The newest one-time link mailed to `address` (other than `previous`), read from the real SMTP
 * server's mailbox (scripts/test.sh starts it and passes its Maildir). `kind` matches the link
 * (a sign-in link unless said otherwise).
 */
export async function mailedLink(address: string, previous?: string, kind = /https?:\/\/\S+\/signin\/link\?token=[\w-]+/): Promise<string> {
  const maildir = process.env.SMTP_CAPTURE_MAILDIR;
  if (!maildir) throw new Error('SMTP_CAPTURE_MAILDIR is not set: run the tests through scripts/test.sh');
  const fs = await import('node:fs');
  let link: string | undefined;
  await expect.poll(() => {
    const dir = `${maildir}/new`;
    const mails = fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((file) => fs.readFileSync(`${dir}/${file}`, 'utf8')) : [];
    // The newest mail to them with such a link (other mail may arrive meanwhile). Quoted-printable:
    // join soft line breaks, decode "=3D".
    link = mails
      .filter((text) => text.includes(`To: ${address}`))
      .map((text) => text.replace(/=\r?\n/g, '').replace(/=3D/g, '='))
      .reverse()
      .map((body) => body.match(kind)?.[0])
      .find((found) => found !== undefined);
    return link !== previous ? link : undefined;
  }, { timeout: 10_000, message: `a mail with a link to ${address}` }).toBeTruthy();
  return link!;
}

/**
 * An authenticator app, written independently of the server's (RFC 6238 with Node's HMAC): the
 * 6-digit code for a base32 key at `atMs`.
 */
export async function authenticatorCode(base32Key: string, atMs = Date.now()): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = base32Key.replace(/[\s=]/g, '').toUpperCase().split('')
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/** No serious or critical accessibility problems (axe-core, WCAG 2.1 AA rules). */
export async function expectAccessible(page: Page) {
  expect(panics.get(page) ?? [], 'the browser app ran without panicking').toEqual([]);
  // Whatever is arriving (a live toast fading in) is checked as it will stay, not half-transparent.
  // (Some never finish — a spinner's turn, a paused one: a second at most.)
  await page.evaluate(() => Promise.race([
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
    new Promise((done) => setTimeout(done, 1_000)),
  ]));
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * Nothing scrolls sideways, everything tappable is at least 44 px tall, and no text field is small
 * enough for a phone to zoom in on it. A control inside a label counts the label (a radio's whole
 * choice card is its target); a visually hidden control is reached through its label.
 */
export async function expectPhoneFriendly(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main a, main button, main input, main textarea, header a, header button, .fab')]
      .filter((el) => (el as HTMLElement).offsetParent !== null && !el.classList.contains('visually-hidden'))
      .map((el) => ({ el, box: (el.closest('label') ?? el).getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44)
      .map(({ el }) => el.outerHTML.slice(0, 80)));
  expect(small).toEqual([]);
  // Text fields at 16 px or more: smaller, and iOS Safari zooms the page in on focus.
  const zooming = await page.evaluate(() =>
    [...document.querySelectorAll('input, textarea, select')]
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => !['checkbox', 'radio', 'hidden', 'file', 'submit', 'button'].includes((el as HTMLInputElement).type))
      .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 16)
      .map((el) => `${el.outerHTML.slice(0, 80)} (${getComputedStyle(el).fontSize})`));
  expect(zooming).toEqual([]);
}

/** The header names who is signed in (on a phone, by first name) without cutting the name short. */
export async function expectWholeName(page: Page) {
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll('.app-header__name')]
      .filter((el) => el.scrollWidth > el.clientWidth)
      .map((el) => (el as HTMLElement).innerText));
  expect(cut).toEqual([]);
}
