import { test, expect, Browser, BrowserContext, Page } from '@playwright/test';
import { desktop, expectAccessible, hydrated, liveConnected, personOn, screenshotPath } from '../helpers';

function card(page: Page, column: string, reference: string) {
  return page.locator(`.column--${column} .card[data-ref="${reference}"]`);
}

/** Files a request as `client` (the API, as a form post) and returns its reference. */
async function file(client: BrowserContext, title: string) {
  const answer = await client.request.post('/api/create_request', {
    form: { title, description: 'From the board test.' },
    headers: { Accept: 'application/json' },
  });
  expect(answer.ok()).toBeTruthy();
  return (await answer.json()).reference as string;
}

/** An agent (Sam) and a lead (Jordan) on their live boards, and two new requests from Tom. */
async function boardsWithTwoNewRequests(browser: Browser) {
  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const jordan = await personOn(browser, desktop, 'Jordan Lee');
  await liveConnected(sam.page);
  await liveConnected(jordan.page);
  const tom = (await personOn(browser, desktop, 'Tom Becker')).context;
  const stamp = Date.now();
  const first = await file(tom, `Invoice PDF missing ${stamp}`);
  const second = await file(tom, `Add a team member ${stamp}`);
  await expect(card(sam.page, 'new', first)).toBeVisible();
  await expect(card(sam.page, 'new', second)).toBeVisible();
  return { sam, jordan, first, second, contexts: [sam.context, jordan.context, tom] };
}

// An agent works the board by drag and drop and by keyboard only, while a lead's board follows
// every move. (Bulk work has a journey of its own below: together they outgrew one budget.)
test('cards move by drag and drop and by keyboard, on every open board', async ({ browser }) => {
  const { sam, jordan, first, second, contexts } = await boardsWithTwoNewRequests(browser);

  // Drag and drop: the card lands at once, and the lead's board follows.
  // (By hand, side to side: a column is a drop target over its whole height, and the page must
  // not scroll between pressing and moving.)
  const source = card(sam.page, 'new', first);
  // Its arrival animation over, in the middle of the screen: then it holds still to be picked up.
  await source.evaluate(async (element) => {
    // (A redraw may cancel an animation: that also ends it.)
    await Promise.all(element.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
    element.scrollIntoView({ block: 'center' });
  });
  // (Other tests' requests arrive on this board meanwhile and may push the card down between
  // measuring it and pressing on it: aim again until the pointer rests on this very card.)
  let from!: { x: number; y: number };
  await expect(async () => {
    const box = await source.boundingBox();
    expect(box).not.toBeNull();
    from = { x: box!.x + 24, y: box!.y + 24 };
    await sam.page.mouse.move(from.x, from.y);
    const under = await sam.page.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.closest('.card')?.getAttribute('data-ref'),
      from,
    );
    expect(under).toBe(first);
  }).toPass();
  const target = (await sam.page.locator('.column--waiting_on_client').boundingBox())!;
  await sam.page.mouse.down();
  await sam.page.mouse.move(target.x + target.width / 2, from.y, { steps: 5 });
  await sam.page.mouse.up();
  await expect(card(sam.page, 'waiting_on_client', first)).toBeVisible();
  await expect(sam.page.locator('.board-notice')).toContainText(`${first}: moved to Waiting on client`);
  await expect(card(jordan.page, 'waiting_on_client', first)).toBeVisible();

  // Keyboard only: focus the second card, take it, start it, raise it.
  await card(sam.page, 'new', second).locator('.card__link').focus();
  await sam.page.keyboard.press('a');
  await expect(card(sam.page, 'new', second)).toContainText('Sam Rivera');
  await sam.page.keyboard.press('i');
  await expect(card(sam.page, 'in_progress', second)).toBeVisible();
  await expect(sam.page.locator(`.card[data-ref="${second}"] .card__link`)).toBeFocused();
  await sam.page.keyboard.press('2');
  await expect(card(sam.page, 'in_progress', second)).toContainText('High');
  await expect(card(jordan.page, 'in_progress', second)).toContainText('High');
  await expect(card(jordan.page, 'in_progress', second)).toContainText('Sam Rivera');
  // Completing tells the client, so a stray "c" only asks; Escape leaves the card where it was,
  // with the keyboard back on it.
  await sam.page.keyboard.press('c');
  const question = sam.page.getByRole('alertdialog', { name: 'Confirm completing' });
  await expect(question).toContainText(`Complete ${second}? Its client is told`);
  await expect(question.getByRole('button', { name: 'Complete' })).toBeFocused();
  await sam.page.screenshot({ path: screenshotPath('desktop-board-complete-question') });
  await sam.page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  await expect(card(sam.page, 'in_progress', second)).toBeVisible();
  await expect(sam.page.locator(`.card[data-ref="${second}"] .card__link`)).toBeFocused();
  // j and k walk the cards in page order (other people's new requests may come in meanwhile).
  const focusedRef = () => sam.page.evaluate(() => document.activeElement?.closest('[data-ref]')?.getAttribute('data-ref'));
  const neighbour = (reference: string) => sam.page.evaluate((reference) => {
    const refs = [...document.querySelectorAll('.card[data-ref]')].map((card) => card.getAttribute('data-ref'));
    return refs[refs.indexOf(reference) - 1];
  }, reference);
  await sam.page.keyboard.press('j');
  await expect.poll(focusedRef).not.toBe(second);
  const next = (await focusedRef())!;
  await sam.page.keyboard.press('k');
  await expect.poll(focusedRef).toBe(await neighbour(next));
  for (const context of contexts) {
    await context.close();
  }
});

// Several cards at once, and a move the status machine forbids.
test('cards move in bulk; a forbidden move is refused', async ({ browser }) => {
  const { sam, jordan, first, second, contexts } = await boardsWithTwoNewRequests(browser);
  const question = sam.page.getByRole('alertdialog', { name: 'Confirm completing' });

  // Bulk: select both, complete them.
  await sam.page.getByLabel(`Select ${first}`).check();
  await sam.page.getByLabel(`Select ${second}`).check();
  const bar = sam.page.getByRole('toolbar', { name: 'Bulk actions' });
  await expect(bar).toContainText('2 selected');
  await sam.page.screenshot({ path: screenshotPath('desktop-board-bulk') });
  await expectAccessible(sam.page);
  await bar.getByRole('button', { name: 'Complete' }).click();
  await expect(question).toContainText('Complete 2 requests?');
  await expect(bar).toContainText('2 selected');
  await question.getByRole('button', { name: 'Complete' }).click();
  await expect(bar).toBeHidden();
  for (const reference of [first, second]) {
    await expect(card(sam.page, 'completed', reference)).toBeVisible();
    await expect(card(jordan.page, 'completed', reference)).toBeVisible();
  }
  await expect(sam.page.locator('.board-notice')).toContainText('2 requests: moved to Completed');

  // A move the status machine forbids is refused on the board, and the card stays put.
  await card(sam.page, 'completed', first).locator('.card__link').focus();
  await sam.page.keyboard.press('w');
  await expect(sam.page.locator('.board-notice [role="alert"]')).toContainText(`${first} cannot move to Waiting on client`);
  await expect(card(sam.page, 'completed', first)).toBeVisible();
  for (const context of contexts) {
    await context.close();
  }
});

// The same queue as a dense list: the keyboard and bulk changes work there too. (A journey of its
// own: with the bulk one above it outgrew one budget.)
test('the queue as a list takes the keyboard and bulk changes', async ({ browser }) => {
  const { sam, jordan, first, second, contexts } = await boardsWithTwoNewRequests(browser);
  const completed = await sam.context.request.post('/api/change_status', {
    form: { reference: first, status: 'completed' },
    headers: { Accept: 'application/json' },
  });
  expect(completed.ok(), await completed.text()).toBeTruthy();
  await sam.page.getByRole('navigation', { name: 'Layout' }).getByRole('link', { name: 'List' }).click();
  await expect(sam.page).toHaveURL(/view=list/);
  await expect(sam.page.locator(`.queue-row[data-ref="${first}"] .badge`)).toHaveText('Completed');
  const row = sam.page.locator(`.queue-row[data-ref="${second}"]`);
  await expect(row.locator('.badge')).toHaveText('New');
  // Starting it, taking it.
  await row.locator('.card__link').focus();
  await sam.page.keyboard.press('i');
  await expect(row.locator('.badge')).toHaveText('In progress');
  await sam.page.keyboard.press('a');
  await expect(row).toContainText('Sam Rivera');
  await expect(card(jordan.page, 'in_progress', second)).toBeVisible();
  // In bulk, what may move moves, and what may not stays named beside it.
  const bar = sam.page.getByRole('toolbar', { name: 'Bulk actions' });
  await sam.page.getByLabel(`Select ${first}`).check();
  await sam.page.getByLabel(`Select ${second}`).check();
  await bar.getByRole('button', { name: 'Wait on client' }).click();
  await expect(row.locator('.badge')).toHaveText('Waiting on client');
  await expect(sam.page.locator('.board-notice [role="alert"]')).toContainText(
    `${second}: moved to Waiting on client; not changed: ${first} (cannot move to Waiting on client)`);
  await expect(sam.page.locator(`.queue-row[data-ref="${first}"] .badge`)).toHaveText('Completed');
  await expect(card(jordan.page, 'waiting_on_client', second)).toBeVisible();
  await sam.page.screenshot({ path: screenshotPath('desktop-queue-list') });
  await expectAccessible(sam.page);
  for (const context of contexts) {
    await context.close();
  }
});

// "I'm away" pressed reads as a warning (amber), not as an ordinary pressed button (blue), and
// says how to come back. (Alex is in no rotation, so this routes nobody else's requests.)
test('the away switch shows its state', async ({ browser }) => {
  const alex = await personOn(browser, desktop, 'Alex Morgan');
  await alex.page.goto('/board');
  const away = alex.page.locator('.away-toggle');
  const background = () => away.evaluate((element) => getComputedStyle(element).backgroundColor);
  await hydrated(alex.page);
  if ((await away.getAttribute('aria-pressed')) === 'true') {
    await away.click();
  }
  await expect(away).toHaveAttribute('aria-pressed', 'false');
  const plain = await background();
  await away.click();
  await expect(away).toHaveAttribute('aria-pressed', 'true');
  await expect(away).toHaveText("I'm away · back now");
  const waitingBackground = await alex.page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.backgroundColor = 'var(--status-waiting-bg)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return colour;
  });
  // (The button eases into its new colour.)
  await expect.poll(background).toBe(waitingBackground);
  expect(waitingBackground).not.toBe(plain);
  await away.click();
  await expect(away).toHaveAttribute('aria-pressed', 'false');
  await alex.context.close();
});
