import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from '../../../test/brand-images.ts';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectData, type Harness } from '../../../test/harness.ts';
import { sessionToken, startPlay, viewOf } from '../../../test/play.ts';
import type { BrandView } from '../../web/play-view.ts';

// The brand on the play pages: which organization a link names, the game over the organization
// over PlayLoop's defaults, and never another organization's image.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function asset(t: Tenant, rgb = '#d4145a'): Promise<string> {
  const response = await h.inject({
    method: 'POST',
    url: `/api/organizations/${t.org.id}/assets`,
    headers: { ...t.owner.auth, 'content-type': 'image/png' },
    payload: png(48, 48, rgb),
  });
  expect(response.statusCode, response.body).toBe(201);
  return (JSON.parse(response.body) as { data: { id: string } }).data.id;
}

async function brand(t: Tenant, body: Record<string, unknown>) {
  await expectData(
    h.inject({
      method: 'PUT',
      url: `/api/organizations/${t.org.id}/branding`,
      headers: t.owner.auth,
      payload: body,
    }),
  );
}

const page = (url: string) => h.inject({ url, headers: { 'accept-language': 'en' } });

const brandOf = (response: Parameters<typeof viewOf>[0]) =>
  (viewOf(response) as { brand?: BrandView }).brand;

describe('play page brand', () => {
  it("names a consumed link's organization, with its logo, colours, font and powered-by line", async () => {
    const t = await makeTenant(h);
    const logo = await asset(t);
    await brand(t, {
      display_name: 'Golden Lotus',
      logo_asset_id: logo,
      primary_color: '#b91c1c',
      background_color: '#fff7ed',
      font: 'serif',
      powered_by: true,
    });
    const token = await sessionToken(h, t, { game_id: t.gameIds[0] });
    const started = await startPlay(
      h,
      { session_token: token, game_id: t.gameIds[0] },
      randomUUID(),
    );
    expect(started.statusCode, started.body).toBe(200);
    const response = await page(`/play/game/${t.gameIds[0]}?session_token=${token}`);
    const view = viewOf(response);
    expect(view.screen).toBe('error');
    expect(response.body).toContain(
      `<img class="brand-logo" data-testid="brand-logo" src="/play/assets/${logo}" alt="Golden Lotus">`,
    );
    expect(response.body).toContain(
      '<span class="brand" data-testid="brand-name">Golden Lotus</span>',
    );
    expect(response.body).toContain('--primary:#b91c1c');
    expect(response.body).toContain('--bg:#fff7ed');
    expect(response.body).toContain(':root{font-family:ui-serif');
    expect(response.body).toContain('Powered by PlayLoop');
    expect(response.body).not.toContain('>PlayLoop<');
  });

  it('keeps the neutral look for a link that names no organization', async () => {
    const t = await makeTenant(h);
    await brand(t, { display_name: 'Golden Lotus', powered_by: true });
    const response = await page(`/play/game/${t.gameIds[0]}?session_token=${randomUUID()}`);
    expect(viewOf(response)).not.toHaveProperty('brand');
    expect(response.body).toContain('<span class="brand">PlayLoop</span>');
    expect(response.body).not.toContain('Golden Lotus');
    expect(response.body).not.toContain('powered-by');
  });

  it("shows the organization's name by default and no powered-by line", async () => {
    const t = await makeTenant(h);
    const token = await sessionToken(h, t, { stream_id: t.streamId });
    const response = await page(`/play/stream/${t.streamId}?session_token=${token}`);
    expect(brandOf(response)).toMatchObject({ name: t.org.name, powered_by: false });
    expect(response.body).not.toContain('data-testid="powered-by"');
  });

  it('keeps a stream link without a session of its own neutral (stream ids are sequential)', async () => {
    const t = await makeTenant(h);
    await brand(t, { display_name: 'Golden Lotus' });
    const response = await page(`/play/stream/${t.streamId}?session_token=${randomUUID()}`);
    expect(viewOf(response)).not.toHaveProperty('brand');
    expect(response.body).not.toContain('Golden Lotus');
  });

  it("lets the game's logo, gradient, font and colours win over the organization's", async () => {
    const t = await makeTenant(h);
    const [orgLogo, gameLogo] = [await asset(t), await asset(t, '#0000ff')];
    await brand(t, {
      logo_asset_id: orgLogo,
      primary_color: '#b91c1c',
      secondary_color: '#fbbf24',
      font: 'serif',
    });
    const patched = await h.inject({
      method: 'PATCH',
      url: `/api/games/${t.gameIds[0]}`,
      headers: t.owner.auth,
      payload: {
        org_id: t.org.id,
        config: {
          logo_asset: gameLogo,
          primary_color: '#065f46',
          background_gradient: { from: '#000000', to: '#334455', angle: 90 },
          font: 'mono',
        },
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const token = await sessionToken(h, t, { game_id: t.gameIds[0] });
    const response = await page(`/play/game/${t.gameIds[0]}?session_token=${token}`);
    expect(viewOf(response).screen).toBe('start');
    expect(brandOf(response)).toMatchObject({
      logo_url: `/play/assets/${gameLogo}`,
      font: 'mono',
      colors: { primary: '#065f46', secondary: '#fbbf24' },
      background: { type: 'gradient', from: '#000000', to: '#334455', angle: 90 },
    });
  });

  it("never renders another organization's image, even one stored in a game's config", async () => {
    const [a, b] = [await makeTenant(h), await makeTenant(h)];
    const theirs = await asset(b);
    await h.deps.database.db
      .updateTable('games')
      .set({ config: sql`jsonb_build_object('logo_asset', ${theirs}::text)` as never })
      .where('id', '=', a.gameIds[0])
      .execute();
    const token = await sessionToken(h, a, { game_id: a.gameIds[0] });
    const response = await page(`/play/game/${a.gameIds[0]}?session_token=${token}`);
    expect(brandOf(response)?.logo_url).toBeNull();
    expect(response.body).not.toContain(`/play/assets/${theirs}`);
  });
});
