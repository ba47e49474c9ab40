import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePropertyTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, PlayerOS players: the players table with its filter builder, saved segments and
 * a player's profile, walked at laptop size as an Owner and checked as a Viewer; every screen
 * is photographed at laptop and phone size (test-output/dashboard/) and checked with axe-core.
 */

const web = useBrowserServer();

const PLAYERS = [
  {
    player_id: 'p-1',
    first_name: 'Somchai',
    last_name: 'Gold',
    email: 's1@example.test',
    tier: 'Gold',
    adt: 900,
  },
  {
    player_id: 'p-2',
    first_name: 'Malee',
    last_name: 'Gold',
    email: 's2@example.test',
    tier: 'Gold',
    adt: 450,
  },
  {
    player_id: 'p-3',
    first_name: 'Niran',
    last_name: 'Gold',
    email: 's3@example.test',
    tier: 'Gold',
    adt: 1200,
  },
  {
    player_id: 'p-4',
    first_name: 'Anong',
    last_name: 'Silver',
    email: 's4@example.test',
    tier: 'Silver',
    adt: 800,
  },
  {
    player_id: 'p-5',
    first_name: 'Kiet',
    last_name: 'Silver',
    email: 's5@example.test',
    tier: 'Silver',
    adt: 100,
  },
  {
    player_id: 'p-6',
    first_name: 'Ploy',
    last_name: 'Bronze',
    email: 's6@example.test',
    tier: 'Bronze',
    adt: 50,
  },
];

/** Picks `option` in the Mantine Select whose input is the `index`th with `testId`. */
async function pick(page: Page, testId: string, index: number, option: string) {
  await page.getByTestId(testId).nth(index).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('the dashboard players, segments and profile screens', () => {
  it('filters players, saves a segment, opens its players and a profile; a Viewer only reads', async () => {
    const t = await makePropertyTenant(web.h);
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await web.h.inject({
        method,
        url,
        headers: t.keyHeaders,
        ...(payload && { payload }),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return json<{ data: unknown; totalCount?: number }>(res);
    };
    await api('POST', '/api/players/batch', { players: PLAYERS });
    await api('POST', '/api/functions/record-consent', {
      player_id: 'p-3',
      channel: 'email',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
    });
    await api('POST', '/api/events', { player_id: 'p-3', name: 'visit', properties: { floor: 2 } });
    const other = await api('POST', '/api/segments', { name: 'Bronze', filter: 'tier=eq.Bronze' });
    const expected = (await api('GET', '/api/players?tier=eq.Gold&adt=gte.500&count=exact'))
      .totalCount;
    expect(expected).toBe(2);

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);
    await page.getByTestId('nav-players').click();
    await expect.poll(() => page.getByTestId('players-total').innerText()).toBe('6 players');
    expect(await page.getByTestId('player-row').count()).toBe(6);
    await checkScreen(page, 'laptop', '20-players');

    // Tier is Gold AND ADT at least 500: the total is the API's count for the same filter.
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-value').nth(0).fill('Gold');
    await expect.poll(() => page.getByTestId('players-total').innerText()).toBe('3 players');
    await page.getByTestId('filter-add').click();
    await pick(page, 'filter-field', 1, 'ADT (average daily theoretical)');
    await pick(page, 'filter-op', 1, 'is at least');
    await page.getByTestId('filter-value').nth(1).fill('500');
    await expect
      .poll(() => page.getByTestId('players-total').innerText())
      .toBe(`${expected} players`);
    expect(await page.getByTestId('player-row').count()).toBe(expected);
    await checkScreen(page, 'laptop', '21-players-filtered');

    await page.getByTestId('save-segment-name').fill('Gold high rollers');
    await page.getByTestId('save-segment').click();
    await page.getByTestId('segment-saved').waitFor();
    const segments = (await api('GET', '/api/segments')).data as {
      id: string;
      name: string;
      filter: string;
    }[];
    const saved = segments.find((s) => s.name === 'Gold high rollers');
    expect(saved?.filter).toBe('tier=eq.Gold&adt=gte.500');
    // The same name again: the API's 409 in words.
    await page.getByTestId('save-segment').click();
    expect(await page.getByTestId('form-error').innerText()).toBe(
      'A segment with this name already exists. Choose another name.',
    );

    await page.getByTestId('segment-saved-link').click();
    await expect
      .poll(() => page.getByTestId('segment-title').innerText())
      .toBe('Players in Gold high rollers');
    await expect
      .poll(() => page.getByTestId('players-total').innerText())
      .toBe(`${expected} players`);
    await checkScreen(page, 'laptop', '22-segment-players');

    await page.getByTestId('player-link').filter({ hasText: 'Niran Gold' }).click();
    await expect.poll(() => page.getByTestId('profile-title').innerText()).toContain('Niran Gold');
    expect(await page.getByTestId('profile-player_id').innerText()).toBe('p-3');
    await page.getByTestId('consents').waitFor();
    expect(await page.getByTestId('consents').innerText()).toContain('email_opt_in');
    expect(await page.getByTestId('timeline').innerText()).toContain('Casino event: visit');
    await page.getByTestId('messages-empty').waitFor();
    await checkScreen(page, 'laptop', '23-profile');

    await page.getByTestId('nav-segments').click();
    await expect.poll(() => page.getByTestId('segment-row').count()).toBe(2);
    // Delete asks once more, then the row goes (and the API no longer has it).
    const bronze = page.getByTestId('segment-row').filter({ hasText: 'Bronze' });
    await bronze.getByTestId('segment-delete').click();
    await bronze.getByTestId('segment-delete-confirm').click();
    await expect.poll(() => page.getByTestId('segment-row').count()).toBe(1);
    const gone = await web.h.inject({
      method: 'GET',
      url: `/api/segments/${(other.data as { id: string }).id}`,
      headers: t.keyHeaders,
    });
    expect(gone.statusCode).toBe(404);
    // Editing changes the conditions the API keeps (and so the segment's players).
    await page.getByTestId('segment-edit').click();
    await page.getByTestId('segment-filter').fill('tier=eq.Gold');
    await page.getByTestId('segment-save').click();
    await expect.poll(() => page.getByTestId('segment-row').innerText()).toContain('tier=eq.Gold');
    expect((await api('GET', `/api/segments/${saved?.id ?? ''}/count`)).data).toMatchObject({
      count: 3,
    });
    // A live journey enters players from it: the API's 409 reason, in words, naming the journey.
    const journey = await api('POST', '/api/journeys', {
      name: 'Welcome Gold',
      graph: {
        trigger: { type: 'segment_entered', segment_id: saved?.id },
        start: 'done',
        nodes: { done: { type: 'update_profile', set: { 'traits.welcomed': true } } },
      },
    });
    await api('POST', `/api/journeys/${(journey.data as { id: string }).id}/publish`, {});
    await page.getByTestId('segment-delete').click();
    await page.getByTestId('segment-delete-confirm').click();
    expect(await page.getByTestId('segment-delete-error').innerText()).toBe(
      'The journey "Welcome Gold" uses this segment to bring players in. Archive that journey, or give it another trigger, then delete the segment.',
    );
    expect(await page.getByTestId('segment-row').count()).toBe(1);
    await checkScreen(page, 'laptop', '24-segments');

    await page.getByTestId('language-switch').getByText('ไทย').click();
    await page.getByTestId('nav-players').click();
    await expect.poll(() => page.getByTestId('players-total').innerText()).toBe('ผู้เล่น 6 คน');
    await checkScreen(page, 'laptop', '25-players-th');
    await page.context().close();

    // The phone: the same screens, photographed and audited (English, then players in Thai).
    const phone = await openPage(web, 'phone');
    await logInAt(web, phone, t.owner.email, t.owner.password);
    const player = ((await api('GET', '/api/players/p-3')).data as { id: string }).id;
    for (const [path, ready, name] of [
      ['/app/players', 'player-row', '20-players'],
      [`/app/segments/${saved?.id ?? ''}`, 'player-row', '22-segment-players'],
      [`/app/players/${player}`, 'timeline', '23-profile'],
      ['/app/segments', 'segment-row', '24-segments'],
    ] as const) {
      await phone.goto(`${web.base}${path}`);
      await phone.getByTestId(ready).first().waitFor();
      await checkScreen(phone, 'phone', name);
    }
    await phone.evaluate(() => localStorage.setItem('playloop.lang', 'th'));
    await phone.goto(`${web.base}/app/players`);
    await phone.getByTestId('player-row').first().waitFor();
    await checkScreen(phone, 'phone', '25-players-th');
    await phone.context().close();

    // A Viewer reads the same players and segments, with no control the API would refuse.
    const viewer = await makeUser(web.h, t.org.id, 'Viewer');
    const view = await openPage(web, 'laptop');
    await logInAt(web, view, viewer.email, viewer.password);
    await view.getByTestId('nav-players').click();
    await expect.poll(() => view.getByTestId('players-total').innerText()).toBe('6 players');
    await view.getByTestId('filter-add').click();
    await view.getByTestId('filter-value').fill('Gold');
    await expect.poll(() => view.getByTestId('players-total').innerText()).toBe('3 players');
    expect(await view.getByTestId('save-segment-form').count()).toBe(0);
    await view.getByTestId('nav-segments').click();
    await expect.poll(() => view.getByTestId('segment-row').count()).toBe(1);
    expect(await view.getByTestId('segment-edit').count()).toBe(0);
    expect(await view.getByTestId('segment-delete').count()).toBe(0);
    expect(await view.getByTestId('segment-form').count()).toBe(0);
    await checkScreen(view, 'laptop', '26-segments-viewer');
    await view.context().close();
  }, 90_000);
});
