import { describe, expect, it } from 'vitest';
import type { LinkMinter } from './content.links.ts';
import { renderMessage, type TemplateSource } from './content.render.ts';
import { prepareForSending, renderForSending } from './content.sending.ts';

// The sender's fast path (MJML once, Liquid per recipient) must give each recipient the message a
// preview would have shown them: the same HTML, subject and text.

/** Links that depend only on what is asked, so two renders can be compared. */
const minter: LinkMinter = {
  gameLink: (id, { short }) => Promise.resolve(`https://x.test/play/game/${id}?short=${short}`),
  streamLink: (id) => Promise.resolve(`https://x.test/play/stream/${id}`),
  unsubscribeUrl: () => Promise.resolve('https://x.test/u/token'),
};

const variables = (first: string | null, tier: string) => ({
  player: { first_name: first, tier, traits: { vip: tier === 'Gold' } },
  property: { name: 'Casino & Co <Vegas>', postal_address: '1 Way' },
});

const email = (body: string): TemplateSource => ({
  channel: 'email',
  subject: 'Hi {{ player.first_name | default: "there" }}',
  body,
  text_body: null,
});

const INLINE = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ player.first_name | default: "friend" }} of {{ property.name }}</mj-text>
  <mj-button href="{% game_link game: 7 %}">Play</mj-button>
  <mj-text>{% if player.traits.vip %}VIP{% else %}Member{% endif %} · <a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

const AROUND_SECTIONS = `<mjml><mj-body>
{% if player.tier == "Gold" %}
<mj-section><mj-column><mj-text>Gold offer</mj-text></mj-column></mj-section>
{% else %}
<mj-section><mj-column><mj-text>Regular offer</mj-text></mj-column></mj-section>
{% endif %}
</mj-body></mjml>`;

describe('renderForSending', () => {
  it('compiles MJML once when the Liquid survives it, and renders what a preview renders', async () => {
    const source = email(INLINE);
    const prepared = await prepareForSending(source);
    expect(prepared.html).toBeDefined();
    for (const [first, tier] of [
      ['Ann', 'Gold'],
      [null, 'Bronze'],
      ['<b>Eve</b>', 'Silver'],
    ] as const) {
      const fast = await renderForSending(prepared, variables(first, tier), minter);
      const slow = await renderMessage(prepared.compiled, variables(first, tier), minter);
      expect(fast.channel).toBe('email');
      if (fast.channel !== 'email' || slow.channel !== 'email') return;
      expect(fast.html).toBe(slow.html);
      expect(fast.subject).toBe(slow.subject);
      expect(fast.text).toBe(slow.text);
    }
    const eve = await renderForSending(prepared, variables('<b>Eve</b>', 'Silver'), minter);
    expect(eve.channel === 'email' && eve.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
  });

  it('renders each recipient through MJML when a Liquid tag wraps sections, with the right branch', async () => {
    const prepared = await prepareForSending(email(AROUND_SECTIONS));
    for (const [tier, shown, hidden] of [
      ['Gold', 'Gold offer', 'Regular offer'],
      ['Bronze', 'Regular offer', 'Gold offer'],
    ] as const) {
      const message = await renderForSending(prepared, variables('Ann', tier), minter);
      const slow = await renderMessage(prepared.compiled, variables('Ann', tier), minter);
      if (message.channel !== 'email' || slow.channel !== 'email') throw new Error('email');
      expect(message.html).toContain(shown);
      expect(message.html).not.toContain(hidden);
      expect(message.html).toBe(slow.html);
    }
  });

  it('renders SMS with the Liquid engine alone', async () => {
    const prepared = await prepareForSending({
      channel: 'sms',
      subject: null,
      body: 'Hi {{ player.first_name }}: {% game_link game: 7, short: true %}',
      text_body: null,
    });
    const message = await renderForSending(prepared, variables('Ann', 'Gold'), minter);
    expect(message).toMatchObject({
      channel: 'sms',
      text: 'Hi Ann: https://x.test/play/game/7?short=true',
      encoding: 'gsm7',
    });
  });
});
