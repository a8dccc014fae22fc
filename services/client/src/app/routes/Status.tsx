import { UserStatus } from '@/features/auth';

export default function StatusPage() {
  return <UserStatus />;
}
