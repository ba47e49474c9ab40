/** The organization's members, invitations and roles (Settings). */
export const membersEn = {
  'members.nav': 'Members and roles',
  'members.title': 'Members of {org}',
  'members.intro':
    'Everyone who works in this organization, with the role that says what they may do. Invite colleagues by email.',
  'members.read_only':
    'Only Owners and Admins can invite people, change roles or remove members. You can see who is here.',
  'members.invite_title': 'Invite someone',
  'members.invite_email': 'Email',
  'members.invite_role': 'Role',
  'members.invite_send': 'Send invitation',
  'members.invited': 'Invitation sent to {email}. The link works for 30 days.',
  'members.invited_not_mailed':
    'The invitation to {email} was saved, but the mail server refused the message. Use Resend to try again.',
  'members.list': 'Members',
  'members.col.name': 'Name',
  'members.col.email': 'Email',
  'members.col.role': 'Role',
  'members.col.status': 'Status',
  'members.col.joined': 'Joined',
  'members.col.actions': 'Actions',
  'members.you': '(you)',
  'members.no_name': 'No name yet',
  'members.status.Active': 'Active',
  'members.status.Pending': 'Invited',
  'members.expires': 'Invitation expires {date}',
  'members.role_of': 'Role of {name}',
  'members.role_changed': '{name} is now {role}.',
  'members.remove': 'Remove',
  'members.remove_named': 'Remove {name}',
  'members.remove_title': 'Remove {name}?',
  'members.remove_body':
    '{name} loses access to {org} at once. Their games stay in the organization, and invitations they sent are cancelled.',
  'members.remove_confirm': 'Remove from the organization',
  'members.removed': '{name} was removed.',
  'members.removed_keys':
    'API keys they created keep working, as they belong to the organization. Review them: {keys}.',
  'members.resend': 'Resend',
  'members.resend_named': 'Resend the invitation to {email}',
  'members.revoke': 'Cancel invitation',
  'members.revoke_named': 'Cancel invitation to {email}',
  'members.revoked': 'The invitation to {email} was cancelled; its link no longer works.',
  'members.cancel': 'Keep',
  'members.close': 'Close',
  'members.empty': 'No members to show.',
  'members.roles_title': 'What each role can do',
  'members.role.Owner': 'Owner',
  'members.role.Admin': 'Admin',
  'members.role.Editor': 'Editor',
  'members.role.Analyst': 'Analyst',
  'members.role.Viewer': 'Viewer',
  'members.role_help.Owner':
    'Everything an Admin can do, plus billing and deleting the organization. There is always at least one Owner; make someone else Owner before you step down.',
  'members.role_help.Admin':
    'Everything an Editor can do, plus inviting and removing members, changing roles (up to Admin), properties, API keys and organization settings.',
  'members.role_help.Editor':
    'Creates, edits, publishes and archives games and streams; manages prizes, vouchers, players, segments and privacy requests.',
  'members.role_help.Analyst':
    'Sees every game, player and the full analytics, and can export analytics; cannot create or change anything.',
  'members.role_help.Viewer': 'Sees published games, players and basic analytics only.',
  'members.error.role.conflict':
    'An organization must keep at least one Owner. Make someone else Owner first.',
  'members.error.role.forbidden':
    'Your role cannot give this role or change this member. You can assign roles up to your own.',
  'members.error.remove.conflict':
    'The last Owner cannot be removed. Make someone else Owner first.',
  'members.error.remove.forbidden': 'Your role cannot remove this member.',
  'members.error.invite.conflict': 'Someone with this email is already a member.',
  'members.error.invite.forbidden':
    'Only an Owner or Admin can invite, and only with a role up to their own.',
  'members.error.revoke.conflict': 'This invitation was already accepted, cancelled or expired.',
} as const;
