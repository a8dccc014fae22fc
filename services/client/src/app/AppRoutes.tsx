import { Route, Routes } from 'react-router';

import { Layout } from '@/components/layout/Layout';
import { paths } from '@/config/paths';
import {
  ForgotPasswordPage,
  LoginPage,
  LogoutPage,
  RegisterPage,
  ResetPasswordPage,
  SettingsPage,
  StatusPage,
  VerifyEmailPage,
} from '@/features/auth';
import { ItemsPage } from '@/features/items';
import { AdminPage, UsersPage } from '@/features/users';
import { lazyImport } from '@/lib/lazy-import';

// Every page is fetched the first time it is opened; the first download is the shell only.
const AboutPage = lazyImport(() => import('./routes/AboutPage'), 'AboutPage');
const NotFoundPage = lazyImport(() => import('./routes/NotFoundPage'), 'NotFoundPage');

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
        <Route path={paths.verifyEmail} element={<VerifyEmailPage />} />
        <Route path={paths.items} element={<ItemsPage />} />
        <Route path={paths.admin} element={<AdminPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
