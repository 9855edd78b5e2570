// The https origin of the standalone Temporal UI in the local stack (S9.4): one port that serves the
// UI (proxied to the ui-server on a loopback port) and, under /codec/, the API's codec server. The
// UI forwards a person's access token to the codec server only over https, and one origin means one
// certificate to accept in a browser and no cross-origin request for the codec. A deployment puts
// its own TLS proxy or ingress in front instead (infra/deploy).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface GatewayOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  /** The ui-server, e.g. http://127.0.0.1:8235. */
  ui: string;
  /** The API, e.g. http://127.0.0.1:3000: /codec/* goes there. */
  api: string;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

/** The upstream of a request path: the API's codec server for /codec/…, else the ui-server. */
export function upstreamFor(url: string, ui: string, api: string): string {
  return /^\/codec(\/|\?|$)/.test(url) ? api : ui;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const server = https.createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    const target = new URL(upstreamFor(req.url ?? '/', opts.ui, opts.api));
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The Host stays the one the browser used (the ui-server checks return URLs against it).
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`the Temporal UI gateway cannot reach ${target.origin}: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
