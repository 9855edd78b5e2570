// The console's shell: sign-in, the session from GET /v1/me, the navigation the roles allow,
// the language switch, and the pages by URL.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { getToken, onUnauthorized, setToken, whoAmI, type Me } from './api';
import { I18nProvider, useT, type Lang } from './i18n';
import { Complaint } from './pages/Complaint';
import { Dashboard } from './pages/Dashboard';
import { Privacy } from './pages/Privacy';
import { Reports } from './pages/Reports';
import { SignIn } from './pages/SignIn';
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

function Shell() {
  const { t } = useT();
  const [me, setMe] = useState<Me | null | undefined>(getToken() ? undefined : null);

  const signOut = useCallback(() => {
    setToken(null);
    setMe(null);
    navigate('/', true);
  }, []);

  useEffect(() => onUnauthorized(signOut), [signOut]);
  useEffect(() => {
    const token = getToken();
    if (me !== undefined || !token) return;
    whoAmI(token).then(setMe, () => {
      setToken(null);
      setMe(null);
    });
  }, [me]);

  const session = useMemo(() => (me ? sessionOf(me, signOut) : null), [me, signOut]);
  if (me === undefined) return <p className="muted">{t('common.loading')}</p>;
  if (!session)
    return (
      <>
        <TopBar />
        <SignIn
          onSignedIn={(token, who) => {
            setToken(token);
            setMe(who);
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
          {(session.hasRole('supervisor') || session.hasRole('interface') || session.hasRole('admin')) &&
            item('/dashboard', t('nav.dashboard'))}
          {session.can('GET /v1/reports') && item('/reports', t('nav.reports'))}
          {session.can('GET /v1/admin/privacy/requests') && item('/privacy', t.e('nav', 'privacy'))}
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
