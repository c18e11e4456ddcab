import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { test, expect } from '@playwright/test';
import { desktop, expectAccessible, expectPhoneFriendly, hydrated, personOn, phone, screenshotPath } from '../helpers';

/** A webhook receiver on 127.0.0.1 that checks Standard Webhooks signatures itself (node:crypto). */
class Receiver {
  server: Server;
  secret = '';
  failing = false;
  received: { type: string; id: string; verified: boolean }[] = [];

  constructor() {
    this.server = createServer((request, response) => {
      void this.take(request).then((status) => {
        response.writeHead(status);
        response.end();
      });
    });
  }

  async take(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const id = String(request.headers['webhook-id']);
    const signed = `${id}.${request.headers['webhook-timestamp']}.${body.toString()}`;
    const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
    const expected = Buffer.from(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
    const given = Buffer.from(String(request.headers['webhook-signature']));
    const verified = given.length === expected.length && timingSafeEqual(given, expected);
    this.received.push({ type: JSON.parse(body.toString()).type, id, verified });
    if (this.failing) return 500;
    return verified ? 204 : 401;
  }

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/frontdoor`;
  }
}

// An admin connects another system: a private address is refused with the form kept, the
// webhook is added (its secret shown once), a test message arrives signed, a receiver that is down
// is retried on its own and the log shows it live, and removing asks first.
test('a webhook is added, tested, retried and removed', async ({ browser }) => {
  const receiver = new Receiver();
  const url = await receiver.start();
  const alex = await personOn(browser, desktop, 'Alex Morgan');
  const page = alex.page;
  await page.goto('/admin/integrations');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Integrations');
  await page.getByRole('button', { name: 'Add webhook' }).click();

  // Into the agency's own network: refused, and what was typed stays.
  await page.getByLabel('Address (URL)').fill('http://169.254.169.254/latest/meta-data/');
  await page.getByLabel('What it is for (optional)').fill('Satisfaction to our CRM');
  await page.getByRole('checkbox', { name: /A request is filed/ }).uncheck();
  await page.getByRole('checkbox', { name: /A request's status changes/ }).uncheck();
  await page.getByRole('checkbox', { name: /Was this resolved/ }).check();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.locator('#webhook-url-error')).toContainText('169.254.169.254 is a private or local address');
  await expect(page.getByLabel('What it is for (optional)')).toHaveValue('Satisfaction to our CRM');
  await expect(page.getByRole('checkbox', { name: /Was this resolved/ })).toBeChecked();

  await page.getByLabel('Address (URL)').fill(url);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secretField = page.getByLabel('Signing secret');
  await expect(secretField).toBeVisible();
  receiver.secret = await secretField.inputValue();
  expect(receiver.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  const card = page.locator('.webhook', { hasText: url });
  await expect(card).toContainText('Satisfaction to our CRM');
  await expect(card).toContainText('A client answers “Was this resolved?”');

  // A test message arrives, signed; the log says so without a reload.
  await card.getByText('Recent deliveries').click();
  await expect(card).toContainText('Nothing sent yet');
  await card.getByRole('button', { name: 'Send test' }).click();
  await expect.poll(() => receiver.received.length).toBe(1);
  expect(receiver.received[0]).toMatchObject({ type: 'webhook.test', verified: true });
  const delivered = card.locator('.delivery[data-state="delivered"]');
  await expect(delivered).toContainText('Delivered (204)');
  await expect(delivered).toContainText('webhook.test');

  // The receiver is down: the log shows the failure and the retry, which the sender makes on
  // its own seconds later with the same message.
  receiver.failing = true;
  await card.getByRole('button', { name: 'Send test' }).click();
  const retrying = card.locator('.delivery[data-state="retrying"]');
  await expect(retrying).toContainText('The receiver answered 500. Trying again in a moment.');
  await page.screenshot({ path: screenshotPath('webhooks-desktop'), fullPage: true });
  // Back up before the retry falls due (5 s after the failure).
  receiver.failing = false;
  await expectAccessible(page);
  await expect(card.locator('.delivery').first()).toHaveAttribute('data-state', 'delivered', { timeout: 20_000 });
  await expect(card.locator('.delivery').first()).toContainText('2 tries');
  expect(receiver.received).toHaveLength(3);
  expect(receiver.received[2].id).toBe(receiver.received[1].id);

  // Sent again by hand: the same message once more.
  await card.locator('.delivery').first().getByRole('button', { name: 'Send again' }).click();
  await expect.poll(() => receiver.received.length).toBe(4);
  expect(receiver.received[3]).toMatchObject({ id: receiver.received[1].id, verified: true });

  // On a phone.
  const phoneAlex = await personOn(browser, { ...phone, viewport: { width: 360, height: 740 } }, 'Alex Morgan');
  await phoneAlex.page.goto('/admin/integrations');
  await hydrated(phoneAlex.page);
  const phoneCard = phoneAlex.page.locator('.webhook', { hasText: url });
  await phoneCard.getByText('Recent deliveries').click();
  await expect(phoneCard.locator('.delivery').first()).toBeVisible();
  await phoneAlex.page.screenshot({ path: screenshotPath('webhooks-360'), fullPage: true });
  await expectPhoneFriendly(phoneAlex.page);
  await expectAccessible(phoneAlex.page);

  // Removing asks first.
  await card.getByRole('button', { name: 'Remove' }).click();
  const confirm = card.getByRole('alertdialog', { name: 'Confirm removing the webhook' });
  await expect(confirm).toContainText('Nothing more is sent to it');
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(page.locator('.webhook', { hasText: url })).toHaveCount(0);
  receiver.server.close();
});
