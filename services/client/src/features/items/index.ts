import { lazyImport } from '@/lib/lazy-import';

// The page is fetched the first time it is opened: it is not part of the first download.
export const ItemsPage = lazyImport(() => import('./components/ItemsPage'), 'ItemsPage');
