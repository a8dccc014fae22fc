import { Navigate, Route, Routes } from 'react-router';

import { Layout } from '@/components/layout/Layout';
import { paths } from '@/config/paths';
import { UsersPage } from '@/features/users';
import { lazyImport } from '@/lib/lazy-import';

// Only the home page is in the first bundle; every other page loads on demand.
const AboutPage = lazyImport(() => import('./routes/AboutPage'), 'AboutPage');
const NotFoundPage = lazyImport(() => import('./routes/NotFoundPage'), 'NotFoundPage');
const RegisterPage = lazyImport(() => import('@/features/auth'), 'RegisterPage');
const LoginPage = lazyImport(() => import('@/features/auth'), 'LoginPage');
const LogoutPage = lazyImport(() => import('@/features/auth'), 'LogoutPage');
const StatusPage = lazyImport(() => import('@/features/auth'), 'StatusPage');
const SettingsPage = lazyImport(() => import('@/features/auth'), 'SettingsPage');
const ForgotPasswordPage = lazyImport(() => import('@/features/auth'), 'ForgotPasswordPage');
const ResetPasswordPage = lazyImport(() => import('@/features/auth'), 'ResetPasswordPage');

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<UsersPage />} />
        <Route path={paths.about} element={<AboutPage />} />
        <Route path={paths.register} element={<RegisterPage />} />
        <Route path={paths.login} element={<LoginPage />} />
        <Route path={paths.logout} element={<LogoutPage />} />
        <Route path={paths.status} element={<StatusPage />} />
        <Route path={paths.settings} element={<SettingsPage />} />
        <Route path={paths.forgotPassword} element={<ForgotPasswordPage />} />
        <Route path={paths.resetPassword} element={<ResetPasswordPage />} />
        <Route path={paths.admin} element={<Navigate to={paths.home} replace />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
