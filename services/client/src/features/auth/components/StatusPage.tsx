import { Page } from '@/components/layout/Page';
import { ErrorNotice } from '@/components/ui/ErrorNotice';
import { Loading } from '@/components/ui/Loading';
import { getCurrentUser } from '@/lib/api/auth';
import { useSession } from '@/lib/session';
import { useAsync } from '@/lib/use-async';

import { LoginRequired } from '@/components/layout/LoginRequired';

function CurrentUser() {
  const { status, data, error, reload } = useAsync(getCurrentUser, []);
  if (status === 'error') return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  return (
    <ul className="user-status">
      <li>
        <strong>User ID:</strong>&nbsp;{data.id}
      </li>
      <li>
        <strong>Email:</strong>&nbsp;{data.email}
      </li>
      <li>
        <strong>Username:</strong>&nbsp;{data.username}
      </li>
      <li>
        <strong>Active:</strong>&nbsp;{String(data.active)}
      </li>
      <li>
        <strong>Admin:</strong>&nbsp;{String(data.admin)}
      </li>
    </ul>
  );
}

/** The signed-in user's account as the server has it now. */
export function StatusPage() {
  const { status } = useSession();
  return (
    <Page title="Account Status">
      {status === 'loading' && <Loading />}
      {status === 'anonymous' && <LoginRequired />}
      {status === 'authenticated' && <CurrentUser />}
    </Page>
  );
}
