import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type Tenant } from '../../../test/factories.ts';
import { createHarness, type Harness, json, expectError } from '../../../test/harness.ts';
import { CODE_ALPHABET, csvFirstColumn, parseCodeUpload } from './vouchers.codes.ts';

interface VoucherSetJson {
  id: number;
  org_id: number;
  name: string;
  description: string | null;
  expires_at: string | null;
  created_at: string;
  counts: { total: number; available: number; claimed: number };
  games: { id: number; title: string }[];
}

interface CodeJson {
  id: number;
  code: string;
  status: 'available' | 'claimed';
  draw_id: number | null;
  claimed_at: string | null;
  created_at: string;
}

type Auth = { authorization: string };

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.close();
});

function ok<T>(response: LightMyRequestResponse): T {
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: T }>(response).data;
}

async function createSet(t: Tenant, fields: Record<string, unknown> = {}) {
  const response = await h.inject({
    method: 'POST',
    url: '/api/voucher-sets',
    headers: t.owner.auth,
    payload: { org_id: t.org.id, name: 'Summer codes', ...fields },
  });
  return ok<VoucherSetJson>(response);
}

function getSet(auth: Auth, orgId: number, setId: number) {
  return h.inject({
    method: 'GET',
    url: `/api/voucher-sets/${setId}?org_id=${orgId}`,
    headers: auth,
  });
}

function upload(
  auth: Auth,
  orgId: number,
  setId: number,
  body: string | Record<string, unknown>,
  contentType = 'application/json',
  query = '',
) {
  return h.inject({
    method: 'POST',
    url: `/api/voucher-sets/${setId}/codes?org_id=${orgId}${query}`,
    headers: { ...auth, 'content-type': contentType },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function generate(auth: Auth, orgId: number, setId: number, payload: Record<string, unknown>) {
  return h.inject({
    method: 'POST',
    url: `/api/voucher-sets/${setId}/generate?org_id=${orgId}`,
    headers: auth,
    payload,
  });
}

async function codesOf(t: Tenant, setId: number, query = ''): Promise<CodeJson[]> {
  const response = await h.inject({
    method: 'GET',
    url: `/api/voucher-sets/${setId}/codes?org_id=${t.org.id}&limit=1000${query}`,
    headers: t.owner.auth,
  });
  return ok<CodeJson[]>(response);
}

/** Every endpoint, addressed to one set of one organization. */
function endpoints(
  orgId: number,
  setId: number,
): (InjectOptions & { write: boolean; url: string })[] {
  const q = `org_id=${orgId}`;
  const set = `/api/voucher-sets/${setId}`;
  return [
    { write: false, method: 'GET', url: `/api/voucher-sets?${q}` },
    {
      write: true,
      method: 'POST',
      url: '/api/voucher-sets',
      payload: { org_id: orgId, name: 'X' },
    },
    { write: false, method: 'GET', url: `${set}?${q}` },
    { write: true, method: 'PATCH', url: `${set}?${q}`, payload: { name: 'Renamed' } },
    { write: true, method: 'DELETE', url: `${set}?${q}` },
    { write: true, method: 'POST', url: `${set}/codes?${q}`, payload: { codes: ['A1'] } },
    { write: true, method: 'POST', url: `${set}/generate?${q}`, payload: { count: 2 } },
    { write: false, method: 'GET', url: `${set}/codes?${q}` },
  ];
}

const setScoped = (url: string) => url.includes('/api/voucher-sets/');

describe('voucher sets', () => {
  it('creates a set and lists it with zero counts and no games', async () => {
    const t = await makeTenant(h);
    const created = await createSet(t, {
      description: 'For the summer campaign',
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect(created).toMatchObject({
      org_id: t.org.id,
      name: 'Summer codes',
      description: 'For the summer campaign',
      counts: { total: 0, available: 0, claimed: 0 },
      games: [],
    });
    expect(new Date(created.expires_at!).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    const list = ok<VoucherSetJson[]>(
      await h.inject({
        method: 'GET',
        url: `/api/voucher-sets?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
    );
    expect(list.map((set) => set.id)).toEqual([created.id]);
  });

  it('refuses a missing, blank or too long name and a malformed expiry with 400', async () => {
    const t = await makeTenant(h);
    for (const payload of [
      { org_id: t.org.id },
      { org_id: t.org.id, name: '' },
      { org_id: t.org.id, name: '   ' },
      { org_id: t.org.id, name: 'x'.repeat(201) },
      { org_id: t.org.id, name: 'Ok', expires_at: 'tomorrow' },
      { org_id: String(t.org.id), name: 'Ok' },
    ]) {
      const response = await h.inject({
        method: 'POST',
        url: '/api/voucher-sets',
        headers: t.owner.auth,
        payload,
      });
      expectError(response, 400, 'validation_failed');
    }
  });

  it('shows code counts and the games whose prize slots use the set', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    ok(await upload(t.owner.auth, t.org.id, set.id, { codes: ['A', 'B', 'C'] }));
    await h.deps.database.db
      .updateTable('voucher_codes')
      .set({ status: 'claimed', claimed_at: new Date() })
      .where('set_id', '=', set.id)
      .where('code', '=', 'A')
      .execute();
    const slot = { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: set.id };
    for (const gameId of t.gameIds) {
      const response = await h.inject({
        method: 'PUT',
        url: `/api/games/${gameId}/prizes`,
        headers: t.owner.auth,
        payload: { org_id: t.org.id, slots: [slot, { ...slot, name: 'Again' }] },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const got = ok<VoucherSetJson>(await getSet(t.owner.auth, t.org.id, set.id));
    expect(got.counts).toEqual({ total: 3, available: 2, claimed: 1 });
    expect(got.games.map((game) => game.id)).toEqual([...t.gameIds].sort((a, b) => a - b));
    expect(got.games[0]!.title).toEqual(expect.any(String));
  });

  it('updates the name and description and clears the expiry', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t, { expires_at: '2030-01-01T00:00:00Z' });
    const response = await h.inject({
      method: 'PATCH',
      url: `/api/voucher-sets/${set.id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
      payload: { name: '  Winter codes ', description: 'Cold', expires_at: null },
    });
    expect(ok<VoucherSetJson>(response)).toMatchObject({
      id: set.id,
      name: 'Winter codes',
      description: 'Cold',
      expires_at: null,
    });
    const blank = await h.inject({
      method: 'PATCH',
      url: `/api/voucher-sets/${set.id}?org_id=${t.org.id}`,
      headers: t.owner.auth,
      payload: { name: '' },
    });
    expectError(blank, 400, 'validation_failed');
  });

  it('deletes a set with its codes, and refuses while a prize slot uses it', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    ok(await upload(t.owner.auth, t.org.id, set.id, { codes: ['A', 'B'] }));
    const prizes = `/api/games/${t.gameIds[0]}/prizes`;
    const slot = { name: 'Code', type: 'voucher_set', win_chance: 100, voucher_set_id: set.id };
    const put = (slots: unknown[]) =>
      h.inject({
        method: 'PUT',
        url: prizes,
        headers: t.owner.auth,
        payload: { org_id: t.org.id, slots },
      });
    expect((await put([slot])).statusCode).toBe(200);
    const del = () =>
      h.inject({
        method: 'DELETE',
        url: `/api/voucher-sets/${set.id}?org_id=${t.org.id}`,
        headers: t.owner.auth,
      });
    expectError(await del(), 409, 'conflict');
    expect((await put([])).statusCode).toBe(200);
    expect(json(await del())).toEqual({ success: true });
    expectError(await getSet(t.owner.auth, t.org.id, set.id), 404, 'not_found');
    const codes = await h.deps.database.db
      .selectFrom('voucher_codes')
      .select('id')
      .where('set_id', '=', set.id)
      .execute();
    expect(codes).toEqual([]);
    expectError(await del(), 404, 'not_found');
  });

  it('lets Analysts and Viewers read, and refuses them every write with 403', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    for (const role of ['Analyst', 'Viewer'] as const) {
      const user = await makeUser(h, t.org.id, role);
      for (const { write, ...request } of endpoints(t.org.id, set.id)) {
        const response = await h.inject({ ...request, headers: user.auth });
        if (write) expectError(response, 403, 'forbidden');
        else expect(response.statusCode, `${request.method} ${request.url}`).toBe(200);
      }
    }
  });

  it('lets an Editor manage sets and codes', async () => {
    const t = await makeTenant(h);
    const editor = await makeUser(h, t.org.id, 'Editor');
    const set = await createSet(t);
    // In the endpoint order; the delete comes after the others that need the set.
    const requests = endpoints(t.org.id, set.id);
    const del = requests.splice(4, 1)[0]!;
    for (const { write: _write, ...request } of [...requests, del]) {
      const response = await h.inject({ ...request, headers: editor.auth });
      expect(response.statusCode, `${request.method} ${request.url} ${response.body}`).toBe(200);
    }
  });

  it("answers 404 for another organization's set and for organizations the user is not in", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const set = await createSet(a);
    for (const { write: _write, ...request } of endpoints(b.org.id, set.id)) {
      const response = await h.inject({ ...request, headers: b.owner.auth });
      // B's own list and create are fine; everything addressed to A's set is not found.
      if (setScoped(request.url)) expectError(response, 404, 'not_found');
    }
    for (const { write: _write, ...request } of endpoints(a.org.id, set.id)) {
      expectError(await h.inject({ ...request, headers: b.owner.auth }), 404, 'not_found');
    }
    const untouched = ok<VoucherSetJson>(await getSet(a.owner.auth, a.org.id, set.id));
    expect(untouched).toMatchObject({ name: 'Summer codes', counts: { total: 0 } });
  });

  it('validates path and query: a non-numeric id or missing org_id is 400', async () => {
    const t = await makeTenant(h);
    expectError(
      await h.inject({
        method: 'GET',
        url: `/api/voucher-sets/abc?org_id=${t.org.id}`,
        headers: t.owner.auth,
      }),
      400,
      'validation_failed',
    );
    expectError(
      await h.inject({ method: 'GET', url: '/api/voucher-sets', headers: t.owner.auth }),
      400,
      'validation_failed',
    );
  });
});

describe('uploading codes', () => {
  it('takes the first column of a CSV with quoted fields, upper-cased, trimmed and de-duplicated', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const csv = [
      'save10,"10% off, all shoes",2030-01-01',
      '" quoted-1 ","multi',
      'line note"',
      '"WITH ""QUOTE""",x',
      '',
      'SAVE10,duplicate of the first',
      '   ',
      'plain',
    ].join('\r\n');
    const response = await upload(t.owner.auth, t.org.id, set.id, csv, 'text/csv');
    expect(ok(response)).toEqual({ added: 4, duplicates: 1, total: 4 });
    const codes = (await codesOf(t, set.id)).map((code) => code.code);
    expect(codes.sort()).toEqual(['PLAIN', 'QUOTED-1', 'SAVE10', 'WITH "QUOTE"'].sort());
  });

  it('takes one code per line of plain text, skipping empty lines', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const text = '\uFEFFalpha\n beta \r\n\n\ngamma\rALPHA\n';
    const response = await upload(
      t.owner.auth,
      t.org.id,
      set.id,
      text,
      'text/plain; charset=utf-8',
    );
    expect(ok(response)).toEqual({ added: 3, duplicates: 1, total: 3 });
    expect((await codesOf(t, set.id)).map((code) => code.code)).toEqual(['ALPHA', 'BETA', 'GAMMA']);
  });

  it('takes JSON { codes } and drops codes the set already has', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    ok(await upload(t.owner.auth, t.org.id, set.id, { codes: ['one', 'two'] }));
    const again = await upload(t.owner.auth, t.org.id, set.id, {
      codes: ['ONE', ' two ', 'three', 'Three', ''],
    });
    expect(ok(again)).toEqual({ added: 1, duplicates: 3, total: 3 });
  });

  it('skips a header row when asked', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const csv = 'code,value\nA1,5\nB2,5\n';
    const response = await upload(t.owner.auth, t.org.id, set.id, csv, 'text/csv', '&header=true');
    expect(ok(response)).toEqual({ added: 2, duplicates: 0, total: 2 });
    expect((await codesOf(t, set.id)).map((code) => code.code)).toEqual(['A1', 'B2']);
  });

  it('refuses empty uploads, codes over 64 characters and control characters with 400', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const cases: [string | Record<string, unknown>, string][] = [
      ['\n  \n', 'text/plain'],
      ['', 'text/csv'],
      [{ codes: [] }, 'application/json'],
      [{ codes: ['  '] }, 'application/json'],
      [{ codes: 'A1' }, 'application/json'],
      [`ok\n${'x'.repeat(65)}\n`, 'text/plain'],
      ['a\tb\n', 'text/plain'],
    ];
    for (const [body, type] of cases) {
      const response = await upload(t.owner.auth, t.org.id, set.id, body, type);
      expectError(response, 400, 'validation_failed');
    }
    expect(await codesOf(t, set.id)).toEqual([]);
  });

  it('refuses other content types with 415 and bodies over 2 MiB with 413', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const xml = await upload(t.owner.auth, t.org.id, set.id, '<codes/>', 'application/xml');
    expectError(xml, 415, 'unsupported_media_type');
    const huge = 'ABCDEFGHIJ\n'.repeat(200_000);
    expectError(
      await upload(t.owner.auth, t.org.id, set.id, huge, 'text/plain'),
      413,
      'payload_too_large',
    );
  });

  it('takes uploads larger than the default body limit', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const lines = Array.from({ length: 20_000 }, (_, i) => `BULK-${i}`);
    const response = await upload(t.owner.auth, t.org.id, set.id, lines.join('\n'), 'text/csv');
    expect(ok(response)).toEqual({ added: 20_000, duplicates: 0, total: 20_000 });
    const more = Array.from({ length: 10_000 }, (_, i) => `JSON-BULK-${i}`);
    const asJson = await upload(t.owner.auth, t.org.id, set.id, { codes: more });
    expect(ok(asJson)).toEqual({ added: 10_000, duplicates: 0, total: 30_000 });
  });
});

describe('generating codes', () => {
  it('adds count codes shaped PREFIX-XXXXXXXX from the unambiguous alphabet', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const response = await generate(t.owner.auth, t.org.id, set.id, { count: 50, prefix: 'promo' });
    const data = ok<{ added: number; total: number; codes: string[] }>(response);
    expect(data.added).toBe(50);
    expect(data.total).toBe(50);
    const shape = new RegExp(`^PROMO-[${CODE_ALPHABET}]{8}$`);
    for (const code of data.codes) expect(code).toMatch(shape);
    expect(new Set(data.codes).size).toBe(50);
    const stored = (await codesOf(t, set.id)).map((code) => code.code).sort();
    expect(stored).toEqual([...data.codes].sort());
  });

  it('leaves out the hyphen without a prefix and honours the length', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const short = ok<{ codes: string[] }>(
      await generate(t.owner.auth, t.org.id, set.id, { count: 5, length: 4 }),
    );
    for (const code of short.codes) expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{4}$`));
    const long = ok<{ codes: string[]; total: number }>(
      await generate(t.owner.auth, t.org.id, set.id, {
        count: 1,
        length: 16,
        prefix: 'ABCDEFGHIJ',
      }),
    );
    expect(long.codes[0]).toMatch(new RegExp(`^ABCDEFGHIJ-[${CODE_ALPHABET}]{16}$`));
    expect(long.total).toBe(6);
  });

  it('keeps codes unique within the set when the random space is small', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    const all = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const data = ok<{ added: number; codes: string[] }>(
        await generate(t.owner.auth, t.org.id, set.id, { count: 1000, length: 4 }),
      );
      expect(data.added).toBe(1000);
      for (const code of data.codes) all.add(code);
    }
    expect(all.size).toBe(3000);
    expect(ok<VoucherSetJson>(await getSet(t.owner.auth, t.org.id, set.id)).counts.total).toBe(
      3000,
    );
  });

  it('refuses counts, prefixes and lengths out of bounds with 400', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    for (const payload of [
      {},
      { count: 0 },
      { count: 1001 },
      { count: 1.5 },
      { count: '5' },
      { count: 5, prefix: 'ABCDEFGHIJK' },
      { count: 5, prefix: 'AB-C' },
      { count: 5, prefix: 'ÄB' },
      { count: 5, length: 3 },
      { count: 5, length: 17 },
    ]) {
      expectError(
        await generate(t.owner.auth, t.org.id, set.id, payload),
        400,
        'validation_failed',
      );
    }
    expect(await codesOf(t, set.id)).toEqual([]);
  });
});

describe('listing codes', () => {
  it('pages through codes with the cursor and filters by status', async () => {
    const t = await makeTenant(h);
    const set = await createSet(t);
    ok(await upload(t.owner.auth, t.org.id, set.id, { codes: ['A', 'B', 'C', 'D', 'E'] }));
    await h.deps.database.db
      .updateTable('voucher_codes')
      .set({ status: 'claimed', claimed_at: new Date() })
      .where('set_id', '=', set.id)
      .where('code', 'in', ['B', 'D'])
      .execute();
    const page = (query: string) =>
      h.inject({
        method: 'GET',
        url: `/api/voucher-sets/${set.id}/codes?org_id=${t.org.id}${query}`,
        headers: t.owner.auth,
      });
    const first = json<{ data: CodeJson[]; next_cursor: number | null }>(await page('&limit=2'));
    expect(first.data.map((code) => code.code)).toEqual(['A', 'B']);
    expect(first.next_cursor).toBe(first.data[1]!.id);
    const second = json<{ data: CodeJson[]; next_cursor: number | null }>(
      await page(`&limit=2&cursor=${first.next_cursor}`),
    );
    expect(second.data.map((code) => code.code)).toEqual(['C', 'D']);
    const last = json<{ data: CodeJson[]; next_cursor: number | null }>(
      await page(`&limit=2&cursor=${second.next_cursor}`),
    );
    expect(last.data.map((code) => code.code)).toEqual(['E']);
    expect(last.next_cursor).toBeNull();
    const claimed = ok<CodeJson[]>(await page('&status=claimed'));
    expect(claimed.map((code) => [code.code, code.status])).toEqual([
      ['B', 'claimed'],
      ['D', 'claimed'],
    ]);
    expect(ok<CodeJson[]>(await page('&status=available')).map((code) => code.code)).toEqual([
      'A',
      'C',
      'E',
    ]);
    expectError(await page('&status=lost'), 400, 'validation_failed');
    expectError(await page('&limit=0'), 400, 'validation_failed');
    expectError(await page('&cursor=1e21'), 400, 'validation_failed');
  });
});

describe('text PostgreSQL cannot store', () => {
  it('refuses a set name holding a NUL character with 400 rather than 500', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/voucher-sets',
      headers: t.owner.auth,
      payload: { org_id: t.org.id, name: 'Summer\u0000codes' },
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/name.*NUL/);
  });
});

describe('code parsing', () => {
  it('reads the first field of CSV records, quotes and embedded line breaks included', () => {
    expect(csvFirstColumn('a,b\n"c,d",e\n"f\ng",h\r\n""""\n,x\nlast')).toEqual([
      'a',
      'c,d',
      'f\ng',
      '"',
      '',
      'last',
    ]);
    expect(csvFirstColumn('ab"c,d\n')).toEqual(['ab"c']);
  });

  it('counts received codes and keeps the first spelling of each', () => {
    expect(parseCodeUpload({ format: 'list', codes: ['x', 'X ', ' y', ''] })).toEqual({
      codes: ['X', 'Y'],
      received: 3,
    });
  });
});
