import { lazyImport } from '@/lib/lazy-import';

// The home page is a module of its own too: the first download is the app's shell only.
export const UsersPage = lazyImport(() => import('./components/UsersPage'), 'UsersPage');
// The admin console: only admins open it, so nobody else downloads it.
export const AdminPage = lazyImport(() => import('./components/admin/AdminPage'), 'AdminPage');
