import { Browser, BrowserContext, Page, devices, expect } from '@playwright/test';

export const phone = { ...devices['iPhone 13'] };
export const desktop = { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } };

/** Signs in on the demo sign-in screen as the person with this name; returns when their home page shows. */
export async function signInAs(page: Page, name: string) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect(page.locator('.app-header')).toContainText(name);
}

/** Waits until the app has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

/** A fresh browser context (its own cookies) with the given device, signed in as `name`. */
export async function personOn(browser: Browser, device: object, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...device, baseURL: process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000' });
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

export function screenshotPath(name: string) {
  return `screenshots/${name}.png`;
}

/**
 * The newest one-time link mailed to `address`, read from the real SMTP server's mailbox
 * (scripts/test.sh starts it and passes its Maildir).
 */
export async function mailedLink(address: string): Promise<string> {
  const maildir = process.env.SMTP_CAPTURE_MAILDIR;
  if (!maildir) throw new Error('SMTP_CAPTURE_MAILDIR is not set: run the tests through scripts/test.sh');
  const fs = await import('node:fs');
  let link: string | undefined;
  await expect.poll(() => {
    const dir = `${maildir}/new`;
    const mails = fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => fs.readFileSync(`${dir}/${file}`, 'utf8')) : [];
    const mail = mails.filter((text) => text.includes(`To: ${address}`)).pop();
    // Quoted-printable: join soft line breaks, decode "=3D".
    const body = mail?.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    link = body?.match(/https?:\/\/\S+\/signin\/link\?token=[\w-]+/)?.[0];
    return link;
  }, { timeout: 10_000, message: `a mail with a link to ${address}` }).toBeTruthy();
  return link!;
}
