// The console's shell: sign-in through the identity provider (./auth), the session from GET /v1/me,
// the navigation the roles allow, the language switch, and the pages by URL.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, getToken, onUnauthorized, setToken, whoAmI, type Me } from './api';
import {
  createAuth,
  isSignedOutPage,
  isSignInCallback,
  loadOidcSettings,
  type Auth,
  type SignInReason,
} from './auth';
import { I18nProvider, useT, type Lang } from './i18n';
import { Complaint } from './pages/Complaint';
import { Dashboard } from './pages/Dashboard';
import { Privacy } from './pages/Privacy';
import { GuaranteeTests } from './pages/GuaranteeTests';
import { HotList } from './pages/HotList';
import { Incidents } from './pages/Incidents';
import { DeadLetters } from './pages/DeadLetters';
import { Reports } from './pages/Reports';
import { NoRole, SignIn } from './pages/SignIn';
import { Worklists, WORKLISTS } from './pages/Worklists';
import { Link, navigate, useRoute } from './router';
import { homeOf, SessionContext, sessionOf, type Session } from './session';

export function App() {
  return (
    <I18nProvider>
      <Shell />
    </I18nProvider>
  );
}

/** Where the sign-in stands: `me` once the API knows the person, `refused` when it knows them but not their role. */
interface Signed {
  auth: Auth | null;
  me: Me | null;
  reason: SignInReason;
  refused?: string;
  error?: string;
}

/** Startup, once per page load (StrictMode runs effects twice; the sign-in code may be used once). */
let startup: Promise<Signed> | undefined;

async function start(): Promise<Signed> {
  const settings = await loadOidcSettings().catch(() => null);
  const auth = settings ? createAuth(settings) : null;
  let token = getToken();
  let reason: SignInReason = 'start';
  try {
    if (auth && isSignInCallback()) navigate(await auth.completeSignIn(), true);
    else if (auth && isSignedOutPage()) {
      reason = 'signedOut';
      navigate('/', true);
    }
    token = auth ? await auth.restore() : token;
  } catch (err) {
    navigate('/', true);
    return { auth, me: null, reason, error: err instanceof Error ? err.message : String(err) };
  }
  if (!token) return { auth, me: null, reason };
  return { auth, reason, ...(await whoIs(token)) };
}

/** GET /v1/me; a 403 `no_role` is a person the provider knows whom ClosedLoop gives no role (S9.2). */
async function whoIs(token: string): Promise<{ me: Me | null; refused?: string }> {
  try {
    return { me: await whoAmI(token) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && err.code === 'no_role')
      return { me: null, refused: err.message };
    setToken(null);
    return { me: null };
  }
}

function Shell() {
  const { t } = useT();
  const [state, setState] = useState<Signed>();
  const auth = state?.auth ?? null;

  useEffect(() => {
    startup ??= start();
    void startup.then(setState);
  }, []);

  /** The session ended without the person signing out: expired, renewal refused, or a 401. */
  const ended = useCallback(() => {
    void auth?.forget();
    setToken(null);
    setState((s) => s && { ...s, me: null, reason: auth ? 'ended' : 'start' });
    navigate('/', true);
  }, [auth]);

  const signOut = useCallback(() => {
    setToken(null);
    if (auth) return void auth.signOut();
    setState((s) => s && { ...s, me: null, reason: 'start' });
    navigate('/', true);
  }, [auth]);

  useEffect(() => onUnauthorized(ended), [ended]);
  useEffect(() => auth?.onEnded(ended), [auth, ended]);

  const me = state?.me ?? null;
  const session = useMemo(() => (me ? sessionOf(me, signOut) : null), [me, signOut]);
  if (!state) return <p className="muted">{t('common.loading')}</p>;
  if (state.refused)
    return (
      <>
        <TopBar />
        <NoRole reason={state.refused} onSignOut={signOut} />
      </>
    );
  if (!session)
    return (
      <>
        <TopBar />
        <SignIn
          auth={auth}
          reason={state.reason}
          error={state.error}
          onSignedIn={(token, who) => {
            setToken(token);
            setState((s) => s && { ...s, me: who, error: undefined });
            navigate(homeOf(sessionOf(who, signOut)), true);
          }}
        />
      </>
    );
  return (
    <SessionContext.Provider value={session}>
      <TopBar session={session} />
      <Page session={session} />
    </SessionContext.Provider>
  );
}

function Page({ session }: { session: Session }) {
  const { t } = useT();
  const { path } = useRoute();
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  useEffect(() => {
    if (parts.length === 0) navigate(homeOf(session), true);
  });
  switch (parts[0]) {
    case 'worklists':
      return (
        <Worklists
          name={parts[1] && (WORKLISTS as readonly string[]).includes(parts[1]) ? parts[1] : 'mine'}
        />
      );
    case 'complaints':
      return parts[1] ? <Complaint key={parts[1]} id={parts[1]} /> : <Worklists name="mine" />;
    case 'dashboard':
      return <Dashboard />;
    case 'reports':
      return <Reports id={parts[1]} />;
    case 'privacy':
      return <Privacy id={parts[1]} />;
    case 'guarantee-tests':
      return <GuaranteeTests />;
    case 'hot-complaints':
      return <HotList />;
    case 'incidents':
      return <Incidents id={parts[1]} />;
    case 'tmf-dead-letters':
      return <DeadLetters />;
    case undefined:
      return null;
    default:
      return (
        <main>
          <p className="error">{t('common.noPage')}</p>
        </main>
      );
  }
}

function LangSwitch() {
  const { lang, setLang, t } = useT();
  return (
    <label className="lang">
      <span className="sr-only">{t('common.language')}</span>
      <select
        value={lang}
        onChange={(e) => setLang(e.target.value as Lang)}
        name="lang"
        aria-label={t('common.language')}
      >
        <option value="zh-CN">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

function TopBar({ session }: { session?: Session }) {
  const { t } = useT();
  const { path } = useRoute();
  const item = (to: string, label: string) => (
    <Link to={to} className={path.startsWith(to.split('/').slice(0, 2).join('/')) ? 'active' : ''}>
      {label}
    </Link>
  );
  return (
    <header className="topbar">
      <span className="brand">{t('app.title')}</span>
      {session && (
        <nav aria-label={t('nav.main')}>
          {session.can('GET /v1/worklists/{name}') &&
            item(session.me.team ? '/worklists/team' : '/worklists/mine', t('nav.worklists'))}
          {session.can('GET /v1/hot-complaints') && item('/hot-complaints', t.e('nav', 'hot'))}
          {(session.hasRole('supervisor') || session.hasRole('interface') || session.hasRole('admin')) &&
            item('/dashboard', t('nav.dashboard'))}
          {session.can('GET /v1/incidents') && item('/incidents', t.e('nav', 'incidents'))}
          {session.can('GET /v1/reports') && item('/reports', t('nav.reports'))}
          {session.can('GET /v1/admin/privacy/requests') && item('/privacy', t.e('nav', 'privacy'))}
          {session.can('GET /v1/guarantee-tests') && item('/guarantee-tests', t.e('nav', 'guaranteeTests'))}
          {session.can('GET /v1/admin/tmf/dead-letters') &&
            item('/tmf-dead-letters', t.e('nav', 'deadLetters'))}
        </nav>
      )}
      <span className="spacer" />
      <LangSwitch />
      {session && (
        <span className="who" data-testid="who">
          {session.me.user} · {session.me.roles.map((r) => t.e('role', r)).join(', ')}
          {session.me.team ? ` · ${session.me.team}` : ''}
          <button type="button" onClick={session.signOut}>
            {t('nav.signOut')}
          </button>
        </span>
      )}
    </header>
  );
}
