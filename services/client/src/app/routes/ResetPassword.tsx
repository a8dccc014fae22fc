import { ResetPassword } from '@/features/auth';

export default function ResetPasswordPage() {
  return <ResetPassword />;
}
