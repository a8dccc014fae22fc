import { lazy, type ComponentType } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { Layout } from '@/components/layout/Layout';
import { paths } from '@/config/paths';
import { UsersPage } from '@/features/users';

/** A page that loads its module the first time it is shown. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

// Only the home page is in the first bundle; every other page loads on demand.
const AboutPage = page(() => import('./routes/AboutPage'), 'AboutPage');
const NotFoundPage = page(() => import('./routes/NotFoundPage'), 'NotFoundPage');
const RegisterPage = page(() => import('@/features/auth'), 'RegisterPage');
const LoginPage = page(() => import('@/features/auth'), 'LoginPage');
const LogoutPage = page(() => import('@/features/auth'), 'LogoutPage');
const StatusPage = page(() => import('@/features/auth'), 'StatusPage');
const SettingsPage = page(() => import('@/features/auth'), 'SettingsPage');
const ForgotPasswordPage = page(() => import('@/features/auth'), 'ForgotPasswordPage');
const ResetPasswordPage = page(() => import('@/features/auth'), 'ResetPasswordPage');

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
