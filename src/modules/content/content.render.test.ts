import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import type { PlayerRow } from '../players/index.ts';
import { type LinkMinter, MAX_LINKS_PER_MESSAGE, previewMinter } from './content.links.ts';
import {
  checkMjml,
  compileTemplate,
  renderMessage,
  type RenderedEmail,
  type RenderedSms,
  type TemplateSource,
  templateVariables,
} from './content.render.ts';
import { htmlToText } from './content.text.ts';

// Rendering without the database: Liquid (escaping, defaults, limits, the loop's tags, no file
// access), MJML checks with line numbers, and the derived plain text.

const PROPERTY = { name: 'Lucky Star Casino', postal_address: '1 Casino Way, Las Vegas, NV 89109' };

const player = (fields: Partial<PlayerRow> = {}): PlayerRow => ({
  id: '2f1b8f5e-1111-4c2b-9a55-2d0a0c0ffee0',
  property_id: '9a9a9a9a-2222-4c2b-9a55-2d0a0c0ffee0',
  player_id: '100234',
  email: 'ada@example.test',
  phone: '+17025550100',
  first_name: 'Ada',
  last_name: 'Lovelace',
  status: 'active',
  tier: 'Gold',
  adt: 123.45,
  coin_in: 9876.5,
  timezone: 'America/Los_Angeles',
  state: 'NV',
  country: 'US',
  date_of_birth: '1980-01-01',
  traits: { favorite_game: 'Spin', points: 1200 },
  created_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-01T00:00:00Z'),
  last_played_at: null,
  plays: 3,
  last_score: 70,
  prizes_won: 1,
  ...fields,
});

/** A minter that records what it was asked for and answers numbered URLs. */
function recordingMinter() {
  const calls: string[] = [];
  const minter: LinkMinter = {
    gameLink: (id, { short }) => {
      calls.push(`game ${id}${short ? ' short' : ''}`);
      return Promise.resolve(
        short
          ? `https://p.test/l/g${id}`
          : `https://p.test/play/game/${id}?session_token=t${calls.length}&x=1`,
      );
    },
    streamLink: (id, { short }) => {
      calls.push(`stream ${id}${short ? ' short' : ''}`);
      return Promise.resolve(`https://p.test/play/stream/${id}?session_token=s${calls.length}`);
    },
    unsubscribeUrl: () => {
      calls.push('unsubscribe');
      return Promise.resolve('https://p.test/u/v1.token');
    },
  };
  return { calls, minter };
}

const mjml = (inner: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n${inner}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

const email = (body: string, extra: Partial<TemplateSource> = {}): TemplateSource => ({
  channel: 'email',
  subject: 'Hello',
  body,
  text_body: null,
  ...extra,
});
const sms = (body: string): TemplateSource => ({
  channel: 'sms',
  subject: null,
  body,
  text_body: null,
});

async function render(
  source: TemplateSource,
  who: PlayerRow | undefined = player(),
  minter: LinkMinter = previewMinter('https://p.test'),
) {
  return renderMessage(compileTemplate(source), templateVariables(who, PROPERTY), minter);
}

/** The AppError a call throws (validation_failed), with its details. */
async function refusal(
  run: () => unknown,
): Promise<{ message: string; details: Record<string, unknown> }> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const app = error as AppError;
    expect(app.code).toBe('validation_failed');
    return { message: app.message, details: app.details ?? {} };
  }
  throw new Error('expected a refusal');
}

describe('variables', () => {
  it('HTML-escapes variables in the email body but not in the subject, text part or SMS', async () => {
    const who = player({ first_name: '<b>Ada & "Co"</b>' });
    const mail = (await render(
      email(mjml('<mj-text>Hi {{ player.first_name }}</mj-text>'), {
        subject: 'For {{ player.first_name }}',
        text_body: 'Hi {{ player.first_name }}',
      }),
      who,
    )) as RenderedEmail;
    expect(mail.html).toContain('Hi &lt;b&gt;Ada &amp; &#34;Co&#34;&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Ada');
    expect(mail.subject).toBe('For <b>Ada & "Co"</b>');
    expect(mail.text).toBe('Hi <b>Ada & "Co"</b>');
    const text = (await render(sms('Hi {{ player.first_name }}'), who)) as RenderedSms;
    expect(text.text).toBe('Hi <b>Ada & "Co"</b>');
  });

  it('fills missing values with the default filter', async () => {
    const source = sms(
      'Hi {{ player.first_name | default: "friend" }}, {{ player.traits.nickname | default: "champ" }}',
    );
    expect(((await render(source, player({ first_name: null }))) as RenderedSms).text).toBe(
      'Hi friend, champ',
    );
    const nobody = await renderMessage(
      compileTemplate(source),
      templateVariables(undefined, PROPERTY),
      previewMinter('https://p.test'),
    );
    expect((nobody as RenderedSms).text).toBe('Hi friend, champ');
    expect(((await render(source)) as RenderedSms).text).toBe('Hi Ada, champ');
  });

  it('gives player fields, traits and the property, but never internal ids or financial figures', async () => {
    const source = sms(
      '{{ player.player_id }}|{{ player.tier }}|{{ player.traits.points }}|{{ property.name }}|{{ property.postal_address }}|{{ player.id }}|{{ player.property_id }}|{{ player.adt }}|{{ player.coin_in }}',
    );
    expect(((await render(source)) as RenderedSms).text).toBe(
      '100234|Gold|1200|Lucky Star Casino|1 Casino Way, Las Vegas, NV 89109||||',
    );
  });

  it('does not reach prototypes or constructors', async () => {
    const source = sms(
      '[{{ player.constructor }}][{{ player.traits.__proto__ }}][{{ property.name.constructor }}]',
    );
    expect(((await render(source)) as RenderedSms).text).toBe('[][][]');
  });

  it('keeps the subject on one line whatever the variables hold', async () => {
    const mail = (await render(
      email(mjml('<mj-text>x</mj-text>'), { subject: 'Hi {{ player.first_name }}\n  there' }),
      player({ first_name: 'Ada\r\nBcc: victim@example.test' }),
    )) as RenderedEmail;
    expect(mail.subject).toBe('Hi Ada Bcc: victim@example.test there');
  });
});

describe('the loop tags', () => {
  it('prints the minter links, escaped in HTML, each distinct link minted once per message', async () => {
    const { calls, minter } = recordingMinter();
    const mail = (await render(
      email(
        mjml(
          '<mj-button href="{% game_link game: 42 %}">Play</mj-button>\n<mj-text>Again: {% game_link game: 42 %} or {% stream_link stream: 7 %}. <a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>',
        ),
        { text_body: 'Play {% game_link game: 42 %} / {% unsubscribe_url %}' },
      ),
      player(),
      minter,
    )) as RenderedEmail;
    expect(calls).toEqual(['game 42', 'stream 7', 'unsubscribe']);
    expect(mail.html).toContain('href="https://p.test/play/game/42?session_token=t1&amp;x=1"');
    expect(mail.html).toContain('https://p.test/play/stream/7?session_token=s2');
    expect(mail.text).toBe(
      'Play https://p.test/play/game/42?session_token=t1&x=1 / https://p.test/u/v1.token',
    );
  });

  it('has a short form for SMS', async () => {
    const { calls, minter } = recordingMinter();
    const text = (await render(
      sms('Play now: {% game_link game: 42, short: true %}'),
      player(),
      minter,
    )) as RenderedSms;
    expect(text.text).toBe('Play now: https://p.test/l/g42');
    expect(calls).toEqual(['game 42 short']);
    expect(text).toMatchObject({ encoding: 'gsm7', segments: 1 });
  });

  it('previews with marked links that create nothing, the short one as long as a real one', async () => {
    const preview = previewMinter('https://p.test');
    expect(await preview.gameLink(42, { short: false })).toBe(
      'https://p.test/play/game/42?session_token=preview-not-playable',
    );
    expect(await preview.streamLink(7, { short: true })).toBe('https://p.test/l/PREVIEW000');
    expect(await preview.unsubscribeUrl()).toContain('preview');
  });

  it('refuses tag arguments that are not literal ids, with the line', async () => {
    for (const [body, reason] of [
      ['ok\n{% game_link game: player.traits.game %}', /game_link needs game/],
      ['ok\n{% game_link %}', /game_link needs game/],
      ['ok\n{% stream_link game: 4 %}', /expected stream/],
      ['ok\n{% game_link game: 4, short: maybe %}', /short is true or false/],
      ['ok\n{% unsubscribe_url now: 1 %}', /expected , got/],
    ] as const) {
      const { details } = await refusal(() => compileTemplate(sms(body)));
      expect(details).toMatchObject({ field: 'body', line: 2 });
      expect(String(details.reason)).toMatch(reason);
    }
  });

  it(`mints at most ${MAX_LINKS_PER_MESSAGE} distinct links in one message`, async () => {
    const body = Array.from(
      { length: MAX_LINKS_PER_MESSAGE + 1 },
      (_, i) => `{% game_link game: ${i + 1} %}`,
    ).join(' ');
    const { details } = await refusal(() => render(sms(body)));
    expect(String(details.reason)).toContain(`at most ${MAX_LINKS_PER_MESSAGE} distinct links`);
  });

  it("passes a minter's own failure on as it is", async () => {
    const failing: LinkMinter = {
      ...previewMinter('https://p.test'),
      gameLink: () => Promise.reject(new Error('database is down')),
    };
    await expect(render(sms('{% game_link game: 1 %}'), player(), failing)).rejects.toThrow(
      'database is down',
    );
  });
});

describe('parsing', () => {
  it('refuses unknown tags and filters with their line', async () => {
    const tag = await refusal(() => compileTemplate(sms('a\nb\n{% frobnicate %}')));
    expect(tag.details).toMatchObject({
      field: 'body',
      line: 3,
      reason: 'tag "frobnicate" not found',
    });
    const filter = await refusal(() => compileTemplate(sms('a\n{{ player.first_name | shout }}')));
    expect(filter.details).toMatchObject({
      field: 'body',
      line: 2,
      reason: 'undefined filter: shout',
    });
    const subject = await refusal(() =>
      compileTemplate(email(mjml('<mj-text>x</mj-text>'), { subject: 'Hi {{ player.first_name ' })),
    );
    expect(subject.details).toMatchObject({ field: 'subject', line: 1 });
    expect(subject.message).toContain('not closed');
  });

  it('refuses include, render and layout: no file is ever read', async () => {
    for (const tag of ['include', 'render', 'layout']) {
      const { details } = await refusal(() =>
        compileTemplate(sms(`x\n{% ${tag} "package.json" %}`)),
      );
      expect(details).toMatchObject({
        line: 2,
        reason: `the ${tag} tag is not available: templates cannot read other files`,
      });
    }
    // Also inside {% liquid %}.
    const inner = await refusal(() =>
      compileTemplate(sms('{% liquid\n  include "package.json" %}')),
    );
    expect(inner.details).toMatchObject({ line: 2 });
  });
});

describe('bounded rendering', () => {
  it('refuses a huge range with a 400, without hanging', async () => {
    const { details } = await refusal(() =>
      render(sms('{% for i in (1..100000000) %}x{% endfor %}')),
    );
    expect(details).toMatchObject({
      field: 'body',
      line: 1,
      reason: 'memory alloc limit exceeded',
    });
  });

  it('refuses nested loops past the render limits', async () => {
    const { details } = await refusal(() =>
      render(sms('{% for i in (1..3000) %}{% for j in (1..3000) %}xy{% endfor %}{% endfor %}')),
    );
    expect(String(details.reason)).toMatch(/limit exceeded/);
  });

  it('refuses a render whose output passes the output limit', async () => {
    const { details } = await refusal(() =>
      render(sms(`{% for i in (1..100) %}${'x'.repeat(50_000)}{% endfor %}`)),
    );
    expect(String(details.reason)).toMatch(/^output limit exceeded/);
  });

  it('refuses a string doubled until it exhausts memory', async () => {
    const { details } = await refusal(() =>
      render(
        sms(
          '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
        ),
      ),
    );
    expect(details.reason).toBe('memory alloc limit exceeded');
  });
});

describe('MJML', () => {
  it('renders MJML to responsive HTML with a derived plain-text part', async () => {
    const mail = (await render(
      email(
        '<mjml><mj-head><mj-preview>Hidden preheader</mj-preview></mj-head><mj-body><mj-section><mj-column>' +
          '<mj-text>Hi {{ player.first_name }},<br/>your game is ready.</mj-text>' +
          '<mj-button href="{% game_link game: 9 %}">Play now</mj-button>' +
          '</mj-column></mj-section></mj-body></mjml>',
      ),
    )) as RenderedEmail;
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.warnings).toEqual([]);
    expect(mail.text).toBe(
      'Hi Ada,\nyour game is ready.\n\nPlay now (https://p.test/play/game/9?session_token=preview-not-playable)',
    );
  });

  it('refuses invalid MJML with its line, checking every branch of a condition', async () => {
    const body =
      '<mjml>\n<mj-body>\n<mj-section>\n{% if player.tier == "Gold" %}\n<mj-text>Gold</mj-text>\n{% endif %}\n</mj-section>\n</mj-body>\n</mjml>';
    const { details } = await refusal(() => checkMjml(body));
    expect(details).toMatchObject({ field: 'body', line: 5 });
    expect(String(details.reason)).toContain('mj-text cannot be used inside mj-section');
  });

  it('accepts Liquid in typed attributes, which only the send fills in', async () => {
    await expect(
      checkMjml(
        mjml('<mj-text color="{{ player.traits.color | default: \'#000000\' }}">x</mj-text>'),
      ),
    ).resolves.toBeUndefined();
    const { details } = await refusal(() =>
      checkMjml(mjml('<mj-text color="blurple">x</mj-text>')),
    );
    expect(details).toMatchObject({ line: 5 });
  });

  it('refuses mj-include and a body that is not MJML', async () => {
    const include = await refusal(() => checkMjml(mjml('<mj-include path="/etc/passwd" />')));
    expect(include.details).toMatchObject({
      line: 5,
      reason: 'mj-include is not available: templates cannot read files',
    });
    const html = await refusal(() => checkMjml('<p>Just HTML</p>'));
    expect(html.details).toMatchObject({ line: 1 });
  });
});

describe('htmlToText', () => {
  it('keeps visible text and links, drops head, styles, comments and hidden elements', () => {
    expect(
      htmlToText(
        '<html><head><title>T</title><style>p{}</style></head><body><!--[if mso]><b>mso</b><![endif]-->' +
          '<div style="display: none">preheader</div><p>Hello&nbsp;&amp; welcome</p>' +
          '<ul><li>One</li><li>Two</li></ul><a href="https://x.test/?a=1&amp;b=2">Go</a> <a href="https://y.test">https://y.test</a>' +
          '<a href="https://z.test"><img src="z.png"></a></body></html>',
      ),
    ).toBe(
      'Hello & welcome\n\n- One\n- Two\nGo (https://x.test/?a=1&b=2) https://y.test https://z.test',
    );
  });

  // A quadratic scan of this input takes minutes: the suite's 30 s test limit is the assertion.
  it('stays linear on unterminated markup', () => {
    htmlToText('<!--'.repeat(50_000) + '<a href="x">'.repeat(50_000));
  });
});
