import nodemailer from 'nodemailer';

// Campaign email over SMTP (nodemailer, pooled): a few long-lived connections carry many
// messages, instead of a TCP and TLS handshake per recipient.

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  /** The Message-ID, kept for every attempt of one message so a resend is the same mail. */
  messageId: string;
  headers: Record<string, string>;
}

export class EmailSendError extends Error {
  /** `permanent`: the server refused this recipient or message (5xx): retrying cannot help. */
  readonly kind: 'permanent' | 'temporary';
  constructor(kind: 'permanent' | 'temporary', message: string) {
    super(message);
    this.name = 'EmailSendError';
    this.kind = kind;
  }
}

export interface EmailSender {
  readonly provider: string;
  send(message: OutgoingEmail): Promise<{ providerId: string | null }>;
  close(): void;
}

export interface SmtpOptions {
  url: string;
  /** Connections kept open to the server. */
  maxConnections: number;
}

export function createSmtpSender(options: SmtpOptions): EmailSender {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    provider: 'smtp',
    async send(message) {
      try {
        const info = (await transport.sendMail({
          from: message.from,
          to: message.to,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          subject: message.subject,
          html: message.html,
          text: message.text,
          messageId: message.messageId,
          headers: message.headers,
        })) as { messageId?: string; rejected?: unknown[] };
        if (Array.isArray(info.rejected) && info.rejected.length > 0) {
          throw new EmailSendError('permanent', 'the server refused the recipient');
        }
        return { providerId: info.messageId ?? message.messageId };
      } catch (error) {
        if (error instanceof EmailSendError) throw error;
        const code = (error as { responseCode?: number }).responseCode;
        const reason = (error as Error).message.split('\n')[0] ?? 'send failed';
        throw new EmailSendError(
          typeof code === 'number' && code >= 500 ? 'permanent' : 'temporary',
          reason,
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
