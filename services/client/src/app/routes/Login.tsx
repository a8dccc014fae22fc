import { Navigate } from 'react-router';

import { paths } from '@/config/paths';
import { AuthForm } from '@/features/auth';
import { useSession } from '@/lib/session';

export default function Login() {
  const { isAuthenticated } = useSession();
  if (isAuthenticated) return <Navigate to={paths.home} replace />;
  return <AuthForm mode="login" />;
}
