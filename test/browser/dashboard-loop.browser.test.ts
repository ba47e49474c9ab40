import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventConsumersFor } from '../../src/background.ts';
import { seedDemo } from '../../src/db/seed.ts';
import { deliverCampaign, planCampaign } from '../../src/modules/campaigns/index.ts';
import { drainEvents } from '../events.ts';
import { makeUser, unique } from '../factories.ts';
import { json } from '../harness.ts';
import { decodeQuotedPrintable } from '../smtp.ts';
import { checkScreen, logInAt, openPage, pick, SIZES } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15's "done when": the whole loop walked in the dashboard by a marketer who just signed
 * up on a fresh server, through the public API only: sign up → a game and a stream → a key
 * shown once → players from a CSV → a segment → a campaign with a game link, sent → the link
 * opened and played → the play in analytics and on the player's timeline → a journey built
 * and published. Then a Viewer of the same organization walks the same screens and finds every
 * control the API would refuse them hidden. The screens' own files test their details. Last,
 * the demo Owner's first login shows the demo data a newcomer starts from.
 */

const web = useBrowserServer({ mail: true });

/** The newest mailed link to `to` whose path is `path`, pointed at this test server. */
async function mailedLink(to: string, path: string): Promise<URL> {
  const mail = await web.smtp.waitFor((m) => m.to.includes(to) && m.text.includes(path));
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)?.[0] ?? '');
  expect(link.pathname).toBe(path);
  return new URL(`${link.pathname}${link.search}`, web.base);
}

const PLAYERS = [
  { id: 'gl-1', name: 'Somchai', email: 'somchai@lotus.test', tier: 'Gold' },
  { id: 'gl-2', name: 'Malee', email: 'malee@lotus.test', tier: 'Gold' },
  { id: 'gl-3', name: 'Niran', email: 'niran@lotus.test', tier: 'Silver' },
];

async function logIn(email: string, password: string) {
  const res = await web.h.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { authorization: `Bearer ${json<{ data: { token: string } }>(res).data.token}` };
}

async function list<T>(
  auth: Record<string, string>,
  url: string,
  propertyId?: string,
): Promise<T[]> {
  const headers = propertyId ? { ...auth, 'x-property-id': propertyId } : auth;
  const res = await web.h.inject({ method: 'GET', url, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ data: T[] }>(res).data;
}

/** The new Owner's token, organization, property and game, as the API reports them. */
async function whatTheApiHolds(email: string, password: string) {
  const auth = await logIn(email, password);
  const me = await web.h.inject({ method: 'GET', url: '/api/auth/me', headers: auth });
  const [org] = json<{ data: { organizations: { id: number }[] } }>(me).data.organizations;
  const [property] = await list<{ id: string }>(auth, `/api/properties?org_id=${org!.id}`);
  const [game] = await list<{ id: number }>(auth, `/api/games?org_id=${org!.id}`);
  return { auth, orgId: org!.id, propertyId: property!.id, gameId: game!.id };
}

/** Plans and delivers the campaign to the end, as the workers would. */
async function runCampaign(id: string) {
  for (let round = 0; round < 20; round++) {
    if ((await planCampaign(web.h.deps, id)).next !== 'plan') break;
  }
  for (let round = 0; round < 20; round++) {
    if ((await deliverCampaign(web.h.deps, id)).next === 'done') return;
  }
  throw new Error(`campaign ${id} did not finish`);
}

/** The browser and the server share two loaded cores; the screens refresh every few seconds. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

async function go(page: Page, screen: string, ready: string) {
  await page.getByTestId(`nav-${screen}`).click();
  await page.getByTestId(ready).first().waitFor();
}

describe('the dashboard, end to end', () => {
  it('takes a new marketer from sign-up through a played campaign link to a live journey; a Viewer sees it all and can change nothing', async () => {
    // The server's background jobs, as npm start runs them (sending a campaign queues one).
    await web.h.deps.jobs.start();
    const email = `${unique('loop')}@example.test`;
    const password = `pw-${unique('l')}`;
    const page = await openPage(web, 'laptop');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);

    // Sign up, finish from the mailed link, log in.
    await page.goto(`${web.base}/app/signup`);
    await page.getByTestId('signup-name').fill('Nok Marketer');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill(password);
    await page.getByTestId('signup-org').fill('Golden Lotus Casino');
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('signup-sent').waitFor();
    await page.goto((await mailedLink(email, '/verify-email')).href);
    await page.waitForSelector('[data-testid="verify-submit"]:not([disabled])');
    await page.getByTestId('verify-password').fill(password);
    await page.getByTestId('verify-submit').click();
    await page.getByTestId('verify-done').waitFor();
    await page.goto(`${web.base}/app/login`);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-title').waitFor();

    // A property for the players.
    await page.getByTestId('property-name').fill('Golden Lotus Bangkok');
    await page.getByTestId('property-timezone').fill('Asia/Bangkok');
    await page.getByTestId('property-create').click();
    await page.getByTestId('players-empty').waitFor();

    // A game (one tap to play) and the stream that offers it.
    await go(page, 'games', 'games-empty');
    await page.getByTestId('game-new').click();
    await page.getByTestId('game-template').selectOption('spin-wheel');
    await page.getByTestId('game-title').fill('Lotus Wheel');
    await page.getByTestId('game-status').selectOption('Active');
    await page.getByTestId('game-save').click();
    await page.getByTestId('game-row').waitFor();
    await go(page, 'streams', 'streams-empty');
    await page.getByTestId('stream-new').click();
    await page.getByTestId('stream-name').fill('Lotus Week');
    await page.getByLabel('Lotus Wheel (Active)').check();
    await page.getByTestId('stream-status').selectOption('Active');
    await page.getByTestId('stream-save').click();
    await poll(() => page.getByTestId('stream-row').innerText()).toContain('Lotus Week');

    // A key, shown once; it opens game sessions.
    await go(page, 'api-keys', 'keys-empty');
    await page.getByTestId('key-new').click();
    await page.getByTestId('key-name').fill('Website');
    await page.getByTestId('key-create').click();
    const secret = await page.getByTestId('key-secret').innerText();
    expect(secret).toMatch(/^dpk_\w+/);
    await page.getByTestId('key-secret-done').click();
    await page.getByTestId('key-secret-modal').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);
    const { auth, orgId, propertyId, gameId } = await whatTheApiHolds(email, password);
    const session = await web.h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=create-session',
      headers: { 'x-api-key': secret },
      payload: { game_id: gameId, external_ref: 'dashboard-loop' },
    });
    expect(session.statusCode, session.body).toBe(200);

    // The address every marketing email carries, without which the pre-send check holds mail.
    await go(page, 'sending-settings', 'sending-no-address');
    await page.getByTestId('sending-postal-address').fill('99 Rama IV Road, Bangkok 10500');
    await page.getByTestId('sending-save').click();
    await page.getByTestId('sending-saved').waitFor();
    await checkScreen(page, 'laptop', 'loop-01-sending-settings');
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', 'loop-01-sending-settings');
    await page.setViewportSize(SIZES.laptop.viewport);

    // Players from a CSV file.
    await go(page, 'players', 'players-import');
    await page.getByTestId('players-import').click();
    await page.locator('input[type=file]').setInputFiles({
      name: 'players.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'player_id,first_name,email,tier\n' +
          PLAYERS.map((p) => `${p.id},${p.name},${p.email},${p.tier}`).join('\n') +
          '\n',
      ),
    });
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('import-created').innerText()).toBe('3');
    expect(await page.getByTestId('import-failed').innerText()).toBe('0');
    // The casino's systems record the opt-ins players gave at sign-up (PlayerOS API).
    const asOwner = { ...auth, 'x-property-id': propertyId };
    for (const p of PLAYERS.filter((p) => p.tier === 'Gold')) {
      const consent = await web.h.inject({
        method: 'POST',
        url: '/api/functions/record-consent',
        headers: asOwner,
        payload: {
          player_id: p.id,
          channel: 'email',
          consent_type: 'email_opt_in',
          purpose: 'marketing',
        },
      });
      expect(consent.statusCode, consent.body).toBe(201);
    }

    // A segment of the Gold players.
    await go(page, 'players', 'player-row');
    await poll(() => page.getByTestId('players-total').innerText()).toBe('3 players');
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-value').nth(0).fill('Gold');
    await poll(() => page.getByTestId('players-total').innerText()).toBe('2 players');
    await page.getByTestId('save-segment-name').fill('Gold players');
    await page.getByTestId('save-segment').click();
    await page.getByTestId('segment-saved').waitFor();

    // Content with the game's link, then a campaign to the segment, sent.
    await go(page, 'content', 'templates-empty');
    await page.getByTestId('template-new').click();
    await page.getByTestId('template-name').fill('Lotus spin');
    await page.getByTestId('template-subject').fill('{{ player.first_name }}, your spin');
    await page
      .getByTestId('template-body')
      .fill(
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text>' +
          '<mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>' +
          '</mj-column></mj-section></mj-body></mjml>',
      );
    await pick(page, 'template-game', 'Lotus Wheel');
    await page.getByTestId('template-insert-game').click();
    await page.getByTestId('template-save').click();
    await page.getByTestId('template-saved').waitFor();
    await go(page, 'campaigns', 'campaigns-empty');
    await page.getByTestId('campaign-name').fill('Lotus spin for Gold');
    await pick(page, 'campaign-template', 'Lotus spin');
    await page.getByTestId('campaign-audience').getByText('A segment').click();
    await pick(page, 'campaign-segment', 'Gold players');
    await page.getByTestId('campaign-save').click();
    await poll(() => page.getByTestId('audience-size').innerText()).toBe(
      '2 players in the audience',
    );
    expect(await page.getByTestId('audience-would-send').innerText()).toBe(
      'Would receive it now: 2',
    );
    const campaignId = page.url().split('/').pop() ?? '';
    await page.getByTestId('send-now').click();
    await page.getByTestId('send-confirm').click();
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('Sending');
    await runCampaign(campaignId);
    await poll(() => page.getByTestId('campaign-status').textContent()).toBe('Sent');
    expect(await page.getByTestId('stat-sent').innerText()).toBe('2');
    await checkScreen(page, 'laptop', 'loop-02-campaign-sent');

    // Somchai opens his mail's link on his phone and spins, once.
    const [somchai] = PLAYERS;
    const mail = await web.smtp.waitFor((m) => m.to.includes(somchai!.email));
    const link = /\/play\/game\/(\d+)\?session_token=[0-9a-f-]{36}/i.exec(
      decodeQuotedPrintable(mail.raw),
    );
    expect(link?.[1]).toBe(String(gameId));
    const phone = await openPage(web, 'phone');
    await phone.goto(`${web.base}${link![0]}`);
    await phone.getByTestId('start-button').click();
    await phone.getByTestId('spin-button').click();
    await phone.getByTestId('result-screen').waitFor({ timeout: 20_000 });
    await phone.context().close();
    // The play's events reach the profile, as the server's event dispatcher would take them.
    await drainEvents(web.h, orgId, eventConsumersFor(web.h.deps));

    // The key's session, found by its reference.
    await go(page, 'sessions', 'sessions-search');
    await page.getByTestId('sessions-reference').fill('dashboard-loop');
    await page.getByTestId('sessions-search').click();
    await poll(() => page.getByTestId('session-row').allInnerTexts()).toEqual([
      expect.stringMatching(/Lotus Wheel\s+dashboard-loop\s+Not played yet/i),
    ]);

    // The play in analytics and on Somchai's timeline.
    await go(page, 'analytics', 'chart-plays');
    await poll(() => page.getByTestId('table-games').innerText()).toMatch(/Lotus Wheel\s+1\s+1/);
    await checkScreen(page, 'laptop', 'loop-03-analytics');
    await go(page, 'players', 'player-row');
    await page.getByRole('link', { name: 'Somchai' }).click();
    await poll(() => page.getByTestId('timeline').innerText()).toContain('Finished a game');
    expect(await page.getByTestId('messages').innerText()).toContain('your spin');
    await checkScreen(page, 'laptop', 'loop-04-profile');

    // A journey for the players who play: wait a day, then leave; published.
    await go(page, 'journeys', 'journeys-empty');
    await page.getByTestId('journey-name').fill('After the spin');
    await pick(page, 'journey-trigger', 'They play a game');
    await page.getByTestId('journey-create').click();
    await poll(() => page.getByTestId('journey-title').innerText()).toBe('After the spin');
    await page.getByTestId('add-node').click();
    await page.getByTestId('node-panel').getByText('wait_1: Wait').waitFor();
    await pick(page, 'port-next', 'exit_1 (Exit)');
    await page.getByTestId('open-settings').click();
    await pick(page, 'start-node', 'wait_1 (Wait)');
    await page.getByTestId('journey-publish').click();
    await poll(() => page.getByTestId('journey-status').textContent()).toBe('Live');
    expect(await page.getByTestId('journey-saved').count()).toBe(0);
    const [journey] = await list<{ id: string; name: string; status: string }>(
      auth,
      '/api/journeys',
      propertyId,
    );
    expect(journey).toMatchObject({ name: 'After the spin', status: 'active' });
    const live = await web.h.inject({
      method: 'GET',
      url: `/api/journeys/${journey!.id}/versions/1`,
      headers: asOwner,
    });
    expect(json<{ data: { graph: unknown } }>(live).data.graph).toMatchObject({
      trigger: { type: 'game_played' },
      start: 'wait_1',
      nodes: { wait_1: { type: 'wait', next: 'exit_1' }, exit_1: { type: 'exit' } },
    });
    await checkScreen(page, 'laptop', 'loop-05-journey');
    await page.context().close();

    // A Viewer of the organization: every screen readable, no control the API would refuse.
    const viewer = await makeUser(web.h, orgId, 'Viewer');
    const seen = await openPage(web, 'laptop');
    await logInAt(web, seen, viewer.email, viewer.password);
    const absent = async (screen: string, ready: string, controls: string[]) => {
      await go(seen, screen, ready);
      for (const control of controls) {
        expect(await seen.getByTestId(control).count(), `${screen}: ${control}`).toBe(0);
      }
    };
    await absent('games', 'game-row', ['game-new', 'game-edit']);
    await absent('streams', 'stream-row', ['stream-new', 'stream-edit']);
    await absent('api-keys', 'keys-title', ['key-new', 'key-revoke']);
    await absent('sending-settings', 'sending-read-only', ['sending-save']);
    await absent('players', 'player-row', ['players-import', 'save-segment']);
    await absent('segments', 'segments-title', ['segment-delete']);
    await absent('content', 'template-row', ['template-new', 'template-save']);
    await absent('campaigns', 'campaign-row', ['campaign-save', 'send-now']);
    await absent('analytics', 'chart-plays', []);
    await absent('sessions', 'sessions-not-allowed', ['sessions-search']);
    await absent('journeys', 'journey-row', ['journey-create']);
    await seen.getByTestId('journey-link').click();
    await seen.getByTestId('journey-title').waitFor();
    for (const control of ['journey-save', 'journey-publish', 'journey-pause', 'add-node']) {
      expect(await seen.getByTestId(control).count(), control).toBe(0);
    }
    // What the screens hide, the API refuses.
    const viewerAuth = await logIn(viewer.email, viewer.password);
    const refused = await web.h.inject({
      method: 'POST',
      url: '/api/functions/send-campaign',
      headers: { ...viewerAuth, 'x-property-id': propertyId },
      payload: { campaignId },
    });
    expect(refused.statusCode).toBe(403);
    await checkScreen(seen, 'laptop', 'loop-06-viewer-journey');
    await seen.context().close();
  }, 240_000);

  it('shows a newcomer the demo data on the demo Owner’s first login', async () => {
    const demo = await seedDemo(web.h.deps);
    expect(demo).toBeDefined();
    const page = await openPage(web, 'laptop');
    await logInAt(web, page, demo!.email, demo!.password);
    await poll(() => page.getByTestId('games-count').innerText()).not.toBe('0');
    await poll(() => page.getByTestId('players-count').innerText()).toBe(String(demo!.players));
    await go(page, 'campaigns', 'campaign-row');
    expect(await page.getByTestId('campaign-row').innerText()).toContain(
      'Demo: free spin for Gold and Platinum',
    );
    await go(page, 'journeys', 'journey-row');
    expect(await page.getByTestId('journey-row').innerText()).toMatch(/Demo: after the spin/);
    await checkScreen(page, 'laptop', 'loop-00-demo-journeys');
    await page.context().close();
  }, 60_000);
});
