// Sign-in with the product's own auth: the API's dev identity provider (local stack, DEV_AUTH=on)
// mints a token for a seeded user; with a real identity provider, paste the token it issued.
import { useState, type FormEvent } from 'react';
import { ApiError, devToken, whoAmI, type Me } from '../api';
import { useT } from '../i18n';

/** The seeded people of the local stack (api/dev-auth.ts); any other name can be typed. */
const SEEDED = [
  'handler.li',
  'handler.zhao',
  'supervisor.wang',
  'interface.chen',
  'dept.network',
  'vip.manager',
  'analyst.sun',
  'admin.root',
];

export function SignIn({ onSignedIn }: { onSignedIn: (token: string, me: Me) => void }) {
  const { t } = useT();
  const [user, setUser] = useState('handler.li');
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function finish(get: () => Promise<string>) {
    setBusy(true);
    setError(undefined);
    try {
      const tok = await get();
      onSignedIn(tok, await whoAmI(tok));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.code === 'unknown_user')
        setError(t('signin.unknownUser', { user }));
      else if (err instanceof ApiError && err.status === 404) setError(t('signin.noDevAuth'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const byName = (e: FormEvent) => {
    e.preventDefault();
    void finish(() => devToken(user.trim()));
  };
  const byToken = (e: FormEvent) => {
    e.preventDefault();
    void finish(async () => token.trim());
  };

  return (
    <main className="signin">
      <h1>{t('app.title')}</h1>
      <p className="muted">{t('signin.intro')}</p>
      <form onSubmit={byName} className="card" aria-label={t('signin.devTitle')}>
        <h2>{t('signin.devTitle')}</h2>
        <label>
          {t('signin.user')}
          <input
            name="user"
            list="seeded-users"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            autoComplete="username"
          />
        </label>
        <datalist id="seeded-users">
          {SEEDED.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <button type="submit" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <form onSubmit={byToken} className="card" aria-label={t('signin.tokenTitle')}>
        <h2>{t('signin.tokenTitle')}</h2>
        <label>
          {t('signin.token')}
          <textarea name="token" rows={3} value={token} onChange={(e) => setTokenText(e.target.value)} />
        </label>
        <button type="submit" disabled={busy || !token.trim()}>
          {t('signin.useToken')}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
