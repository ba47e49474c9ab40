import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { countAttempt } from '../../lib/throttle.ts';
import { normalizeAddress } from '../compliance/index.ts';
import { previewSource, type RenderedMessage } from '../content/index.ts';
import { type Audience, type Preview, previewAudience } from '../segments/index.ts';
import type { MessageRow } from './campaigns.messages.repo.ts';
import { OutboxError, outboxFor } from './campaigns.outbox.ts';
import { campaignRow, freezeContent, type PropertyRef } from './campaigns.service.ts';
import type { CampaignContent } from './campaigns.state.ts';

// Looking at a campaign before it goes: its message for a chosen player and what the pre-send
// check would do to its audience; and a test send of that message to a few of the team's own
// addresses.

/** Addresses one test send may go to. */
export const MAX_TEST_RECIPIENTS = 5;

async function contentOf(deps: Deps, property: PropertyRef, id: string) {
  const row = await campaignRow(deps, property.id, id);
  const content =
    (row.content as CampaignContent | null) ?? (await freezeContent(deps, property, row));
  return { row, content };
}

export async function previewCampaign(
  deps: Deps,
  property: PropertyRef,
  input: { campaign_id: string; player_id?: string | undefined; audience?: boolean | undefined },
): Promise<{ message: RenderedMessage; audience: Preview | null }> {
  const { row, content } = await contentOf(deps, property, input.campaign_id);
  const message = await previewSource(deps, property, content, input.player_id);
  const audience =
    input.audience === false
      ? null
      : await previewAudience(deps, property.id, {
          audience: row.audience as Audience,
          channel: row.channel,
          purpose: row.purpose,
          program: row.program ?? undefined,
          subscription_group_id: row.subscription_group_id ?? undefined,
          send_at:
            row.send_at && row.send_at.getTime() > deps.clock.now().getTime()
              ? row.send_at.toISOString()
              : undefined,
        });
  return { message, audience };
}

export interface TestSendResult {
  to: string;
  provider: string;
  provider_id: string | null;
  error: string | null;
}

/**
 * Sends the campaign's message, rendered for `player_id` (or with empty player fields), to up
 * to five addresses of the team. It skips the pre-send check (these are the sender's own
 * addresses, not players) and its links are previews: no session is minted, nothing is stored.
 * Limited per property (THROTTLE_TEST_SENDS), since it mails any address it is given.
 */
export async function testSendCampaign(
  deps: Deps,
  property: PropertyRef,
  input: { campaign_id: string; to: string[]; player_id?: string | undefined },
): Promise<{ results: TestSendResult[]; message: RenderedMessage }> {
  const { row, content } = await contentOf(deps, property, input.campaign_id);
  if (input.to.length === 0 || input.to.length > MAX_TEST_RECIPIENTS) {
    throw new AppError('validation_failed', `to must hold 1 to ${MAX_TEST_RECIPIENTS} addresses`, {
      field: 'to',
    });
  }
  const addresses = input.to.map((raw) => {
    const address = normalizeAddress(row.channel, raw);
    if (!address) {
      throw new AppError(
        'validation_failed',
        `"${raw.slice(0, 100)}" is not ${row.channel === 'email' ? 'an email address' : 'a phone number'}`,
        { field: 'to' },
      );
    }
    return address;
  });
  await countAttempt(
    deps.rateLimiter,
    `campaign-test-send:${property.id}`,
    deps.config.testSendsPerProperty,
    'Too many test sends for this property',
  );
  const message = await previewSource(deps, property, content, input.player_id);
  const outbox = await outboxFor(deps, row);
  const results: TestSendResult[] = [];
  for (const to of addresses) {
    const probe: MessageRow = {
      id: randomUUID(),
      property_id: property.id,
      campaign_id: row.id,
      player_id: '',
      channel: row.channel,
      status: 'sending',
      skip_reasons: [],
      decision_id: null,
      to_address: to,
      subject: message.channel === 'email' ? `[Test] ${message.subject}` : null,
      html: message.channel === 'email' ? message.html : null,
      body: message.text,
      sms_segments: message.channel === 'sms' ? message.segments : null,
      sms_encoding: message.channel === 'sms' ? message.encoding : null,
      send_after: deps.clock.now(),
      provider: null,
      provider_id: null,
      error: null,
      attempts: 1,
      sending_at: null,
      sent_at: null,
      delivered_at: null,
      bounced_at: null,
      failed_at: null,
      opened_at: null,
      clicked_at: null,
      journey_run_id: null,
      created_at: deps.clock.now(),
      updated_at: deps.clock.now(),
    };
    try {
      const handed = await outbox.send(probe);
      results.push({ to, provider: handed.provider, provider_id: handed.providerId, error: null });
    } catch (error) {
      if (!(error instanceof OutboxError)) throw error;
      results.push({
        to,
        provider: row.channel === 'email' ? 'smtp' : 'twilio',
        provider_id: null,
        error: error.message,
      });
    }
  }
  return { results, message };
}
