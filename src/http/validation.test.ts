import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePropertyTenant, makeTenant } from '../../test/factories.ts';
import { createHarness, expectError, type Harness } from '../../test/harness.ts';
import { MAX_DEPTH, refusedValue } from './validation.ts';

// Regressions found by the hostile-input fuzzer (test/reliability/fuzz.test.ts): each of these
// inputs used to end in a 500 or in an answer outside the error envelope.

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h?.close();
});

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

describe('values no route accepts', () => {
  it('finds NUL characters, unpaired surrogates, infinite numbers and deep nesting anywhere', () => {
    expect(refusedValue({ a: [{ b: 'x\u0000' }] })).toEqual({
      pointer: '/a/0/b',
      message: 'must not contain NUL characters',
    });
    expect(refusedValue({ 'k\u0000': 1 })?.message).toMatch(/key that must not contain NUL/);
    expect(refusedValue(['\udfff'])?.message).toMatch(/unpaired surrogate/);
    expect(refusedValue({ n: Number.POSITIVE_INFINITY })?.pointer).toBe('/n');
    expect(refusedValue(['😀', 'ok', 1, null, { x: [true] }])).toBeUndefined();
  });

  it(`allows ${MAX_DEPTH} levels of nesting and refuses more, at any depth of bomb`, () => {
    expect(refusedValue({ m: nested(MAX_DEPTH - 1) })).toBeUndefined();
    expect(refusedValue({ m: nested(MAX_DEPTH) })?.message).toMatch(/nested more than 64/);
    expect(refusedValue({ m: nested(100_000) })?.message).toMatch(/nested more than 64/);
  });
});

describe('hostile values past the schema', () => {
  it('answers 400 to a NUL character in a query parameter', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'GET',
      url: '/api/org-api-keys?action=list-sessions&external_ref=a%00b',
      headers: t.keyHeaders,
    });
    expectError(response, 400, 'validation_failed');
  });

  it('answers 400 to session metadata nested 5,000 levels deep', async () => {
    const t = await makeTenant(h);
    const metadata = `{"k":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const response = await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=create-session',
      headers: { ...t.keyHeaders, 'content-type': 'application/json' },
      payload: `{"game_id":${t.gameIds[0]},"metadata":${metadata}}`,
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/metadata/);
  });

  it('answers 400 to an unpaired surrogate in a players batch', async () => {
    const t = await makePropertyTenant(h);
    const response = await h.inject({
      method: 'POST',
      url: '/api/players/batch',
      headers: { ...t.keyHeaders, 'content-type': 'application/json' },
      payload: '{"players":[{"player_id":"p-1","last_name":"\\udfff"}]}',
    });
    expect(expectError(response, 400, 'validation_failed').error).toMatch(/last_name/);
  });
});

describe('answers outside the routes', () => {
  it('answers a path with malformed percent-encoding with the envelope', async () => {
    const t = await makePropertyTenant(h);
    const response = await h.inject({
      method: 'GET',
      url: '/api/players/%C3%28',
      headers: t.keyHeaders,
    });
    expectError(response, 400, 'bad_request');
  });

  it('answers a path segment longer than the router takes as not found, with the envelope', async () => {
    const t = await makeTenant(h);
    const response = await h.inject({
      method: 'GET',
      url: `/api/games/${'9'.repeat(200)}?org_id=${t.org.id}`,
      headers: t.owner.auth,
    });
    expectError(response, 404, 'not_found');
  });

  it('answers OPTIONS without preflight headers with the preflight answer, not a text 400', async () => {
    const response = await h.inject({ method: 'OPTIONS', url: '/api/games' });
    expect(response.statusCode).toBe(204);
  });

  it("answers requests Node's HTTP parser refuses with the envelope", async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const raw = (bytes: string) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    const tooLarge = await raw(
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
    );
    expect(tooLarge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(tooLarge.slice(tooLarge.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      code: 'headers_too_large',
    });
    const garbage = await raw('GARBAGE\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      code: 'bad_request',
    });
  });
});
