// Sign-in (S9.1): through the operator's OpenID Connect provider when the API names one
// (/console/auth-config.json) — the button leaves for the provider's login page and comes back
// signed in; without a provider, a token issued for ClosedLoop can be pasted. Also the pages for a
// session that has ended (S9.3) and for a person whom ClosedLoop gives no role (S9.2).
import { useState, type FormEvent } from 'react';
import { whoAmI, type Me } from '../api';
import type { Auth, SignInReason } from '../auth';
import { useT } from '../i18n';

export function SignIn({
  auth,
  reason,
  error: startError,
  onSignedIn,
}: {
  auth: Auth | null;
  reason: SignInReason;
  error?: string;
  onSignedIn: (token: string, me: Me) => void;
}) {
  const { t } = useT();
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | undefined>(startError);
  const [busy, setBusy] = useState(false);

  async function run(step: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await step();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  const byProvider = () => run(() => auth!.signIn());
  const byToken = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const tok = token.trim();
      onSignedIn(tok, await whoAmI(tok));
    });
  };

  return (
    <main className="signin" data-testid="signin" data-reason={reason}>
      <h1>{t('app.title')}</h1>
      {reason === 'ended' && (
        <p role="status" className="card" data-testid="session-ended">
          {t('signin.ended')}
        </p>
      )}
      {reason === 'signedOut' && (
        <p role="status" className="card" data-testid="signed-out">
          {t('signin.signedOut')}
        </p>
      )}
      {auth ? (
        <section className="card" aria-label={t('signin.submit')}>
          <p className="muted">{t('signin.intro', { provider: new URL(auth.settings.issuer).host })}</p>
          <button type="button" onClick={() => void byProvider()} disabled={busy}>
            {t('signin.submit')}
          </button>
        </section>
      ) : (
        <form onSubmit={byToken} className="card" aria-label={t('signin.tokenTitle')}>
          <h2>{t('signin.tokenTitle')}</h2>
          <p className="muted">{t('signin.noProvider')}</p>
          <label>
            {t('signin.token')}
            <textarea name="token" rows={3} value={token} onChange={(e) => setTokenText(e.target.value)} />
          </label>
          <button type="submit" disabled={busy || !token.trim()}>
            {t('signin.useToken')}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="error">
          {t('signin.failed', { reason: error })}
        </p>
      )}
    </main>
  );
}

/** Signed in at the provider, but no group of theirs maps to a ClosedLoop role: the API's reason. */
export function NoRole({ reason, onSignOut }: { reason: string; onSignOut: () => void }) {
  const { t } = useT();
  return (
    <main className="signin" data-testid="no-role">
      <h1>{t('signin.noRoleTitle')}</h1>
      <p role="alert" className="error">
        {reason}
      </p>
      <p className="muted">{t('signin.noRoleHint')}</p>
      <button type="button" onClick={onSignOut}>
        {t('nav.signOut')}
      </button>
    </main>
  );
}
