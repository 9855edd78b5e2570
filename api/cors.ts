// CORS by allow-list: only the listed origins get CORS headers, preflights included; any other
// origin gets none (the browser then refuses the answer). No list = no CORS at all.
import type { RequestHandler } from 'express';

export interface CorsOptions {
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  credentials?: boolean;
  maxAgeSec?: number;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

export function corsAllowList(opts: CorsOptions): RequestHandler {
  const allowed = new Set(opts.origins.map(originOf));
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (!origin || !allowed.has(origin)) {
      // A preflight from a foreign origin ends here, without CORS headers.
      if (req.method === 'OPTIONS' && origin) return void res.status(204).end();
      return next();
    }
    res.set('Access-Control-Allow-Origin', origin);
    if (opts.credentials) res.set('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', opts.methods.join(', '));
      res.set('Access-Control-Allow-Headers', opts.headers.join(', '));
      res.set('Access-Control-Max-Age', String(opts.maxAgeSec ?? 600));
      return void res.status(204).end();
    }
    next();
  };
}
