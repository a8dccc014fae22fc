export { AuthForm, type AuthMode } from './components/AuthForm';
export { ForgotPassword, RESET_REQUESTED_MESSAGE } from './components/ForgotPassword';
export { LoggedOut } from './components/LoggedOut';
export { ResetPassword, PASSWORD_RESET_MESSAGE } from './components/ResetPassword';
export { Settings } from './components/Settings';
export { UserStatus } from './components/UserStatus';
