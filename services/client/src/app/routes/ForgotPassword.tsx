import { ForgotPassword } from '@/features/auth';

export default function ForgotPasswordPage() {
  return <ForgotPassword />;
}
