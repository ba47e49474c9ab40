import { describe, expect, it } from 'vitest';
import { json } from '../../../test/harness.ts';
import { unique } from '../../../test/factories.ts';
import {
  api as apiOf,
  apiData as apiDataOf,
  type ToolResult,
  connect as connectTo,
  ok,
  useMcpServer,
} from '../../../test/mcp.ts';

// Every MCP tool called once through the official SDK's client against a listening server,
// with valid arguments, and its effect read back through the HTTP API.

const s = useMcpServer();
const connect = (key: string) => connectTo(s, key);
const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
  apiOf(s, method, url, payload);
const apiData = <T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
) => apiDataOf<T>(s, method, url, payload);

describe('the MCP tools', () => {
  it('calls every tool against the real server, and each effect shows in the HTTP API', async () => {
    const client = await connect(s.t.key);
    const { tools } = await client.listTools();
    const called = new Set<string>();
    const use = <T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}) => {
      called.add(name);
      return ok<T>(client, name, args);
    };
    const email = `${unique('ana')}@example.com`;

    // Players
    const ana = await use<{ id: string; tier: string }>('players_create', {
      player_id: 'mcp-ana',
      first_name: 'Ana',
      email,
      tier: 'Gold',
    });
    expect((await apiData<{ email: string }>('GET', '/api/players/mcp-ana')).email).toBe(email);
    const batch = await use<{ inserted: number; errors: { index: number }[] }>(
      'players_batch_upsert',
      {
        players: [
          { player_id: 'mcp-ben', first_name: 'Ben', email: `${unique('ben')}@example.com` },
          { player_id: 'mcp-bad', email: 'not an email' },
        ],
      },
    );
    expect(batch.inserted).toBe(1);
    expect(batch.errors.map((e) => e.index)).toEqual([1]);
    const listed = await client.callTool({
      name: 'players_list',
      arguments: { filters: { 'tier.eq': 'Gold' }, count: 'exact' },
    });
    called.add('players_list');
    const page = JSON.parse((listed as ToolResult).content[0]?.text ?? '{}') as {
      data: { id: string }[];
      totalCount: number;
    };
    expect(page.data.map((p) => p.id)).toEqual([ana.id]);
    expect(page.totalCount).toBe(1);
    const searched = await ok<{ id: string }[]>(client, 'players_list', {
      q: 'ben',
      filters: { status: 'eq.active', tier: ['is.null'] },
    });
    expect(searched).toHaveLength(1);
    expect((await use<{ id: string }>('players_get', { id: 'mcp-ana' })).id).toBe(ana.id);
    await use('players_update', { id: ana.id, fields: { tier: 'Platinum' } });
    expect((await apiData<{ tier: string }>('GET', `/api/players/${ana.id}`)).tier).toBe(
      'Platinum',
    );

    // Consent and the pre-send check (marketing email needs the property's postal address)
    await apiData('PATCH', '/api/functions/compliance-settings', {
      postal_address: '1 Casino Way, Las Vegas NV',
    });
    const consents = await use<{ player_id: string; action: string }[]>('consent_record', {
      player_id: ana.id,
      channel: 'email',
      action: 'grant',
      consent_type: 'email_opt_in',
      purpose: 'marketing',
    });
    expect(consents).toMatchObject([{ player_id: ana.id, action: 'grant' }]);
    const check = { channel: 'email', purpose: 'marketing', recipients: [{ player_id: ana.id }] };
    const decisions = await use<{ outcome: string; reasons: string[] }[]>('consent_check', check);
    const viaHttp = await apiData<{ outcome: string; reasons: string[] }[]>(
      'POST',
      '/api/functions/tcpa-check',
      check,
    );
    expect(decisions.map((d) => [d.outcome, d.reasons])).toEqual(
      viaHttp.map((d) => [d.outcome, d.reasons]),
    );
    expect(decisions[0]?.outcome).toBe('allow');

    // Segments
    const segment = await apiData<{ id: string }>('POST', '/api/segments', {
      name: unique('Platinum'),
      filter: 'tier=eq.Platinum',
    });
    const segments = await use<{ id: string }[]>('segments_list', { limit: 100 });
    expect(segments.map((s) => s.id)).toContain(segment.id);
    expect((await use<{ filter: string }>('segments_get', { id: segment.id })).filter).toBe(
      'tier=eq.Platinum',
    );
    const audience = await use<{ size: number }>('segments_preview_audience', {
      audience: { type: 'segment', segment_id: segment.id },
      channel: 'email',
      purpose: 'marketing',
    });
    expect(audience.size).toBe(1);

    // Content
    const template = await apiData<{ id: string }>('POST', '/api/templates', {
      name: unique('tpl'),
      channel: 'email',
      subject: 'A spin for you',
      body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ player.first_name }}</mj-text><mj-button href="{% game_link game: ${s.gameId} %}">Spin</mj-button><mj-text><a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>`,
    });
    const templates = await use<{ id: string }[]>('content_list', { channel: 'email' });
    expect(templates.map((x) => x.id)).toContain(template.id);
    expect((await use<{ id: string }>('content_get', { id: template.id })).id).toBe(template.id);

    // Campaigns
    const draft = await use<{ id: string; status: string }>('campaigns_create', {
      name: unique('Campaign'),
      channel: 'email',
      template_id: template.id,
      audience: { type: 'players', player_ids: [ana.id] },
    });
    expect(draft.status).toBe('draft');
    const campaigns = await use<{ id: string }[]>('campaigns_list', { status: 'draft' });
    expect(campaigns.map((x) => x.id)).toContain(draft.id);
    expect((await use<{ id: string }>('campaigns_get', { id: draft.id })).id).toBe(draft.id);
    const preview = await use<{ message: { subject: string }; audience: { size: number } }>(
      'campaigns_preview',
      { campaign_id: draft.id, player_id: ana.id },
    );
    expect(preview.message.subject).toBe('A spin for you');
    expect(preview.audience.size).toBe(1);
    const sendAt = new Date(s.h.clock.now().getTime() + 86_400_000).toISOString();
    const scheduled = await use<{ status: string }>('campaigns_schedule', {
      campaign_id: draft.id,
      send_at: sendAt,
    });
    expect(scheduled.status).toBe('scheduled');
    expect(
      (await use<{ status: string }>('campaigns_cancel', { campaign_id: draft.id })).status,
    ).toBe('cancelled');
    expect((await apiData<{ status: string }>('GET', `/api/campaigns/${draft.id}`)).status).toBe(
      'cancelled',
    );
    const second = await ok<{ id: string }>(client, 'campaigns_create', {
      name: unique('Campaign'),
      channel: 'email',
      template_id: template.id,
      audience: { type: 'segment', segment_id: segment.id },
    });
    const key = unique('idem');
    const sent = await use<{ id: string; status: string }>('campaigns_send', {
      campaignId: second.id,
      idempotencyKey: key,
    });
    expect(sent).toMatchObject({ id: second.id, status: 'sending' });
    // A retry with the same key answers the same and starts nothing again.
    expect(
      await ok(client, 'campaigns_send', { campaignId: second.id, idempotencyKey: key }),
    ).toEqual(sent);
    expect((await apiData<{ status: string }>('GET', `/api/campaigns/${second.id}`)).status).toBe(
      'sending',
    );

    // Journeys
    const journey = await apiData<{ id: string }>('POST', '/api/journeys', {
      name: unique('Journey'),
      graph: {
        trigger: { type: 'api' },
        start: 'w',
        nodes: {
          w: { type: 'wait', duration: { hours: 1 }, next: 'm' },
          m: { type: 'update_profile', set: { 'traits.path': 'm' } },
        },
      },
    });
    expect((await use<{ id: string }[]>('journeys_list')).map((j) => j.id)).toContain(journey.id);
    expect((await use<{ id: string }>('journeys_get', { id: journey.id })).id).toBe(journey.id);
    expect((await use<{ status: string }>('journeys_publish', { id: journey.id })).status).toBe(
      'active',
    );
    expect((await use<{ status: string }>('journeys_pause', { id: journey.id })).status).toBe(
      'paused',
    );
    expect((await apiData<{ status: string }>('GET', `/api/journeys/${journey.id}`)).status).toBe(
      'paused',
    );
    const stats = await use('journeys_stats', { id: journey.id });
    expect(stats).toEqual(await apiData('GET', `/api/journeys/${journey.id}/stats`));

    // Webhooks
    const endpoint = await use<{ id: string; secret: string }>('webhooks_create', {
      url: 'http://127.0.0.1:9/hook',
      event_types: ['player.created'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await use<{ id: string }[]>('webhooks_list')).map((e) => e.id)).toEqual([endpoint.id]);
    expect((await apiData<{ id: string }[]>('GET', '/api/webhooks')).map((e) => e.id)).toEqual([
      endpoint.id,
    ]);

    // Analytics
    const summary = await use<{ players: { total: number; by_status: Record<string, number> } }>(
      'analytics_property_summary',
    );
    const counted = json<{ totalCount: number }>(await api('GET', '/api/players?count=exact'));
    expect(summary.players.total).toBe(counted.totalCount);
    expect(summary.players.by_status.active).toBe(2);

    // The game loop: a one-time link for Ana, its session's status, and the public validate call
    const link = await use<{ token: string; url: string; player_id: string }>('game_link_create', {
      player_id: 'mcp-ana',
      game_id: s.gameId,
    });
    expect(link.player_id).toBe(ana.id);
    expect(link.url).toBe(`http://playloop.test/play/game/${s.gameId}?session_token=${link.token}`);
    const status = await use<{ valid: boolean; status: string; metadata: unknown }>(
      'session_status',
      { token: link.token },
    );
    expect(status).toMatchObject({
      valid: true,
      status: 'active',
      metadata: { player_id: ana.id, property_id: s.t.property.id },
    });
    const validated = await s.h.inject({
      url: `/api/org-api-keys?action=validate-session&token=${link.token}`,
    });
    expect(json<{ data: { valid: boolean; game_id: number } }>(validated).data).toMatchObject({
      valid: true,
      game_id: s.gameId,
    });

    const consumed = await s.h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=consume-session',
      payload: { token: link.token },
    });
    expect(consumed.statusCode, consumed.body).toBe(200);
    expect(await ok(client, 'session_status', { token: link.token })).toMatchObject({
      valid: false,
      status: 'consumed',
    });

    // Privacy and deletion
    const bundle = await use<{ player: { id: string } }>('privacy_export_player_data', {
      player_id: 'mcp-ben',
    });
    expect(bundle.player.id).toBeDefined();
    const erased = await use<{ status: string; type: string }>('privacy_delete_player_data', {
      player_id: 'mcp-ben',
    });
    expect(erased.type).toBe('delete');
    expect((await api('GET', '/api/players/mcp-ben')).statusCode).toBe(404);
    const doomed = await apiData<{ id: string }>('POST', '/api/players', { first_name: 'Gone' });
    await use('players_delete', { id: doomed.id });
    expect((await api('GET', `/api/players/${doomed.id}`)).statusCode).toBe(404);

    expect(tools.map((tool) => tool.name).filter((name) => !called.has(name))).toEqual([]);
  });
});
