import { PageTitle } from '@/components/layout/PageTitle';
import { Loading } from '@/components/ui/Loading';
import { useSession } from '@/lib/session';

import { LoginRequired } from './LoginRequired';
import { PasswordForm } from './PasswordForm';
import { ProfileForm } from './ProfileForm';

export function SettingsPage() {
  const { status, user } = useSession();
  return (
    <div>
      <PageTitle title="Settings" />
      <h1 className="title is-1">Settings</h1>
      <hr />
      {status === 'loading' && <Loading />}
      {status === 'anonymous' && <LoginRequired />}
      {status === 'authenticated' && user && (
        <>
          <ProfileForm key={user.id} user={user} />
          <PasswordForm />
        </>
      )}
    </div>
  );
}
