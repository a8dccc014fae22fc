import { lazyImport } from '@/lib/lazy-import';

// The home page is a module of its own too: the first download is the app's shell only.
export const UsersPage = lazyImport(() => import('./components/UsersPage'), 'UsersPage');
