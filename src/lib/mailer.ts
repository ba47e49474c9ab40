import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Waits for sends still in flight, then releases connections. */
  close?(): Promise<void>;
}

/** Delivers through an SMTP server (`SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url,
    // Bounded so a dead mail server cannot hold requests (or shutdown) for nodemailer's minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const inFlight = new Set<Promise<unknown>>();
  return {
    async send(message) {
      const sending = transport.sendMail({ from, ...message });
      inFlight.add(sending);
      try {
        await sending;
      } finally {
        inFlight.delete(sending);
      }
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}

/**
 * Without `SMTP_URL` nothing is sent: the recipient, subject and the links in the message are
 * logged instead, which is how a laptop install reads its reset and invitation links.
 */
export function createLogMailer(logger: Logger): Mailer {
  return {
    send(message) {
      const links = message.text.match(/https?:\/\/\S+/g) ?? [];
      logger.info(
        { mail: { to: message.to, subject: message.subject, links } },
        `mail not sent (no SMTP_URL configured): ${message.subject}`,
      );
      return Promise.resolve();
    },
  };
}

export function createMailer(
  config: { smtpUrl: string | undefined; mailFrom: string },
  logger: Logger,
): Mailer {
  return config.smtpUrl
    ? createSmtpMailer(config.smtpUrl, config.mailFrom)
    : createLogMailer(logger);
}
