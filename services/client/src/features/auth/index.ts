export { ForgotPasswordPage } from './components/ForgotPasswordPage';
export { LoginPage } from './components/LoginPage';
export { LogoutPage } from './components/LogoutPage';
export { RegisterPage } from './components/RegisterPage';
export { ResetPasswordPage } from './components/ResetPasswordPage';
export { SettingsPage } from './components/SettingsPage';
export { StatusPage } from './components/StatusPage';
