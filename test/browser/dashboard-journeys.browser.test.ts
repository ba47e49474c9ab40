import { describe, expect, it } from 'vitest';
import { advanceDue } from '../../src/modules/journeys/index.ts';
import { makePropertyTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage, pick, SIZES } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 15, PlayerOS journeys: an Owner builds a journey in the graph editor (a condition, a
 * wait and an exit), saves a broken graph and reads the API's refusal in words with the step
 * marked, fixes it and publishes; a player entered through the API shows in the step counts.
 * A Viewer sees the same graph without any control that changes it. Every screen is
 * photographed at laptop and phone size and checked with axe-core.
 */

const web = useBrowserServer();

describe('the dashboard journeys screens', () => {
  it('builds, validates, publishes and counts a journey; a Viewer only reads it', async () => {
    const t = await makePropertyTenant(web.h);
    const created = await web.h.inject({
      method: 'POST',
      url: '/api/players',
      headers: t.keyHeaders,
      payload: { player_id: 'p-1', first_name: 'Somchai', tier: 'Gold' },
    });
    expect(created.statusCode, created.body).toBe(201);

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);
    await page.getByTestId('nav-journeys').click();
    await page.getByTestId('journeys-empty').waitFor();
    await page.getByTestId('journey-name').fill('Gold welcome');
    await page.getByTestId('journey-create').click();
    await expect
      .poll(() => page.getByTestId('journey-title').innerText(), { timeout: 10_000 })
      .toBe('Gold welcome');
    expect(await page.getByTestId('journey-version').innerText()).toBe('Not published yet');

    // A wait (left unconnected), then a condition: Gold players wait, the others exit.
    await page.getByTestId('add-node').click();
    await page.getByTestId('node-panel').getByText('wait_1: Wait').waitFor();
    await pick(page, 'add-node-type', 'Condition');
    await page.getByTestId('add-node').click();
    await page.getByTestId('field-filter').fill('tier=eq.Gold');
    await pick(page, 'port-then', 'wait_1 (Wait)');
    await pick(page, 'port-else', 'exit_1 (Exit)');
    await page.getByTestId('open-settings').click();
    await pick(page, 'start-node', 'condition_1 (Condition)');

    // Saved with the wait leading nowhere: the API's 400 names the step, in words, marked.
    await page.getByTestId('journey-save').click();
    await expect
      .poll(() => page.getByTestId('journey-error').innerText())
      .toBe(
        'The step "wait_1" does not lead anywhere yet: choose where "Next" leads, or delete the step.',
      );
    expect(await page.getByTestId('node-wait_1').getAttribute('data-invalid')).toBe('true');
    await checkScreen(page, 'laptop', '30-journey-invalid');

    // By keyboard: a step on the canvas takes focus and Enter opens it in the panel.
    await page.locator('.react-flow__node[data-id="wait_1"]').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('node-panel').getByText('wait_1: Wait').waitFor();
    await pick(page, 'port-next', 'exit_1 (Exit)');
    await page.getByTestId('journey-save').click();
    await page.getByTestId('journey-saved').waitFor();
    expect(await page.getByTestId('journey-error').count()).toBe(0);
    await page.getByTestId('journey-publish').click();
    await expect.poll(() => page.getByTestId('journey-status').textContent()).toBe('Live');
    expect(await page.getByTestId('journey-version').innerText()).toBe('Version 1 is live');
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const live = json<{ data: { graph: { start: string; nodes: Record<string, unknown> } } }>(
      await web.h.inject({
        method: 'GET',
        url: `/api/journeys/${id}/versions/1`,
        headers: t.keyHeaders,
      }),
    ).data.graph;
    expect(live.start).toBe('condition_1');
    expect(live.nodes.wait_1).toEqual({ type: 'wait', duration: { days: 1 }, next: 'exit_1' });

    // A player entered through the API passes the condition and waits: the counts on the steps.
    const entered = await web.h.inject({
      method: 'POST',
      url: `/api/journeys/${id}/enter`,
      headers: t.keyHeaders,
      payload: { player_id: 'p-1' },
    });
    expect(json<{ data: { entered: boolean } }>(entered).data.entered).toBe(true);
    expect((await advanceDue(web.h.deps, { journeyId: id, sliceMs: 200 })).runs).toBe(1);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('counts-wait_1').innerText(), { timeout: 10_000 })
      .toBe('1 here · 0 passed');
    expect(await page.getByTestId('counts-condition_1').innerText()).toBe('0 here · 1 passed');
    expect(await page.getByTestId('journey-stats').innerText()).toBe(
      'Entered 1 · moving 0 · waiting 1 · completed 0 · exited 0',
    );
    await checkScreen(page, 'laptop', '31-journey-editor');
    await page.getByTestId('journey-view').getByText('List').click();
    expect(await page.getByTestId('list-counts-wait_1').innerText()).toBe('1 here · 0 passed');
    await checkScreen(page, 'laptop', '32-journey-list');

    await page.getByTestId('journey-pause').click();
    await expect.poll(() => page.getByTestId('journey-status').textContent()).toBe('Paused');
    await page.getByTestId('journey-resume').click();
    await expect.poll(() => page.getByTestId('journey-status').textContent()).toBe('Live');

    await page.getByTestId('nav-journeys').click();
    const row = page.getByTestId('journey-row');
    await expect.poll(() => row.getByTestId('journey-entered').innerText()).toBe('1');
    expect(await row.getByTestId('journey-active').innerText()).toBe('1');
    expect(await row.textContent()).toContain('Live');
    await checkScreen(page, 'laptop', '33-journeys');

    // The phone: the list, the canvas fitted to the screen, and a step's panel in a drawer.
    await page.setViewportSize(SIZES.phone.viewport);
    await checkScreen(page, 'phone', '33-journeys');
    await row.getByTestId('journey-link').click();
    await page.getByTestId('counts-wait_1').waitFor();
    await checkScreen(page, 'phone', '31-journey-editor');
    await page.getByTestId('node-condition_1').click();
    await page.getByRole('dialog').getByTestId('field-filter').waitFor();
    await checkScreen(page, 'phone', '34-journey-drawer');
    await page.evaluate(() => localStorage.setItem('playloop.lang', 'th'));
    await page.reload();
    await expect
      .poll(() => page.getByTestId('counts-wait_1').innerText(), { timeout: 10_000 })
      .toBe('อยู่ที่นี่ 1 · ผ่านไป 0');
    await checkScreen(page, 'phone', '36-journey-editor-th');
    await page.context().close();

    // A Viewer reads the graph and its counts; nothing that would change it is offered.
    const viewer = await makeUser(web.h, t.org.id, 'Viewer');
    const view = await openPage(web, 'laptop');
    await logInAt(web, view, viewer.email, viewer.password);
    await view.goto(`${web.base}/app/journeys/${id}`);
    await expect
      .poll(() => view.getByTestId('counts-wait_1').innerText())
      .toBe('1 here · 0 passed');
    for (const control of ['journey-save', 'journey-publish', 'journey-pause', 'add-node']) {
      expect(await view.getByTestId(control).count(), control).toBe(0);
    }
    await view.getByTestId('node-condition_1').click();
    expect(await view.getByTestId('field-filter').isDisabled()).toBe(true);
    expect(await view.getByTestId('node-delete').count()).toBe(0);
    await checkScreen(view, 'laptop', '35-journey-viewer');
    // The API refuses a Viewer's change in any case (the screen never offers it).
    const refused = await web.h.inject({
      method: 'POST',
      url: `/api/journeys/${id}/pause`,
      headers: { ...viewer.auth, 'x-property-id': t.property.id },
    });
    expect(refused.statusCode).toBe(403);
    await view.context().close();
  }, 90_000);
});
