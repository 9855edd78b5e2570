// The console's only way to the server: the HTTP API under /v1 with the person's Bearer token,
// kept in sessionStorage (gone when the tab closes). Errors keep the API's status, code, message
// and per-field validation messages so that forms can show them beside the fields.
import type { components, paths } from './api-types';
import type { ComplaintView as ContractView } from '../../workflows/complaint/contract';

const TOKEN_KEY = 'closedloop.token';

type Schemas = components['schemas'];

/** A complaint as GET /v1/complaints/{id} and every action answer it: the contract's view with links. */
export type ComplaintView = ContractView & { links: Schemas['ComplaintView']['links'] };

/** GET /v1/me */
export type Me = Schemas['Me'];

/** A worklist or list item: the read model's summary of a complaint. */
export type ComplaintSummary = Schemas['ComplaintSummary'];

/** GET /v1/policies: the active set, whose departments and ladder the forms offer. */
export type Policies = Schemas['Policies'];

/** The path of a human action below /v1/complaints/{id}/, as the API document declares it. */
export type ActionPath = {
  [P in keyof paths]: P extends `/v1/complaints/{id}/${infer A}`
    ? paths[P] extends { post: object }
      ? A
      : never
    : never;
}[keyof paths];

/** The request body of an action, generated from its zod schema. */
export type ActionBody<A extends ActionPath> = paths[`/v1/complaints/{id}/${A}`] extends {
  post: { requestBody: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** field path (e.g. `summary`, `location.region`) → message */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

const unauthorizedListeners = new Set<() => void>();
/** Called when the API answers 401 (expired or revoked token): the app signs the person out. */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: { error?: string; message?: string; details?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  const fields: Record<string, string> = {};
  if (Array.isArray(body.details))
    for (const d of body.details as { field?: unknown; message?: unknown }[])
      if (typeof d.field === 'string' && typeof d.message === 'string')
        fields[d.field] = fields[d.field] ? `${fields[d.field]}; ${d.message}` : d.message;
  return new ApiError(res.status, body.error ?? `http_${res.status}`, body.message ?? res.statusText, fields);
}

async function send(method: string, path: string, body?: unknown, token = getToken()): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && token) unauthorizedListeners.forEach((fn) => fn());
    throw err;
  }
  return res;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  return (await res.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown) => api<T>('POST', path, body);
/** PUT replaces a resource's part, e.g. a report draft's written analysis (R9.4). */
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);

/** A file the API serves to authorised people only (CSV, HTML report, recording) as a blob. */
export async function getBlob(path: string): Promise<Blob> {
  return (await send('GET', path)).blob();
}

/** Sign-in through the product's own auth: the dev issuer (DEV_AUTH=on) or a pasted token. */
export async function devToken(user: string): Promise<string> {
  const res = await send('POST', '/dev/token', { user }, null);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function whoAmI(token: string): Promise<Me> {
  const res = await send('GET', '/v1/me', undefined, token);
  return (await res.json()) as Me;
}

export const complaintPath = (id: string, suffix = '') =>
  `/v1/complaints/${encodeURIComponent(id)}${suffix ? `/${suffix}` : ''}`;

/** POST /v1/complaints/{id}/<action>: a human action (the complaint after it) or an escalation (accepted). */
export function act<A extends ActionPath>(
  ticketId: string,
  action: A,
  body: ActionBody<A>,
): Promise<ComplaintView | Schemas['EscalateComplaint202']> {
  return post(complaintPath(ticketId, action), body);
}
