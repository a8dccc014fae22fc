import { LoggedOut } from '@/features/auth';

export default function LogoutPage() {
  return <LoggedOut />;
}
