import type { Lang } from './play-view.ts';

/**
 * Texts of the account pages (password reset, invitation, sign-up confirmation), apart from the play strings so a
 * play page does not carry them. English is the reference: the `th` table is typed against it.
 * `error.<code>` keys translate the API's error codes the pages expect; any other refusal shows
 * the API's own message.
 */
const en = {
  'app.name': 'PlayLoop',
  'app.noscript':
    'This page needs JavaScript to send the form. Please turn it on and reload the page.',
  'link.missing.title': 'This link is incomplete',
  'reset.missing.body':
    'It has no reset code. Open the link exactly as it is in the mail, or ask for a new password reset mail.',
  'invite.missing.body':
    'It has no invitation code. Open the link exactly as it is in the mail, or ask for a new invitation.',
  'verify.missing.body':
    'It has no confirmation code. Open the link exactly as it is in the mail, or sign up again.',
  'form.email': 'Email',
  'form.name': 'Your name',
  'form.password': 'Password',
  'form.new_password': 'New password',
  'form.confirm_password': 'Repeat the new password',
  'form.password_hint': 'At least 8 characters.',
  'form.sending': 'Please wait…',
  'form.back': 'Back',
  'reset.title': 'Choose a new password',
  'reset.lead':
    'Enter the new password for your PlayLoop account. Afterwards you are logged out everywhere else.',
  'reset.submit': 'Set new password',
  'reset.done.title': 'Password changed',
  'reset.done.body': 'Your password is changed. You can now log in.',
  'invite.title': 'You are invited',
  'invite.lead':
    'You were invited to join an organization on PlayLoop. Continue with the email address the invitation was sent to.',
  'invite.signup': 'Create an account',
  'invite.login': 'I already have an account',
  'invite.signup.submit': 'Create account and join',
  'invite.login.submit': 'Log in and join',
  'invite.done.title': 'Welcome to {org}',
  'invite.done.body': 'You joined {org} as {role}.',
  'invite.done.next':
    'PlayLoop is managed through its API: log in there with your email and password. The API reference shows every operation.',
  'invite.done.docs': 'Open the API reference',
  'verify.title': 'Confirm your email',
  'verify.lead':
    'Confirm this email address to finish creating your PlayLoop account. The link works once.',
  'verify.password_hint': 'The password you chose when signing up.',
  'verify.submit': 'Confirm and create my account',
  'verify.done.title': 'Your account is ready',
  'verify.done.body': 'Your email {email} is confirmed and your PlayLoop account is created.',
  'verify.done.org': 'You own the organization {org}.',
  'check.password_short': 'The password needs at least 8 characters.',
  'check.password_long': 'The password can have at most 1024 characters.',
  'check.mismatch': 'The two passwords are not the same.',
  'check.email': 'Enter the email address the invitation was sent to.',
  'check.login': 'Enter your email and password.',
  'error.reset_invalid':
    'This reset link is invalid, expired or already used. Ask for a new password reset mail.',
  'error.invitation_gone':
    'This invitation is invalid, expired, revoked or already used. Ask for a new invitation.',
  'error.wrong_email': 'This invitation was sent to another email address.',
  'error.already_member': 'You are a member of this organization already.',
  'error.account_exists':
    'An account with this email exists already. Choose “I already have an account” instead.',
  'error.login_failed': 'Invalid email or password.',
  'error.verify_invalid':
    'This confirmation link is invalid, expired or already used. Sign up again to get a new one.',
  'error.verify_exists':
    'An account with this email exists already. Log in with it, or reset its password.',
  'error.verify_password':
    'This is not the password chosen when signing up. If you did not sign up, ignore the mail.',
  'error.rate_limited': 'Too many attempts. Please wait {minutes} min and try again.',
  'error.network': 'No connection. Check your internet connection and try again.',
  'error.server': 'Something went wrong. Please try again in a moment.',
} as const;

export type AccountStringKey = keyof typeof en;
export type AccountStrings = Readonly<Record<AccountStringKey, string>>;

const th: AccountStrings = {
  'app.name': 'PlayLoop',
  'app.noscript': 'หน้านี้ต้องใช้ JavaScript ในการส่งแบบฟอร์ม โปรดเปิดใช้งานแล้วโหลดหน้านี้ใหม่',
  'link.missing.title': 'ลิงก์ไม่สมบูรณ์',
  'reset.missing.body':
    'ลิงก์นี้ไม่มีรหัสสำหรับตั้งรหัสผ่านใหม่ โปรดเปิดลิงก์ตามที่อยู่ในอีเมล หรือขออีเมลตั้งรหัสผ่านใหม่อีกครั้ง',
  'invite.missing.body': 'ลิงก์นี้ไม่มีรหัสคำเชิญ โปรดเปิดลิงก์ตามที่อยู่ในอีเมล หรือขอคำเชิญใหม่',
  'verify.missing.body': 'ลิงก์นี้ไม่มีรหัสยืนยัน โปรดเปิดลิงก์ตามที่อยู่ในอีเมล หรือสมัครใช้งานใหม่อีกครั้ง',
  'form.email': 'อีเมล',
  'form.name': 'ชื่อของคุณ',
  'form.password': 'รหัสผ่าน',
  'form.new_password': 'รหัสผ่านใหม่',
  'form.confirm_password': 'ยืนยันรหัสผ่านใหม่',
  'form.password_hint': 'อย่างน้อย 8 ตัวอักษร',
  'form.sending': 'โปรดรอสักครู่…',
  'form.back': 'ย้อนกลับ',
  'reset.title': 'ตั้งรหัสผ่านใหม่',
  'reset.lead': 'กรอกรหัสผ่านใหม่สำหรับบัญชี PlayLoop ของคุณ หลังจากนั้นอุปกรณ์อื่นทั้งหมดจะออกจากระบบ',
  'reset.submit': 'บันทึกรหัสผ่านใหม่',
  'reset.done.title': 'เปลี่ยนรหัสผ่านแล้ว',
  'reset.done.body': 'เปลี่ยนรหัสผ่านของคุณเรียบร้อยแล้ว คุณเข้าสู่ระบบด้วยรหัสผ่านใหม่ได้เลย',
  'invite.title': 'คุณได้รับคำเชิญ',
  'invite.lead': 'คุณได้รับเชิญให้เข้าร่วมองค์กรใน PlayLoop โปรดใช้อีเมลที่ได้รับคำเชิญนี้',
  'invite.signup': 'สร้างบัญชีใหม่',
  'invite.login': 'ฉันมีบัญชีอยู่แล้ว',
  'invite.signup.submit': 'สร้างบัญชีและเข้าร่วม',
  'invite.login.submit': 'เข้าสู่ระบบและเข้าร่วม',
  'invite.done.title': 'ยินดีต้อนรับสู่ {org}',
  'invite.done.body': 'คุณเข้าร่วม {org} ในบทบาท {role} แล้ว',
  'invite.done.next':
    'PlayLoop จัดการผ่าน API: เข้าสู่ระบบด้วยอีเมลและรหัสผ่านของคุณ เอกสาร API แสดงทุกคำสั่งที่ใช้ได้',
  'invite.done.docs': 'เปิดเอกสาร API',
  'verify.title': 'ยืนยันอีเมลของคุณ',
  'verify.lead': 'ยืนยันอีเมลนี้เพื่อสร้างบัญชี PlayLoop ของคุณให้เสร็จสมบูรณ์ ลิงก์นี้ใช้ได้ครั้งเดียว',
  'verify.password_hint': 'รหัสผ่านที่คุณตั้งไว้ตอนสมัครใช้งาน',
  'verify.submit': 'ยืนยันและสร้างบัญชี',
  'verify.done.title': 'บัญชีของคุณพร้อมใช้งานแล้ว',
  'verify.done.body': 'ยืนยันอีเมล {email} และสร้างบัญชี PlayLoop ของคุณเรียบร้อยแล้ว',
  'verify.done.org': 'คุณเป็นเจ้าขององค์กร {org}',
  'check.password_short': 'รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร',
  'check.password_long': 'รหัสผ่านมีได้ไม่เกิน 1024 ตัวอักษร',
  'check.mismatch': 'รหัสผ่านทั้งสองช่องไม่ตรงกัน',
  'check.email': 'โปรดกรอกอีเมลที่ได้รับคำเชิญ',
  'check.login': 'โปรดกรอกอีเมลและรหัสผ่าน',
  'error.reset_invalid': 'ลิงก์ตั้งรหัสผ่านนี้ไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว โปรดขออีเมลตั้งรหัสผ่านใหม่',
  'error.invitation_gone': 'คำเชิญนี้ไม่ถูกต้อง หมดอายุ ถูกยกเลิก หรือถูกใช้ไปแล้ว โปรดขอคำเชิญใหม่',
  'error.wrong_email': 'คำเชิญนี้ส่งถึงอีเมลอื่น',
  'error.already_member': 'คุณเป็นสมาชิกขององค์กรนี้อยู่แล้ว',
  'error.account_exists': 'มีบัญชีที่ใช้อีเมลนี้อยู่แล้ว โปรดเลือก “ฉันมีบัญชีอยู่แล้ว”',
  'error.login_failed': 'อีเมลหรือรหัสผ่านไม่ถูกต้อง',
  'error.verify_invalid': 'ลิงก์ยืนยันนี้ไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว โปรดสมัครใช้งานใหม่เพื่อรับลิงก์ใหม่',
  'error.verify_exists': 'มีบัญชีที่ใช้อีเมลนี้อยู่แล้ว โปรดเข้าสู่ระบบ หรือตั้งรหัสผ่านใหม่',
  'error.verify_password': 'รหัสผ่านไม่ตรงกับที่ตั้งไว้ตอนสมัครใช้งาน หากคุณไม่ได้สมัครใช้งาน โปรดเพิกเฉยต่ออีเมลนี้',
  'error.rate_limited': 'ลองหลายครั้งเกินไป โปรดรอ {minutes} นาทีแล้วลองใหม่',
  'error.network': 'เชื่อมต่อไม่ได้ โปรดตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองอีกครั้ง',
  'error.server': 'เกิดข้อผิดพลาด โปรดลองใหม่อีกครั้งในอีกสักครู่',
};

const STRINGS: Readonly<Record<Lang, AccountStrings>> = { en, th };

export function accountStringsFor(lang: Lang): AccountStrings {
  return STRINGS[lang];
}
