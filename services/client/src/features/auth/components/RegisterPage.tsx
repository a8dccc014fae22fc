import { AuthForm } from './AuthForm';

export function RegisterPage() {
  return <AuthForm mode="register" />;
}
