/**
 * Real receivers for outbound messages, in-process: an SMTP server and an HTTP endpoint, each on
 * 127.0.0.1 with a port of the system's choosing. Tests read what arrived exactly as a mail
 * server or a webhook receiver would have seen it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The login the client authenticated with, if any. */
  user: string | null;
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Answers the next DATA commands with these SMTP errors (code + text), in order. */
  failNext(...replies: { code: number; message: string }[]): void;
  /** Resolves once `count` mails have arrived (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** An SMTP server that accepts every message (optionally requiring a login) and keeps it. */
export async function startSmtpSink(opts: { user?: string; password?: string } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const failures: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust; the login still has to be right.
    disabledCommands: opts.user ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !opts.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === opts.user && auth.password === opts.password)
        return callback(null, { user: auth.username });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const failure = failures.shift();
        if (failure)
          return callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: (session.user as string | undefined) ?? null,
              raw,
              parsed,
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = opts.user
    ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.password ?? "")}@`
    : "";
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    mails,
    failNext: (...replies) => void failures.push(...replies),
    waitFor: (count, ms = 10_000) => waitUntil(() => mails.length >= count, ms).then(() => mails),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status codes for the next requests, in order; after they run out, `otherwise`. */
  respond(...statuses: number[]): void;
  otherwise: number;
  /** Requests to /slow never get an answer. */
  waitFor(count: number, ms?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** An HTTP server that records every request and answers with the statuses it is told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: number[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    requests,
    otherwise: 200,
    respond: (...statuses) => void queue.push(...statuses),
    waitFor: (count, ms = 10_000) => waitUntil(() => requests.length >= count, ms).then(() => requests),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url === "/slow") return; // never answers
      const status = queue.shift() ?? receiver.otherwise;
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status,
      });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "ok" : `refused with ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** Polls `ready` every 20 ms until true, or rejects after `ms`. */
export async function waitUntil(ready: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
