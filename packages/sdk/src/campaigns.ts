/**
 * Content (templates) and campaigns (PlayerOS, pk_ keys). A campaign send is two calls: see
 * Campaigns.send.
 */
import { PlayLoopError, type RequestOptions, type Transport } from './http.ts';
import { cursorPage, data, id } from './resource.ts';
import type {
  Campaign,
  CampaignInput,
  CampaignPreview,
  CampaignUpdate,
  DataOf,
  RenderInput,
  ScheduleInput,
  Template,
  TemplateInput,
  TemplateUpdate,
} from './types.ts';

/** Message templates (email MJML or SMS text), PlayerOS's "content". */
export class Content {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  list(
    params: { channel?: 'email' | 'sms'; limit?: number; after?: string } = {},
    o?: RequestOptions,
  ) {
    const query = Object.entries(params);
    return cursorPage<Template>(this.#t, '/api/templates', query, 'next_after', o);
  }
  get(templateId: string, o?: RequestOptions): Promise<Template> {
    return data(this.#t, { method: 'GET', path: `/api/templates/${id(templateId)}`, ...o });
  }
  create(template: TemplateInput, o?: RequestOptions): Promise<Template> {
    return data(this.#t, { method: 'POST', path: '/api/templates', body: template, ...o });
  }
  update(templateId: string, changes: TemplateUpdate, o?: RequestOptions): Promise<Template> {
    return data(this.#t, {
      method: 'PATCH',
      path: `/api/templates/${id(templateId)}`,
      body: changes,
      ...o,
    });
  }
  async delete(templateId: string, o?: RequestOptions): Promise<void> {
    await data(this.#t, { method: 'DELETE', path: `/api/templates/${id(templateId)}`, ...o });
  }
  /** The stored template rendered for one player (or sample data). */
  preview(
    templateId: string,
    input: { player_id?: string } = {},
    o?: RequestOptions,
  ): Promise<DataOf<'/api/templates/{id}/preview', 'post'>> {
    return data(this.#t, {
      method: 'POST',
      path: `/api/templates/${id(templateId)}/preview`,
      body: input,
      ...o,
    });
  }
  /** Renders an unsaved template body. */
  render(
    input: RenderInput,
    o?: RequestOptions,
  ): Promise<DataOf<'/api/functions/render-template', 'post'>> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/render-template',
      body: input,
      ...o,
    });
  }
}

export interface SendOptions extends RequestOptions {
  /** A retry with the same key answers as the first call did and sends nothing again. */
  idempotencyKey?: string;
}

export class Campaigns {
  readonly #t: Transport;
  readonly #propertyId: (o?: RequestOptions) => Promise<string>;
  constructor(t: Transport, propertyId: (o?: RequestOptions) => Promise<string>) {
    this.#t = t;
    this.#propertyId = propertyId;
  }

  list(
    params: { status?: Campaign['status']; limit?: number; before?: string } = {},
    o?: RequestOptions,
  ) {
    const query = Object.entries(params);
    return cursorPage<Campaign>(this.#t, '/api/campaigns', query, 'next_before', o);
  }
  get(campaignId: string, o?: RequestOptions): Promise<Campaign> {
    return data(this.#t, { method: 'GET', path: `/api/campaigns/${id(campaignId)}`, ...o });
  }
  /** A draft: nothing is sent until sendEmail/sendSms or schedule. */
  create(campaign: CampaignInput, o?: RequestOptions): Promise<Campaign> {
    return data(this.#t, { method: 'POST', path: '/api/campaigns', body: campaign, ...o });
  }
  update(campaignId: string, changes: CampaignUpdate, o?: RequestOptions): Promise<Campaign> {
    return data(this.#t, {
      method: 'PATCH',
      path: `/api/campaigns/${id(campaignId)}`,
      body: changes,
      ...o,
    });
  }
  async delete(campaignId: string, o?: RequestOptions): Promise<void> {
    await data(this.#t, { method: 'DELETE', path: `/api/campaigns/${id(campaignId)}`, ...o });
  }
  /** The message for one player (`player_id`) and, with `audience: true`, who would get it. */
  preview(
    campaignId: string,
    input: { player_id?: string; audience?: boolean } = {},
    o?: RequestOptions,
  ): Promise<CampaignPreview> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/preview-campaign',
      body: { campaign_id: campaignId, ...input },
      ...o,
    });
  }
  /** Sends an email campaign now (answers once sending started); see send. */
  sendEmail(campaignId: string, options: SendOptions = {}): Promise<Campaign> {
    return this.send(campaignId, 'email', options);
  }
  /** Sends an SMS campaign now (answers once sending started); see send. */
  sendSms(campaignId: string, options: SendOptions = {}): Promise<Campaign> {
    return this.send(campaignId, 'sms', options);
  }

  /**
   * PlayerOS's send-campaign. The campaign is read first so that sendEmail never starts an SMS
   * campaign (and the other way round): a mismatch is a 400 `channel_mismatch` before anything
   * is sent. Every recipient still goes through the server's pre-send compliance check.
   */
  async send(campaignId: string, channel: 'email' | 'sms', options: SendOptions = {}) {
    const { idempotencyKey, ...o } = options;
    const campaign = await this.get(campaignId, o);
    if (campaign.channel !== channel) {
      throw new PlayLoopError(
        400,
        'channel_mismatch',
        `Campaign ${campaignId} is an ${campaign.channel} campaign, not ${channel}`,
        { details: { field: 'channel', channel: campaign.channel } },
      );
    }
    const propertyId = await this.#propertyId(o);
    return data<Campaign>(this.#t, {
      method: 'POST',
      path: '/api/functions/send-campaign',
      body: { campaignId, propertyId },
      headers: { 'idempotency-key': idempotencyKey },
      ...o,
    });
  }
  /** At `send_at`, or at `local_time` on `local_date` in each recipient's time zone. */
  schedule(campaignId: string, when: ScheduleInput, o?: RequestOptions): Promise<Campaign> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/schedule-campaign',
      body: { campaign_id: campaignId, ...when },
      ...o,
    });
  }
  cancel(campaignId: string, o?: RequestOptions): Promise<Campaign> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/cancel-campaign',
      body: { campaign_id: campaignId },
      ...o,
    });
  }
}
