import { Page } from '@/components/layout/Page';
import { Loading } from '@/components/ui/Loading';
import { useSession } from '@/lib/session';

import { LoginRequired } from '@/components/layout/LoginRequired';
import { DeleteAccountPanel } from './DeleteAccountPanel';
import { EmailVerificationNotice } from './EmailVerificationNotice';
import { PasswordForm } from './PasswordForm';
import { ProfileForm } from './ProfileForm';
import { SessionsPanel } from './SessionsPanel';
import { TwoFactorPanel } from './TwoFactorPanel';

export function SettingsPage() {
  const { status, user } = useSession();
  return (
    <Page title="Settings">
      {status === 'loading' && <Loading />}
      {status === 'anonymous' && <LoginRequired />}
      {status === 'authenticated' && user && (
        <>
          {user.email_verified === false && user.email && <EmailVerificationNotice email={user.email} />}
          <ProfileForm key={user.id} user={user} />
          <PasswordForm />
          <TwoFactorPanel />
          <SessionsPanel />
          <DeleteAccountPanel />
        </>
      )}
    </Page>
  );
}
