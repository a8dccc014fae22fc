import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import { Page } from '@/components/layout/Page';
import { Loading } from '@/components/ui/Loading';
import { paths } from '@/config/paths';
import { getCurrentUser, verifyEmail } from '@/lib/api/auth';
import { useSession } from '@/lib/session';

type Outcome = { kind: 'working' } | { kind: 'verified' | 'failed'; message: string };

/** The token of a mailed link: after `#token=`, which browsers never send to a server. */
function tokenIn(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}

/**
 * Where a verification (or email-change) link leads: posts the link's token once and says
 * how it went. The token leaves the address bar at once, out of the history; a later link
 * opened in the same tab (only its fragment differs) is checked afresh.
 */
export function VerifyEmailPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const inAddressBar = tokenIn(location.hash);
  const [token, setToken] = useState(inAddressBar);
  if (inAddressBar !== null && inAddressBar !== token) setToken(inAddressBar);

  useEffect(() => {
    if (location.hash) void navigate(paths.verifyEmail, { replace: true });
  }, [location.hash, navigate]);

  return (
    <Page title="Verify Email">
      <Verification key={token ?? ''} token={token} />
    </Page>
  );
}

function Verification({ token }: { token: string | null }) {
  const { isAuthenticated, setCurrentUser } = useSession();
  const [outcome, setOutcome] = useState<Outcome>(() =>
    token ? { kind: 'working' } : { kind: 'failed', message: 'This verification link is incomplete.' },
  );
  // A link works once: the request goes out once, even when effects run twice.
  const sent = useRef(false);

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    verifyEmail(token).then(
      (message) => setOutcome({ kind: 'verified', message }),
      (error: unknown) =>
        setOutcome({ kind: 'failed', message: error instanceof Error ? error.message : 'The link could not be checked.' }),
    );
  }, [token]);

  useEffect(() => {
    // The signed-in user's address (or its verified flag) just changed: show it.
    if (outcome.kind === 'verified' && isAuthenticated) void getCurrentUser().then(setCurrentUser, () => undefined);
  }, [outcome.kind, isAuthenticated, setCurrentUser]);

  return (
    <>
      {outcome.kind === 'working' && <Loading />}
      {outcome.kind === 'verified' && (
        <div className="notification is-success is-light" role="status">
          <p>{outcome.message}</p>
          <p>
            {isAuthenticated ? <Link to={paths.settings}>Back to your settings</Link> : <Link to={paths.login}>Log in</Link>}
          </p>
        </div>
      )}
      {outcome.kind === 'failed' && (
        <div className="notification is-danger is-light" role="alert">
          <p>{outcome.message}</p>
          <p>
            {isAuthenticated ? (
              <>
                Ask for a new link in your <Link to={paths.settings}>settings</Link>.
              </>
            ) : (
              <>
                <Link to={paths.login}>Log in</Link> to get a new link.
              </>
            )}
          </p>
        </div>
      )}
    </>
  );
}
