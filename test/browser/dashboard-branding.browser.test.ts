import { describe, expect, it } from 'vitest';
import { png } from '../brand-images.ts';
import { makeTenant, makeUser } from '../factories.ts';
import { json } from '../harness.ts';
import { checkScreen, logInAt, openPage } from './dashboard-fixture.ts';
import { useBrowserServer } from './fixture.ts';

/**
 * Issue 16, the Branding screen: an Owner uploads a logo, names the brand, picks a font and
 * colours and the powered-by line, with the preview following; the play page then shows it.
 * A Viewer sees the same settings read-only, with no control the API would refuse.
 */

const web = useBrowserServer();

describe('the Branding screen of the dashboard', () => {
  it('lets an Owner set the branding with a live preview; a Viewer only reads it', async () => {
    const t = await makeTenant(web.h);
    const viewer = await makeUser(web.h, t.org.id, 'Viewer');

    const page = await openPage(web, 'laptop');
    await logInAt(web, page, t.owner.email, t.owner.password);
    await page.goto(`${web.base}/app/branding`);
    await page.getByTestId('branding-name').waitFor();
    expect(await page.getByTestId('brand-preview-name').innerText()).toBe(t.org.name);
    await checkScreen(page, 'laptop', 'brand-01-defaults');

    await page.getByTestId('branding-name').fill('Golden Lotus');
    expect(await page.getByTestId('brand-preview-name').innerText()).toBe('Golden Lotus');
    await page.locator('input[type="file"]').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: png(120, 60, '#b45309'),
    });
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="branding-logo"]') as HTMLSelectElement).value,
    );
    await page.getByTestId('branding-font').selectOption('serif');
    await page.locator('label', { hasText: 'Gradient' }).click();
    await page.getByTestId('branding-powered-by').check({ force: true });
    await page.getByTestId('branding-primary').fill('#b91c1c');
    await page.getByTestId('branding-save').click();
    await page.getByTestId('branding-saved').waitFor();
    await checkScreen(page, 'laptop', 'brand-02-saved');

    const saved = json<{ data: Record<string, unknown> }>(
      await web.h.inject({
        url: `/api/organizations/${t.org.id}/branding`,
        headers: t.owner.auth,
      }),
    ).data;
    expect(saved).toMatchObject({
      name: 'Golden Lotus',
      font: 'serif',
      primary_color: '#b91c1c',
      powered_by: true,
      background: { type: 'gradient' },
    });
    expect(saved.logo_asset_id).toEqual(expect.any(String));

    // The Viewer: the same settings, read-only, no save and no upload.
    const viewerPage = await openPage(web, 'phone');
    await logInAt(web, viewerPage, viewer.email, viewer.password);
    await viewerPage.goto(`${web.base}/app/branding`);
    await viewerPage.getByTestId('branding-read-only').waitFor();
    expect(await viewerPage.getByTestId('branding-name').inputValue()).toBe('Golden Lotus');
    expect(await viewerPage.getByTestId('branding-name').getAttribute('readonly')).not.toBeNull();
    expect(await viewerPage.getByTestId('branding-font').isDisabled()).toBe(true);
    expect(await viewerPage.getByTestId('branding-save').count()).toBe(0);
    expect(await viewerPage.getByTestId('branding-upload-logo').count()).toBe(0);
    expect(await viewerPage.getByTestId('brand-preview-name').innerText()).toBe('Golden Lotus');
    await checkScreen(viewerPage, 'phone', 'brand-03-viewer');

    await page.context().close();
    await viewerPage.context().close();
  }, 120_000);
});
