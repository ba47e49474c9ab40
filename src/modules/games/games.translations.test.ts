import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant } from '../../../test/factories.ts';
import {
  createHarness,
  errorBody,
  expectError,
  type Harness,
  json,
} from '../../../test/harness.ts';

// Issue 16: game texts per page language, on games and on prize slots (docs/play.md,
// "Languages"). What the play pages make of them is in plays.lang.test.ts.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

interface GameJson {
  id: number;
  config: Record<string, unknown>;
  translations: Record<string, Record<string, unknown>>;
}

const TH = {
  title: 'วงล้อนำโชค',
  description: 'หมุนเพื่อรับรางวัล',
  intro_text: 'ยินดีต้อนรับ',
  result_text: 'ขอบคุณที่ร่วมสนุก',
  segments: ['หนึ่ง', 'สอง', 'สาม'],
};
const CONFIG = { segments: [{ label: 'One' }, { label: 'Two' }, { label: 'Three' }] };

const createGame = (t: Tenant, fields: Record<string, unknown>) =>
  h.inject({
    method: 'POST',
    url: '/api/games',
    headers: t.owner.auth,
    payload: { org_id: t.org.id, title: 'Lucky wheel', ...fields },
  });

const patchGame = (t: Tenant, id: number, fields: Record<string, unknown>) =>
  h.inject({
    method: 'PATCH',
    url: `/api/games/${id}`,
    headers: t.owner.auth,
    payload: { org_id: t.org.id, ...fields },
  });

async function created(t: Tenant, fields: Record<string, unknown>): Promise<GameJson> {
  const response = await createGame(t, fields);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: GameJson }>(response).data;
}

describe('translations on games', () => {
  it('are saved with the game, read back, and replaced as a whole', async () => {
    const t = await makeTenant(h);
    const game = await created(t, { config: CONFIG, translations: { th: TH } });
    expect(game.translations).toEqual({ th: TH });

    const read = await h.inject({
      method: 'GET',
      url: `/api/games/${game.id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expect(json<{ data: GameJson }>(read).data.translations).toEqual({ th: TH });

    const patched = await patchGame(t, game.id, { translations: { th: { title: 'ใหม่' } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<{ data: GameJson }>(patched).data.translations).toEqual({
      th: { title: 'ใหม่' },
    });
    // Other fields leave them alone.
    const renamed = await patchGame(t, game.id, { title: 'Wheel' });
    expect(json<{ data: GameJson }>(renamed).data.translations).toEqual({ th: { title: 'ใหม่' } });
  });

  it('are empty for a game made without them (existing clients see an additive field)', async () => {
    const t = await makeTenant(h);
    const game = await created(t, {});
    expect(game.translations).toEqual({});
  });

  it('take the call to action text (cta_text) too', async () => {
    const t = await makeTenant(h);
    const game = await created(t, {
      template: 'quick-tap',
      translations: { th: { cta_text: 'จองห้องพัก' } },
    });
    expect(game.translations.th).toEqual({ cta_text: 'จองห้องพัก' });
  });

  it.each([
    [{ fr: { title: 'Roue' } }, 'fr'],
    [{ th: { title: 'x'.repeat(201) } }, 'title'],
    [{ th: { intro_text: 'x'.repeat(501) } }, 'intro_text'],
    [{ th: { subtitle: 'x' } }, 'subtitle'],
    [{ th: { segments: ['x'.repeat(41), 'b', 'c'] } }, 'segments'],
  ])('refuses %j with a 400 naming the problem', async (translations, named) => {
    const t = await makeTenant(h);
    const response = await createGame(t, { config: CONFIG, translations });
    expectError(response, 400, 'validation_failed');
    expect(errorBody(response).error).toContain(named);
  });

  it("refuses translated segments not as many as the game's", async () => {
    const t = await makeTenant(h);
    const response = await createGame(t, {
      config: CONFIG,
      translations: { th: { segments: ['หนึ่ง', 'สอง'] } },
    });
    expectError(response, 400, 'validation_failed');
    expect(errorBody(response).error).toBe(
      'translations.th.segments must have 3 labels, one per segment (it has 2)',
    );
    // Without config.segments a wheel has its six default segments.
    const defaults = await createGame(t, { translations: { th: { segments: ['ก', 'ข'] } } });
    expect(errorBody(defaults).error).toContain('must have 6 labels');
    // A skill game has none to translate.
    const skill = await createGame(t, {
      template: 'memory-match',
      translations: { th: { segments: ['ก', 'ข'] } },
    });
    expectError(skill, 400, 'validation_failed');
    expect(errorBody(skill).error).toContain('has no segments');
  });

  it('refuses a config that changes the number of segments under stored translations', async () => {
    const t = await makeTenant(h);
    const game = await created(t, { config: CONFIG, translations: { th: TH } });
    const fewer = await patchGame(t, game.id, {
      config: { segments: [{ label: 'One' }, { label: 'Two' }] },
    });
    expectError(fewer, 400, 'validation_failed');
    expect(errorBody(fewer).error).toContain('send translations too');
    // Sent together, they fit.
    const both = await patchGame(t, game.id, {
      config: { segments: [{ label: 'One' }, { label: 'Two' }] },
      translations: { th: { segments: ['หนึ่ง', 'สอง'] } },
    });
    expect(both.statusCode, both.body).toBe(200);
  });

  it("are another organization's 404 like the game itself", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const game = await created(t, { config: CONFIG, translations: { th: TH } });
    for (const orgId of [other.org.id, t.org.id]) {
      const response = await h.inject({
        method: 'GET',
        url: `/api/games/${game.id}?org_id=${orgId}`,
        headers: other.owner.auth,
      });
      expect(response.statusCode).not.toBe(200);
      expect(response.body).not.toContain('วงล้อนำโชค');
    }
    expectError(
      await h.inject({
        method: 'GET',
        url: `/api/games/${game.id}?org_id=${other.org.id}`,
        headers: other.owner.auth,
      }),
      404,
      'not_found',
    );
  });
});

interface SlotJson {
  id: number;
  name: string;
  translations: Record<string, { name?: string; description?: string }>;
}

const putSlots = (t: Tenant, gameId: number, slots: Record<string, unknown>[]) =>
  h.inject({
    method: 'PUT',
    url: `/api/games/${gameId}/prizes`,
    headers: t.owner.auth,
    payload: { org_id: t.org.id, slots },
  });

const slot = (fields: Record<string, unknown> = {}) => ({
  name: 'Free drink',
  description: 'At any bar',
  type: 'item',
  win_chance: 100,
  ...fields,
});

describe('translations on prize slots', () => {
  it('are saved, trimmed, blanks dropped, and read back', async () => {
    const t = await makeTenant(h);
    const put = await putSlots(t, t.gameIds[0], [
      slot({ translations: { th: { name: ' เครื่องดื่มฟรี ', description: '' } } }),
      slot({ name: 'Nothing', type: 'no_prize', win_chance: 1 }),
    ]);
    expect(put.statusCode, put.body).toBe(200);
    const list = await h.inject({
      method: 'GET',
      url: `/api/games/${t.gameIds[0]}/prizes?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    const slots = json<{ data: SlotJson[] }>(list).data;
    expect(slots.map((s) => s.translations)).toEqual([{ th: { name: 'เครื่องดื่มฟรี' } }, {}]);

    // Kept slots (by id) take new translations.
    const again = await putSlots(t, t.gameIds[0], [
      slot({ id: slots[0]!.id, translations: { th: { description: 'ที่บาร์ใดก็ได้' } } }),
    ]);
    expect(json<{ data: SlotJson[] }>(again).data[0]!.translations).toEqual({
      th: { description: 'ที่บาร์ใดก็ได้' },
    });
  });

  it.each([
    [{ th: { name: 'x'.repeat(51) } }, 'name'],
    [{ th: { description: 'x'.repeat(201) } }, 'description'],
    [{ jp: { name: 'x' } }, 'jp'],
    [{ th: { label: 'x' } }, 'label'],
  ])('refuses %j with a 400', async (translations, named) => {
    const t = await makeTenant(h);
    const response = await putSlots(t, t.gameIds[0], [slot({ translations })]);
    expectError(response, 400, 'validation_failed');
    expect(errorBody(response).error).toContain(named);
  });

  it("are not readable by another organization's members", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    await putSlots(t, t.gameIds[0], [slot({ translations: { th: { name: 'ลับเฉพาะ' } } })]);
    const response = await h.inject({
      method: 'GET',
      url: `/api/games/${t.gameIds[0]}/prizes?org_id=${other.org.id}`,
      headers: other.owner.auth,
    });
    expectError(response, 404, 'not_found');
    expect(response.body).not.toContain('ลับเฉพาะ');
  });
});
