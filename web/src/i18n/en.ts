/** The dashboard's English words; every other language has exactly these keys (i18n.tsx). */
export const en = {
  'app.name': 'PlayLoop',
  'lang.label': 'Language',
  'common.email': 'Email',
  'common.password': 'Password',
  'common.name': 'Your name',
  'common.loading': 'Loading…',
  'common.back_to_login': 'Back to log in',
  'common.retry': 'Try again',

  'login.title': 'Log in to PlayLoop',
  'login.submit': 'Log in',
  'login.forgot': 'Forgot your password?',
  'login.no_account': 'New to PlayLoop?',
  'login.to_signup': 'Create an account',
  'login.expired': 'Your session ended. Please log in again.',

  'signup.title': 'Create your PlayLoop account',
  'signup.org': 'Company or brand name',
  'signup.org_hint': 'We create an organization with this name; you will be its Owner.',
  'signup.password_hint': 'At least 8 characters',
  'signup.submit': 'Create account',
  'signup.have_account': 'Already have an account?',
  'signup.sent.title': 'Check your inbox',
  'signup.sent.body':
    'We sent a link to {email}. Open it and enter the password you chose to finish creating your account, then log in here.',

  'reset.title': 'Reset your password',
  'reset.intro':
    'Enter the email you log in with and we will send you a link to set a new password.',
  'reset.submit': 'Send the link',
  'reset.sent':
    'If {email} has a PlayLoop account, a link to set a new password is on its way. It works once.',
  'reset.new_title': 'Choose a new password',
  'reset.new_password': 'New password',
  'reset.confirm_password': 'New password again',
  'reset.save': 'Save the new password',
  'reset.done': 'Your password is changed. You can now log in.',

  'invite.title': 'Join an organization',
  'invite.intro':
    'You were invited to PlayLoop. Log in or create an account with the invited email.',
  'invite.accept': 'Accept the invitation',
  'invite.as': 'Signed in as {email}.',
  'invite.login': 'I have an account',
  'invite.signup': 'Create my account',
  'invite.joined': 'You joined {org} as {role}.',
  'invite.open': 'Open the dashboard',
  'invite.no_token': 'This page needs the link from your invitation email.',

  'check.mismatch': 'The two passwords are not the same.',
  'check.password_short': 'Use at least 8 characters.',

  'shell.nav': 'Main menu',
  'shell.home': 'Home',
  'shell.api_docs': 'API reference',
  'shell.organization': 'Organization',
  'shell.property': 'Property',
  'shell.no_property': 'No property yet',
  'shell.sign_out': 'Sign out',
  'shell.open_menu': 'Open the menu',
  'shell.role': 'Your role: {role}',
  'shell.not_found': 'There is no page at this address.',

  'home.title': 'Overview of {org}',
  'home.games': 'Games',
  'home.streams': 'Streams',
  'home.players': 'Players',
  'home.players_in': 'in {property}',
  'home.games_empty_edit':
    'No games yet. A game is what players play: a spin wheel, memory match or quick tap. Create your first one to start.',
  'home.games_empty_view':
    'No games to show yet. An Owner, Admin or Editor of this organization creates them.',
  'home.streams_empty_edit':
    'No streams yet. A stream puts your games in front of players on a schedule; add one once you have a game.',
  'home.streams_empty_view':
    'No streams to show yet. An Owner, Admin or Editor of this organization publishes them.',
  'home.players_empty_admin':
    'No property yet. A property holds your players (one casino or brand). Create one below.',
  'home.players_empty_view':
    'No property yet. Ask an Owner or Admin of this organization to create one.',
  'home.no_players':
    'No players in this property yet. Import them from CSV or send them from your systems.',
  'home.status': 'Status',
  'home.title_col': 'Title',
  'home.name_col': 'Name',
  'home.plays_col': 'Plays',
  'status.Draft': 'Draft',
  'status.Scheduled': 'Scheduled',
  'status.Active': 'Active',
  'status.Paused': 'Paused',
  'status.Completed': 'Completed',
  'status.Archived': 'Archived',

  'org.none_title': 'Create your organization',
  'org.none_body':
    'You are not in any organization yet. Create one for your company, or open the invitation link an admin sent you.',
  'org.name': 'Organization name',
  'org.create': 'Create organization',

  'property.create_title': 'Create a property',
  'property.name': 'Property name',
  'property.timezone': 'Time zone',
  'property.create': 'Create property',

  'error.network': 'We could not reach PlayLoop. Check your connection and try again.',
  'error.unknown': 'Something went wrong on our side. Try again in a moment.',
  'error.bad_request': 'Some of what you entered is not accepted. Check the fields and try again.',
  'error.validation_failed':
    'Some of what you entered is not accepted. Check the fields and try again.',
  'error.unauthorized': 'Please log in again.',
  'error.forbidden': 'Your role does not allow this. Ask an Owner or Admin of the organization.',
  'error.plan_required': 'Your plan does not include this.',
  'error.not_found': 'We could not find it. It may have been deleted.',
  'error.conflict': 'This already exists.',
  'error.invitation_gone':
    'This invitation was already used, revoked or has expired. Ask for a new one.',
  'error.quota_exceeded': 'This property is full. Ask your operator to raise its limit.',
  'error.rate_limited': 'Too many tries. Wait {seconds} seconds and try again.',
  'error.service_unavailable': 'PlayLoop is busy for a moment. Try again shortly.',
  'error.internal': 'Something went wrong on our side. Try again in a moment.',
  'error.login.unauthorized': 'The email or password is wrong.',
  'error.login.bad_request': 'Enter your email and password.',
  'error.signup.forbidden':
    'Sign-up is closed on this PlayLoop, or the invitation is for another email.',
  'error.signup.conflict': 'An account with this email already exists. Log in instead.',
  'error.reset.bad_request':
    'This link is not valid any more (it works once, for a limited time). Ask for a new one.',
  'error.invite.forbidden': 'This invitation was sent to another email. Log in with that one.',
  'error.invite.conflict': 'You are already a member of this organization.',
  'error.org.conflict': 'An organization with this name already exists.',
} as const;
