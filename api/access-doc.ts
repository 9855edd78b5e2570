// Renders docs/security.md (route × role) from the access table in ./access.
//   npm run docs:security          writes docs/security.md
// A unit test fails when the file and the table differ.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACCESS, CODEC_ROLES, ROLES, type AccessRule, type RoleName } from './access';
import { SEED_USERS } from './dev-auth';
import { PERSONAL_DATA_STORES } from '../activities/privacy/stores';
import { DEFAULT_RETENTION_POLICY } from '../domain/policy/retention';

const ROLE_TITLES: Record<RoleName, string> = {
  intake: 'intake',
  handler: 'handler',
  department: 'department:&lt;name&gt;',
  supervisor: 'supervisor',
  interface: 'interface',
  leader: 'leader',
  vipManager: 'vipManager',
  analyst: 'analyst',
  admin: 'admin',
  privacy: 'privacy',
};

const SCOPED: Partial<Record<RoleName, string>> = {
  handler: '✓ assigned',
  department: '✓ transferred',
  vipManager: '✓ VIP',
  intake: '✓ own',
};

function cell(rule: AccessRule, role: RoleName): string {
  if (rule.auth === 'public') return 'public';
  if (rule.auth === 'twilio') return 'signed';
  if (rule.auth === 'dev') return 'dev';
  if (!rule.roles.includes(role)) return '—';
  if (rule.scope === 'none') return '✓';
  return SCOPED[role] ?? '✓';
}

/** The page before formatting (Prettier aligns the tables as in every other Markdown file). */
export function renderSecurityDocSource(): string {
  const header = `| route | ${ROLES.map((r) => ROLE_TITLES[r]).join(' | ')} |`;
  const line = `| --- | ${ROLES.map(() => ':-:').join(' | ')} |`;
  const rows = ACCESS.map(
    (rule) => `| \`${rule.method} ${rule.path}\` | ${ROLES.map((role) => cell(rule, role)).join(' | ')} |`,
  );
  const notes = ACCESS.filter((r) => r.note).map((r) => `- \`${r.method} ${r.path}\`: ${r.note}.`);
  const retention = DEFAULT_RETENTION_POLICY;
  const durationOf = (kind: string): string => {
    if (kind === 'fixed') return 'while the request runs';
    const base = (retention.complaint as Record<string, string>)[kind];
    const other = (retention.other as Record<string, string>)[kind];
    const longer = retention.overrides
      .map((o) => ({ o, d: (o.keep as Record<string, string | undefined>)[kind] }))
      .filter((x) => x.d)
      .map((x) => `${x.d} if ${Object.keys(x.o.match).join(', ')}`);
    return [base ? `${base} after closing` : other, ...longer].filter(Boolean).join('; ');
  };
  const stores = PERSONAL_DATA_STORES.map(
    (st) => `| ${st.store} | ${st.holds} | \`${st.retention}\`: ${durationOf(st.retention)} | ${st.then} |`,
  );
  const users = Object.entries(SEED_USERS).map(
    ([user, u]) => `| \`${user}\` | ${u.roles.join(', ')} | ${u.team ?? ''} |`,
  );
  return `<!-- Generated from api/access.ts by \`npm run docs:security\`; a unit test checks it. Do not edit. -->

# Who may do what (S2)

Every route of the API and the roles it allows. One rule table (\`api/access.ts\`) is enforced by
the routes, describes each operation in \`/openapi.json\` (\`x-roles\`) and generates this page;
\`test/integration/security.test.ts\` proves every cell over HTTP (allowed → not 401/403, denied →
403, no credentials → 401).

${header}
${line}
${rows.join('\n')}

Cells: ✓ allowed · ✓ assigned = a handler, only on complaints assigned to them or to their team ·
✓ transferred = a department, only on complaints transferred to it · ✓ VIP = only VIP complaints ·
✓ own = an intake system, only complaints it filed · — denied (403) · public = no credentials ·
signed = Twilio's signature instead of credentials · dev = only with \`DEV_AUTH=on\` (local stack).
Supervisors, interface people and admins act on every complaint their role allows. Lists hold only
what the caller may see.

${notes.join('\n')}

## Twilio webhooks (S4)

Every \`/webhooks/twilio\` route (\`message-status\`, \`sms-inbound\` and the contact's \`twiml\`,
\`gather\`, \`call-status\`, \`recording-status\`) checks Twilio's signature before anything else:
nothing of a request that fails it is read, recorded or signalled — the idempotency-token store
included. Then \`I-Twilio-Idempotency-Token\` (one per webhook, the same on Twilio's retries):

| request | answer |
| --- | --- |
| no \`X-Twilio-Signature\` | 403 \`missing_signature\` |
| a signature that does not match (\`PUBLIC_BASE_URL\` + path and query, the form fields) | 403 \`invalid_signature\` |
| signed, a field not valid | 400 \`validation_failed\`; nothing recorded |
| signed, processed | 200 with TwiML (\`twiml\`, \`gather\`, \`sms-inbound\`) or 204; the answer is recorded under the token |
| signed, the product failed | 5xx (503 with \`Retry-After\` when Temporal or MongoDB does not answer); nothing recorded |
| the same signed request again, its token recorded in the last 10 minutes | the recorded answer again (same status, type and body) with \`Idempotent-Replayed: true\`; not processed again |
| the same signed request again while the first is still running, or after it failed | processed like the first attempt (the handlers are idempotent) |
| the token of another request (another URL, other fields) | processed on its own: a token answers only for the signed request it came with |

An answer is recorded only once its request was processed successfully, and before it leaves; a
request already processed gets a 2xx so that Twilio stops retrying (Twilio retries when it saw no
success in time, e.g. after its 15 s timeout), and the same TwiML so that a call goes on. The
records are in MongoDB (\`webhook_receipts\`), so they hold across API restarts.

## Personal data and its retention (S8)

Every store of personal data, the retention that ends it (the kind in the retention policy, with
the built-in default; admins and privacy officers change it with \`POST /v1/admin/retention\`,
every version kept) and what happens then. The retention sweep (a Temporal Schedule, daily 03:30,
\`retentionSweepWorkflow\`) applies it to closed complaints whose workflow has finished; a
person's erasure request (\`privacyRequestWorkflow\`) applies every kind at once to their closed
complaints, except those under a legal hold (open, or dispute-prone), which it records with the
reason. Temporal's retention of closed histories is set on the namespace from
\`other.temporalHistories\` (at least 1 h).

| store | personal data | retention (default) | when it ends |
| --- | --- | --- | --- |
${stores.join('\n')}

Not held by ClosedLoop and out of its reach: the provider's message and call logs (Twilio keeps
them under the operator's account settings), e-mails already delivered, and log files (numbers,
IMSI and IMEI are masked there).

## Credentials (S1)

- **Systems** send an API key: \`Authorization: Bearer <key>\`; keys, their user, roles and
  (for people's keys) team are in \`API_KEYS\`.
- **People** send an access token (JWT) from the operator's OpenID Connect provider (S9):
  signature checked against the JWKS of \`OIDC_ISSUER\` (from its discovery), issuer, audience
  \`OIDC_AUDIENCE\`, expiry. The user is \`OIDC_USER_CLAIM\` (else \`sub\`); roles, team and
  departments come from the groups in \`OIDC_ROLES_CLAIM\` through \`OIDC_GROUP_MAP\`; a token that
  maps to no role is refused with 403 \`no_role\` naming the claim.
- The codec server (\`/codec\`) serves the roles ${CODEC_ROLES.join(', ')}: they read personal
  data of every complaint. \`CODEC_AUTH=off\` (local stack only) opens it for the dev Web UI.

## Seeded users of the local stack (\`DEV_AUTH=on\`)

\`POST /dev/token {"user": "<name>"}\` answers a one-hour token for:

| user | roles | team |
| --- | --- | --- |
${users.join('\n')}
`;
}

export const SECURITY_DOC_PATH = path.resolve(__dirname, '..', 'docs', 'security.md');

/** The page as the repository keeps it: formatted by Prettier like every other file. */
export async function renderSecurityDoc(): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(SECURITY_DOC_PATH)) ?? {};
  return prettier.format(renderSecurityDocSource(), { ...options, filepath: SECURITY_DOC_PATH });
}

if (require.main === module) {
  void renderSecurityDoc().then((text) => {
    writeFileSync(SECURITY_DOC_PATH, text);
    console.log(`wrote ${path.relative(process.cwd(), SECURITY_DOC_PATH)}`);
  });
}
