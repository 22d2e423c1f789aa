import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { parseMail } from './mime.js';

export interface CaughtMail {
  /** Envelope sender and recipients (what SMTP was told, not the headers). */
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  raw: string;
  receivedAt: Date;
}

/** Largest message the catcher takes (notifications are a few kB). */
const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * A local SMTP server that keeps the last `keep` messages in memory: the email channel's
 * destination under `npm start` (with a page listing them) and in tests (a real SMTP dialogue
 * on loopback). Development only: no authentication, no TLS, loopback only.
 */
export class EmailCatcher {
  readonly messages: CaughtMail[] = [];
  private smtp: SMTPServer | null = null;
  private page: http.Server | null = null;
  private smtpPort = 0;

  constructor(private readonly keep = 50) {}

  /** Starts (or restarts, on the same port as before when `port` is 0) the SMTP server; its smtp:// URL. */
  async listen(port = 0): Promise<string> {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: MAX_MESSAGE_BYTES,
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
            return callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
          this.keepMessage(Buffer.concat(chunks).toString('utf8'), session.envelope);
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(port || this.smtpPort, '127.0.0.1', () => resolve());
    });
    smtp.on('error', () => undefined);
    this.smtp = smtp;
    this.smtpPort = (smtp.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  private keepMessage(raw: string, envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] }) {
    const mail = parseMail(raw);
    this.messages.push({
      from: envelope.mailFrom ? envelope.mailFrom.address : '',
      to: envelope.rcptTo.map((r) => r.address),
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: Object.fromEntries(mail.headers),
      raw,
      receivedAt: new Date(),
    });
    if (this.messages.length > this.keep) this.messages.splice(0, this.messages.length - this.keep);
  }

  /** Stops accepting mail (an SMTP outage); `listen()` starts it again on the same port. */
  async stopSmtp(): Promise<void> {
    const smtp = this.smtp;
    this.smtp = null;
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }

  /** GET / (a page) and GET /messages (JSON, newest first) on loopback; its URL. */
  async servePage(port = 0): Promise<string> {
    const page = http.createServer((req, res) => {
      const newest = [...this.messages].reverse();
      if (req.method === 'GET' && req.url === '/messages') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(newest.map(({ raw: _raw, ...m }) => m)));
      } else if (req.method === 'GET' && req.url === '/') {
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' data:",
        });
        res.end(renderPage(newest));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      page.once('error', reject);
      page.listen(port, '127.0.0.1', () => resolve());
    });
    this.page = page;
    return `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await this.stopSmtp();
    const page = this.page;
    this.page = null;
    if (page) await new Promise<void>((resolve) => page.close(() => resolve()));
  }
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Each message's HTML in a sandboxed frame (scripts never run), with its text beside it. */
function renderPage(messages: CaughtMail[]): string {
  const rows = messages
    .map(
      (m) => `<article><h2>${escape(m.subject)}</h2><p>To ${escape(m.to.join(', '))} · ${m.receivedAt.toISOString()}</p>
<pre>${escape(m.text ?? '')}</pre>${m.html ? `<iframe sandbox srcdoc="${escape(m.html)}" width="100%" height="240"></iframe>` : ''}</article>`,
    )
    .join('<hr>');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Clutch mail catcher</title></head>
<body style="font-family:sans-serif;max-width:60rem;margin:auto"><h1>Last ${messages.length} emails</h1>${rows || '<p>None yet.</p>'}</body></html>`;
}
