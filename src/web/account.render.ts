import { type AccountStrings, accountStringsFor } from './account.i18n.ts';
import type { Lang } from './play-view.ts';
import { embedJson, escapeHtml } from './render.ts';

const STATIC = '/play/static';

/** The API refuses longer tokens; such a link was cut or mangled, not mailed by us. */
export const MAX_LINK_TOKEN = 200;

export type AccountPage = 'reset' | 'invite' | 'verify';

/**
 * What `/play/static/account.js` reads from the page. The token travels here and nowhere else
 * in the document; the script posts it to the JSON API.
 */
export interface AccountView {
  lang: Lang;
  page: AccountPage;
  token: string;
}

/** The link's token when it could be one; `undefined` shows the "incomplete link" screen. */
export function linkToken(raw: string | undefined): string | undefined {
  return raw && raw.length <= MAX_LINK_TOKEN ? raw : undefined;
}

type Attrs = Readonly<Record<string, string | true>>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`))
    .join('');
}

function field(label: string, input: Attrs, hint?: string): string {
  return (
    `<label class="field"><span class="field-label">${escapeHtml(label)}</span>` +
    `<input${attrs(input)}>` +
    (hint ? `<span class="field-hint">${escapeHtml(hint)}</span>` : '') +
    `</label>`
  );
}

const password = (name: string, testid: string, autocomplete: string): Attrs => ({
  type: 'password',
  name,
  autocomplete,
  minlength: '8',
  maxlength: '1024',
  required: true,
  'data-testid': testid,
});

/** The error line account.js fills; announced by screen readers when it changes. */
const formError = '<p class="form-error" role="alert" data-testid="form-error" hidden></p>';

/**
 * Submit buttons stay disabled until account.js takes the form over: a form sent without the
 * script would post the password to this page (never into a URL, thanks to method="post").
 */
function submit(label: string, testid: string): string {
  return `<button type="submit" class="btn btn-primary" data-testid="${testid}" disabled>${escapeHtml(label)}</button>`;
}

function missingScreen(page: AccountPage, t: AccountStrings): string {
  return (
    `<section class="screen screen-error" data-testid="missing-token">` +
    `<div class="badge badge-error" aria-hidden="true"></div>` +
    `<h1 class="title">${escapeHtml(t['link.missing.title'])}</h1>` +
    `<p class="lead">${escapeHtml(t[`${page}.missing.body`])}</p></section>`
  );
}

function resetScreen(t: AccountStrings): string {
  return (
    `<section class="screen screen-account" data-testid="reset-screen">` +
    `<h1 class="title">${escapeHtml(t['reset.title'])}</h1>` +
    `<p class="lead">${escapeHtml(t['reset.lead'])}</p>` +
    `<form class="form" method="post" novalidate data-testid="reset-form">` +
    field(
      t['form.new_password'],
      password('new_password', 'new-password', 'new-password'),
      t['form.password_hint'],
    ) +
    field(
      t['form.confirm_password'],
      password('confirm_password', 'confirm-password', 'new-password'),
    ) +
    formError +
    submit(t['reset.submit'], 'reset-submit') +
    `</form></section>`
  );
}

/**
 * A form, not an automatic request: mail scanners that open links must not finish the sign-up
 * (and receive its login token). It asks for the password chosen at sign-up, which the API
 * requires so that a mailbox owner cannot finish a sign-up a stranger started.
 */
function verifyScreen(t: AccountStrings): string {
  return (
    `<section class="screen screen-account" data-testid="verify-screen">` +
    `<h1 class="title">${escapeHtml(t['verify.title'])}</h1>` +
    `<p class="lead">${escapeHtml(t['verify.lead'])}</p>` +
    `<form class="form" method="post" novalidate data-testid="verify-form">` +
    field(
      t['form.password'],
      { ...password('password', 'verify-password', 'current-password'), minlength: '1' },
      t['verify.password_hint'],
    ) +
    formError +
    submit(t['verify.submit'], 'verify-submit') +
    `</form></section>`
  );
}

function inviteScreen(t: AccountStrings): string {
  const email = (testid: string): Attrs => ({
    type: 'email',
    name: 'email',
    autocomplete: 'email',
    maxlength: '320',
    required: true,
    'data-testid': testid,
  });
  const back = `<button type="button" class="btn btn-ghost" data-action="back">${escapeHtml(t['form.back'])}</button>`;
  return (
    `<section class="screen screen-account" data-testid="invite-screen">` +
    `<h1 class="title">${escapeHtml(t['invite.title'])}</h1>` +
    `<p class="lead">${escapeHtml(t['invite.lead'])}</p>` +
    `<div class="choice" data-testid="invite-choice">` +
    `<button type="button" class="btn btn-primary" data-show="signup" data-testid="choose-signup" disabled>${escapeHtml(t['invite.signup'])}</button>` +
    `<button type="button" class="btn btn-ghost" data-show="login" data-testid="choose-login" disabled>${escapeHtml(t['invite.login'])}</button>` +
    `</div>` +
    `<form class="form" method="post" novalidate data-form="signup" data-testid="signup-form" hidden>` +
    `<h2 class="form-title">${escapeHtml(t['invite.signup'])}</h2>` +
    field(t['form.name'], {
      type: 'text',
      name: 'name',
      autocomplete: 'name',
      maxlength: '200',
      'data-testid': 'signup-name',
    }) +
    field(t['form.email'], email('signup-email')) +
    field(
      t['form.password'],
      password('password', 'signup-password', 'new-password'),
      t['form.password_hint'],
    ) +
    formError +
    submit(t['invite.signup.submit'], 'signup-submit') +
    back +
    `</form>` +
    `<form class="form" method="post" novalidate data-form="login" data-testid="login-form" hidden>` +
    `<h2 class="form-title">${escapeHtml(t['invite.login'])}</h2>` +
    field(t['form.email'], email('login-email')) +
    field(t['form.password'], {
      type: 'password',
      name: 'password',
      autocomplete: 'current-password',
      maxlength: '1024',
      required: true,
      'data-testid': 'login-password',
    }) +
    formError +
    submit(t['invite.login.submit'], 'login-submit') +
    back +
    `</form></section>`
  );
}

/**
 * `/reset-password`, `/accept-invite` and `/verify-email`: the form rendered on the server, the token and this
 * language's strings as JSON for `/play/static/account.js`, which sends the form to the JSON API.
 * Without a token the page only explains what to do and loads no script.
 */
export function renderAccountPage(
  page: AccountPage,
  lang: Lang,
  token: string | undefined,
): string {
  const t = accountStringsFor(lang);
  const title = t[`${page}.title`];
  const screens = { reset: resetScreen, invite: inviteScreen, verify: verifyScreen };
  const body = token === undefined ? missingScreen(page, t) : screens[page](t);
  const view: AccountView | undefined = token === undefined ? undefined : { lang, page, token };
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="#6d28d9">
<meta name="robots" content="noindex">
<title>${escapeHtml(`${title} · ${t['app.name']}`)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${STATIC}/play.css">
${view ? `<script type="module" src="${STATIC}/account.js"></script>\n` : ''}</head>
<body class="lang-${lang}">
<div class="page">
<header class="topbar"><span class="logo" aria-hidden="true"></span><span class="brand">${escapeHtml(t['app.name'])}</span></header>
<main id="app" class="card" aria-live="polite">${body}</main>
${view ? `<noscript><p class="noscript">${escapeHtml(t['app.noscript'])}</p></noscript>\n` : ''}</div>
${
  view
    ? `<script type="application/json" id="account-view">${embedJson(view)}</script>
<script type="application/json" id="account-strings">${embedJson(t)}</script>
`
    : ''
}</body>
</html>
`;
}
