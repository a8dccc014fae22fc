import { useEffect } from 'react';
import { Link } from 'react-router';

import { PageTitle } from '@/components/layout/PageTitle';
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
    <>
      <PageTitle title="Logged Out" />
      <h1 className="title is-1">Logged Out</h1>
      <hr />
      <p>
        You are now logged out. Click <Link to={paths.login}>here</Link> to log back in.
      </p>
    </>
  );
}
