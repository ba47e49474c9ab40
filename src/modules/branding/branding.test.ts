import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpeg, png, SVG, webp } from '../../../test/brand-images.ts';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, expectData, expectError, type Harness } from '../../../test/harness.ts';
import { MAX_ASSETS_PER_ORG } from './index.ts';

// Organization branding and its images through the dashboard API: roles, tenancy, validation
// of uploads (type by the bytes, size, dimensions), the limit, in-use deletes, public serving.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface Asset {
  id: string;
  url: string;
  content_type: string;
  width: number;
  height: number;
}

const upload = (
  t: Tenant,
  body: Buffer,
  type = 'image/png',
  auth: Record<string, string> = t.owner.auth,
) =>
  h.inject({
    method: 'POST',
    url: `/api/organizations/${t.org.id}/assets`,
    headers: { ...auth, 'content-type': type },
    payload: body,
  });

const uploaded = async (t: Tenant, body = png(64, 32)) => expectData<Asset>(upload(t, body), 201);

const putBranding = (t: Tenant, payload: object, auth = t.owner.auth) =>
  h.inject({
    method: 'PUT',
    url: `/api/organizations/${t.org.id}/branding`,
    headers: auth,
    payload,
  });

describe('branding', () => {
  it('shows the defaults, named after the organization, to any member', async () => {
    const t = await makeTenant(h);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const data = await expectData(
      h.inject({ url: `/api/organizations/${t.org.id}/branding`, headers: viewer.auth }),
    );
    expect(data).toEqual({
      name: t.org.name,
      display_name: null,
      logo_asset_id: null,
      background: { type: 'color' },
      font: 'system',
      primary_color: null,
      secondary_color: null,
      background_color: null,
      powered_by: false,
      updated_at: null,
    });
  });

  it('sets every field as an Owner, colours stored lower case, and reads them back', async () => {
    const t = await makeTenant(h);
    const logo = await uploaded(t);
    const set = {
      display_name: 'Golden Lotus',
      logo_asset_id: logo.id,
      background: { type: 'gradient', from: '#112233', to: '#AABBCC', angle: 135 },
      font: 'serif',
      primary_color: '#B91C1C',
      secondary_color: '#fbbf24',
      background_color: '#fff7ed',
      powered_by: true,
    };
    const data = await expectData(putBranding(t, set));
    expect(data).toMatchObject({
      ...set,
      name: 'Golden Lotus',
      primary_color: '#b91c1c',
      background: { type: 'gradient', from: '#112233', to: '#aabbcc', angle: 135 },
    });
    const read = await expectData(
      h.inject({ url: `/api/organizations/${t.org.id}/branding`, headers: t.owner.auth }),
    );
    expect(read).toEqual(data);
  });

  it('refuses a change from an Editor (403) and from no one (401)', async () => {
    const t = await makeTenant(h);
    const editor = await makeUser(h, t.org.id, 'Editor');
    expectError(await putBranding(t, { powered_by: true }, editor.auth), 403, 'forbidden');
    const anonymous = await h.inject({
      method: 'PUT',
      url: `/api/organizations/${t.org.id}/branding`,
      payload: { powered_by: true },
    });
    expectError(anonymous, 401, 'unauthorized');
  });

  it("answers 404 for another organization's branding", async () => {
    const [a, b] = [await makeTenant(h), await makeTenant(h)];
    const read = await h.inject({
      url: `/api/organizations/${b.org.id}/branding`,
      headers: a.owner.auth,
    });
    expectError(read, 404, 'not_found');
    expectError(await putBranding(b, { font: 'mono' }, a.owner.auth), 404, 'not_found');
  });

  it('refuses colours that are not #rrggbb, unknown fonts and half a gradient', async () => {
    const t = await makeTenant(h);
    for (const body of [
      { primary_color: 'red' },
      { primary_color: '#fff;}body{x' },
      { font: 'Comic Sans' },
      { background: { type: 'gradient', from: '#000000' } },
      { display_name: '' },
    ]) {
      expectError(await putBranding(t, body), 400, 'validation_failed');
    }
  });

  it("refuses another organization's image as logo or background", async () => {
    const [a, b] = [await makeTenant(h), await makeTenant(h)];
    const theirs = await uploaded(b);
    // 404, and worded exactly as for an id never issued.
    const logo = expectError(await putBranding(a, { logo_asset_id: theirs.id }), 404, 'not_found');
    expect(logo.error).toContain('logo_asset_id');
    const ghost = expectError(
      await putBranding(a, { logo_asset_id: randomUUID() }),
      404,
      'not_found',
    );
    expect(ghost.error).toBe(logo.error);
    const background = await putBranding(a, {
      background: { type: 'image', asset_id: theirs.id },
    });
    expectError(background, 404, 'not_found');
  });
});

describe('branding assets', () => {
  it('stores PNG, JPEG and WebP with their dimensions and lists them to a Viewer', async () => {
    const t = await makeTenant(h);
    const a = await uploaded(t, png(64, 32));
    const b = await expectData<Asset>(upload(t, jpeg(800, 600), 'image/jpeg'), 201);
    const c = await expectData<Asset>(upload(t, webp(16, 4096), 'image/webp'), 201);
    expect([a, b, c].map((x) => [x.content_type, x.width, x.height])).toEqual([
      ['image/png', 64, 32],
      ['image/jpeg', 800, 600],
      ['image/webp', 16, 4096],
    ]);
    expect(a.url).toBe(`/play/assets/${a.id}`);
    const viewer = await makeUser(h, t.org.id, 'Viewer');
    const list = await expectData<Asset[]>(
      h.inject({ url: `/api/organizations/${t.org.id}/assets`, headers: viewer.auth }),
    );
    expect(list.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
  });

  it('refuses bytes that are not the declared type (400), SVG and other types (415)', async () => {
    const t = await makeTenant(h);
    const mismatch = expectError(
      await upload(t, jpeg(64, 64), 'image/png'),
      400,
      'validation_failed',
    );
    expect(mismatch.error).toContain('image/jpeg');
    const svg = expectError(await upload(t, SVG, 'image/svg+xml'), 415, 'unsupported_media_type');
    expect(svg.error).toContain('SVG');
    expectError(await upload(t, SVG, 'image/png'), 415, 'unsupported_media_type');
    expectError(await upload(t, Buffer.from('hello'), 'text/plain'), 415, 'unsupported_media_type');
    const json = await h.inject({
      method: 'POST',
      url: `/api/organizations/${t.org.id}/assets`,
      headers: t.owner.auth,
      payload: { image: 'x' },
    });
    expectError(json, 415, 'unsupported_media_type');
    expectError(await upload(t, png(64, 64).subarray(0, 20)), 400, 'validation_failed');
  });

  it('refuses images smaller than 16 px or larger than 4096 px on a side', async () => {
    const t = await makeTenant(h);
    const small = expectError(await upload(t, png(15, 64)), 400, 'validation_failed');
    expect(small.error).toContain('15×64');
    expectError(await upload(t, jpeg(4097, 100), 'image/jpeg'), 400, 'validation_failed');
  });

  it('refuses a body over 2 MB with 413, stored nothing', async () => {
    const t = await makeTenant(h);
    const big = Buffer.concat([png(64, 64), Buffer.alloc(2 * 1024 * 1024)]);
    expectError(await upload(t, big), 413, 'payload_too_large');
    const list = await expectData<Asset[]>(
      h.inject({ url: `/api/organizations/${t.org.id}/assets`, headers: t.owner.auth }),
    );
    expect(list).toEqual([]);
  });

  it('refuses uploads from an Editor (403), no one (401) and into another organization (404)', async () => {
    const [t, other] = [await makeTenant(h), await makeTenant(h)];
    const editor = await makeUser(h, t.org.id, 'Editor');
    expectError(await upload(t, png(32, 32), 'image/png', editor.auth), 403, 'forbidden');
    expectError(await upload(t, png(32, 32), 'image/png', {}), 401, 'unauthorized');
    expectError(await upload(t, png(32, 32), 'image/png', other.owner.auth), 404, 'not_found');
    const list = await h.inject({
      url: `/api/organizations/${t.org.id}/assets`,
      headers: other.owner.auth,
    });
    expectError(list, 404, 'not_found');
  });

  it(`keeps at most ${MAX_ASSETS_PER_ORG} images per organization`, async () => {
    const t = await makeTenant(h);
    const bytes = png(16, 16);
    await h.deps.database.db
      .insertInto('org_assets')
      .values(
        Array.from({ length: MAX_ASSETS_PER_ORG }, () => ({
          org_id: t.org.id,
          content_type: 'image/png' as const,
          bytes,
          byte_size: bytes.length,
          width: 16,
          height: 16,
          sha256: 'x',
        })),
      )
      .execute();
    expectError(await upload(t, bytes), 403, 'quota_exceeded');
  });

  it('refuses to delete an image in use (409) and deletes it once unused', async () => {
    const t = await makeTenant(h);
    const logo = await uploaded(t);
    await expectData(putBranding(t, { logo_asset_id: logo.id }));
    const url = `/api/organizations/${t.org.id}/assets/${logo.id}`;
    const inUse = expectError(
      await h.inject({ method: 'DELETE', url, headers: t.owner.auth }),
      409,
      'conflict',
    );
    expect(inUse.error).toContain('branding');
    await expectData(putBranding(t, {}));
    await expectData(h.inject({ method: 'DELETE', url, headers: t.owner.auth }));
    const served = await h.inject({ url: logo.url });
    expect(served.statusCode).toBe(404);
  });

  it('refuses to delete an image a game uses, naming the game', async () => {
    const t = await makeTenant(h);
    const image = await uploaded(t);
    const patched = await h.inject({
      method: 'PATCH',
      url: `/api/games/${t.gameIds[0]}`,
      headers: t.owner.auth,
      payload: { org_id: t.org.id, config: { background_asset: image.id } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const refused = expectError(
      await h.inject({
        method: 'DELETE',
        url: `/api/organizations/${t.org.id}/assets/${image.id}`,
        headers: t.owner.auth,
      }),
      409,
      'conflict',
    );
    expect(refused.error).toContain(String(t.gameIds[0]));
  });

  it("refuses deletes from an Editor (403), of another organization's image (404)", async () => {
    const [t, other] = [await makeTenant(h), await makeTenant(h)];
    const image = await uploaded(t);
    const editor = await makeUser(h, t.org.id, 'Editor');
    const url = `/api/organizations/${t.org.id}/assets/${image.id}`;
    expectError(await h.inject({ method: 'DELETE', url, headers: editor.auth }), 403, 'forbidden');
    expectError(await h.inject({ method: 'DELETE', url }), 401, 'unauthorized');
    const cross = await h.inject({
      method: 'DELETE',
      url: `/api/organizations/${other.org.id}/assets/${image.id}`,
      headers: other.owner.auth,
    });
    expectError(cross, 404, 'not_found');
    expect((await h.inject({ url: image.url })).statusCode).toBe(200);
  });

  it("refuses a game config naming another organization's image", async () => {
    const [a, b] = [await makeTenant(h), await makeTenant(h)];
    const theirs = await uploaded(b);
    const patched = await h.inject({
      method: 'PATCH',
      url: `/api/games/${a.gameIds[0]}`,
      headers: a.owner.auth,
      payload: { org_id: a.org.id, config: { logo_asset: theirs.id } },
    });
    const body = expectError(patched, 404, 'not_found');
    expect(body.error).toContain('config.logo_asset');
  });

  it('serves an image publicly with its type, nosniff, a CSP, immutable caching and an ETag', async () => {
    const t = await makeTenant(h);
    const bytes = png(20, 20);
    const image = await uploaded(t, bytes);
    const served = await h.inject({ url: image.url });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(bytes)).toBe(true);
    expect(served.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'cache-control': 'public, max-age=31536000, immutable',
    });
    const etag = String(served.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await h.inject({ url: image.url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect((await h.inject({ url: `/play/assets/${randomUUID()}` })).statusCode).toBe(404);
    expect((await h.inject({ url: '/play/assets/not-a-uuid' })).statusCode).toBe(400);
  });
});
