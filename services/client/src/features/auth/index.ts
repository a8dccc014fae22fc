import { lazyImport } from '@/lib/lazy-import';

// Each page is a module of its own, fetched the first time it is opened.
export const ForgotPasswordPage = lazyImport(() => import('./components/ForgotPasswordPage'), 'ForgotPasswordPage');
export const LoginPage = lazyImport(() => import('./components/LoginPage'), 'LoginPage');
export const LogoutPage = lazyImport(() => import('./components/LogoutPage'), 'LogoutPage');
export const RegisterPage = lazyImport(() => import('./components/RegisterPage'), 'RegisterPage');
export const ResetPasswordPage = lazyImport(() => import('./components/ResetPasswordPage'), 'ResetPasswordPage');
export const SettingsPage = lazyImport(() => import('./components/SettingsPage'), 'SettingsPage');
export const VerifyEmailPage = lazyImport(() => import('./components/VerifyEmailPage'), 'VerifyEmailPage');
export const StatusPage = lazyImport(() => import('./components/StatusPage'), 'StatusPage');

export { takeResetTokenFromAddressBar } from './reset-token';
