// The account pages the mails link to: /reset-password, /accept-invite and /verify-email. The server renders
// the form; this script checks it, sends it to the JSON API and shows the outcome. It keeps no
// login token: one made here (sign-up, login) is ended again as soon as the invitation is in.

const readJson = (id) => JSON.parse(document.getElementById(id)?.textContent ?? 'null');
const view = readJson('account-view');
const t = readJson('account-strings');
const app = document.getElementById('app');

function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** `h('p', { class: 'lead' }, 'text')`: text goes in as text nodes, never as markup. */
function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name === 'testid' ? 'data-testid' : name, String(value));
  }
  element.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

class ApiFailure extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** POSTs to the JSON API and unwraps `{ success, data }`; a refusal becomes an ApiFailure. */
async function api(path, body, bearer) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'omit',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'network', '');
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok || payload?.success !== true) {
    throw new ApiFailure(
      response.status,
      typeof payload?.code === 'string' ? payload.code : 'error',
      typeof payload?.error === 'string' ? payload.error : '',
      typeof payload?.retry_after === 'number' ? payload.retry_after : undefined,
    );
  }
  return payload.data;
}

/** Ends a login token made by this page; the account and membership stay. */
function forget(token) {
  if (token) api('/api/auth/logout', undefined, token).catch(() => {});
}

/**
 * The text for a refusal: this page's translation of the codes it expects (`known`), else the
 * API's own message, which names what was wrong.
 */
function messageFor(error, known) {
  if (!(error instanceof ApiFailure)) {
    console.error(error);
    return t['error.server'];
  }
  if (error.code === 'network') return t['error.network'];
  if (error.status === 429) {
    return fmt(t['error.rate_limited'], {
      minutes: Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)),
    });
  }
  const key = known[error.code];
  if (key) return t[key];
  if (error.status >= 500 || !error.message) return t['error.server'];
  return error.message;
}

function formError(form, message, code) {
  const line = form.querySelector('[data-testid="form-error"]');
  if (!line) return;
  line.textContent = message ?? '';
  line.hidden = !message;
  if (code) line.dataset.code = code;
  else delete line.dataset.code;
}

/** Code points, as the API's length limits count them. */
function passwordProblem(password) {
  const length = [...password].length;
  if (length < 8) return 'check.password_short';
  if (length > 1024) return 'check.password_long';
  return null;
}

/**
 * Runs `work` with the form's button busy; a refusal is shown above the button and the form
 * stays filled in so it can be corrected and sent again.
 */
async function sending(form, work, known) {
  const button = form.querySelector('button[type="submit"]');
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t['form.sending'];
  formError(form, null);
  try {
    await work();
  } catch (error) {
    formError(form, messageFor(error, known), error instanceof ApiFailure ? error.code : 'error');
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

function showDone(testid, title, ...body) {
  const section = h(
    'section',
    { class: 'screen screen-done', testid },
    h('div', { class: 'badge badge-done', 'aria-hidden': 'true' }),
    h('h1', { class: 'title', tabindex: '-1' }, title),
    ...body,
  );
  app.replaceChildren(section);
  window.scrollTo({ top: 0 });
  section.querySelector('h1')?.focus({ preventScroll: true });
}

function takeOver(form, onSubmit) {
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void onSubmit(form);
  });
}

function resetPassword(form) {
  const password = form.elements.new_password.value;
  const problem =
    passwordProblem(password) ??
    (password !== form.elements.confirm_password.value ? 'check.mismatch' : null);
  if (problem) return formError(form, t[problem], 'client');
  return sending(
    form,
    async () => {
      await api('/api/auth/password-reset/confirm', { token: view.token, new_password: password });
      showDone(
        'reset-done',
        t['reset.done.title'],
        h('p', { class: 'lead' }, t['reset.done.body']),
      );
    },
    { bad_request: 'error.reset_invalid' },
  );
}

function verifyEmail(form) {
  const password = form.elements.password.value;
  if (!password) return formError(form, t['check.password_short'], 'client');
  return sending(
    form,
    async () => {
      const account = await api('/api/auth/verify-email', { token: view.token, password });
      // Like the other pages this one keeps no login token: the account logs in through the API.
      forget(account.token);
      const owned = account.organizations?.[0];
      showDone(
        'verify-done',
        t['verify.done.title'],
        h(
          'p',
          { class: 'lead', testid: 'verified' },
          fmt(t['verify.done.body'], { email: account.user?.email ?? '' }),
        ),
        owned
          ? h('p', { testid: 'owned-org' }, fmt(t['verify.done.org'], { org: owned.name }))
          : null,
        h('p', { class: 'muted' }, t['invite.done.next']),
        h(
          'a',
          { class: 'btn btn-primary', href: '/docs', testid: 'docs-link' },
          t['invite.done.docs'],
        ),
      );
    },
    {
      bad_request: 'error.verify_invalid',
      conflict: 'error.verify_exists',
      unauthorized: 'error.verify_password',
    },
  );
}

function joined(organization, role) {
  const org = organization?.name ?? '';
  showDone(
    'invite-done',
    fmt(t['invite.done.title'], { org }),
    h('p', { class: 'lead', testid: 'joined' }, fmt(t['invite.done.body'], { org, role })),
    h('p', { class: 'muted' }, t['invite.done.next']),
    h('a', { class: 'btn btn-primary', href: '/docs', testid: 'docs-link' }, t['invite.done.docs']),
  );
}

function signUp(form) {
  const email = form.elements.email.value.trim();
  const password = form.elements.password.value;
  const name = form.elements.name.value.trim();
  if (!email.includes('@')) return formError(form, t['check.email'], 'client');
  const problem = passwordProblem(password);
  if (problem) return formError(form, t[problem], 'client');
  return sending(
    form,
    async () => {
      const body = { email, password, invitation_token: view.token };
      if (name) body.name = name;
      const account = await api('/api/auth/signup', body);
      forget(account.token);
      // A sign-up with only an invitation token belongs to exactly the inviting organization.
      const membership = account.organizations?.[0];
      joined(membership, membership?.role ?? '');
    },
    {
      conflict: 'error.account_exists',
      invitation_gone: 'error.invitation_gone',
      forbidden: 'error.wrong_email',
    },
  );
}

function logInAndAccept(form) {
  const email = form.elements.email.value.trim();
  const password = form.elements.password.value;
  if (!email || !password) return formError(form, t['check.login'], 'client');
  return sending(
    form,
    async () => {
      const session = await api('/api/auth/login', { email, password });
      try {
        const accepted = await api('/api/invitations/accept', { token: view.token }, session.token);
        joined(accepted.organization, accepted.role);
      } finally {
        forget(session.token);
      }
    },
    {
      // Only the login answers 401: the accept call runs with the token it just gave.
      unauthorized: 'error.login_failed',
      invitation_gone: 'error.invitation_gone',
      forbidden: 'error.wrong_email',
      conflict: 'error.already_member',
    },
  );
}

function bootInvite() {
  const choice = app.querySelector('[data-testid="invite-choice"]');
  const forms = [...app.querySelectorAll('form[data-form]')];
  const pick = (name) => {
    choice.hidden = name !== null;
    for (const form of forms) {
      form.hidden = form.dataset.form !== name;
      formError(form, null);
    }
    const target = name === null ? choice.querySelector('button') : forms.find((f) => !f.hidden);
    (target?.querySelector('input') ?? target)?.focus();
  };
  for (const button of choice.querySelectorAll('button[data-show]')) {
    button.disabled = false;
    button.addEventListener('click', () => pick(button.dataset.show));
  }
  for (const back of app.querySelectorAll('[data-action="back"]')) {
    back.addEventListener('click', () => pick(null));
  }
  for (const form of forms)
    takeOver(form, form.dataset.form === 'signup' ? signUp : logInAndAccept);
}

function boot() {
  if (!view?.token || !t) return;
  if (view.page === 'reset') {
    const form = app.querySelector('[data-testid="reset-form"]');
    if (form) takeOver(form, resetPassword);
  } else if (view.page === 'invite') {
    bootInvite();
  } else if (view.page === 'verify') {
    const form = app.querySelector('[data-testid="verify-form"]');
    if (form) takeOver(form, verifyEmail);
  }
}

boot();
