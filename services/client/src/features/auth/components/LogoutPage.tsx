import { useEffect } from 'react';
import { Link } from 'react-router';

import { Page } from '@/components/layout/Page';
import { Loading } from '@/components/ui/Loading';
import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';

export function LogoutPage() {
  const { isAuthenticated, status, logout } = useSession();

  useEffect(() => {
    if (isAuthenticated) void logout();
  }, [isAuthenticated, logout]);

  if (status !== 'anonymous') return <Loading label="Logging out…" />;
  return (
    <Page title="Logged Out">
      <p>
        You are now logged out. Click <Link to={paths.login}>here</Link> to log back in.
      </p>
    </Page>
  );
}
