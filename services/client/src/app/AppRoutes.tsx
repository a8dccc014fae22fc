import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';

import { Layout } from '@/components/layout/Layout';
import { paths } from '@/config/paths';

import Home from './routes/Home';

// Only the home page is in the first bundle; every other page loads on demand.
const About = lazy(() => import('./routes/About'));
const Register = lazy(() => import('./routes/Register'));
const Login = lazy(() => import('./routes/Login'));
const Logout = lazy(() => import('./routes/Logout'));
const Status = lazy(() => import('./routes/Status'));
const Settings = lazy(() => import('./routes/Settings'));
const ForgotPassword = lazy(() => import('./routes/ForgotPassword'));
const ResetPassword = lazy(() => import('./routes/ResetPassword'));
const NotFound = lazy(() => import('./routes/NotFound'));

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path={paths.about} element={<About />} />
        <Route path={paths.register} element={<Register />} />
        <Route path={paths.login} element={<Login />} />
        <Route path={paths.logout} element={<Logout />} />
        <Route path={paths.status} element={<Status />} />
        <Route path={paths.settings} element={<Settings />} />
        <Route path={paths.forgotPassword} element={<ForgotPassword />} />
        <Route path={paths.resetPassword} element={<ResetPassword />} />
        <Route path={paths.admin} element={<Navigate to={paths.home} replace />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
