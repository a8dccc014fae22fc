import { BrowserRouter } from 'react-router';

import { ErrorBoundary } from '@/components/layout/ErrorBoundary';

import { AppProviders } from './AppProviders';
import { AppRoutes } from './AppRoutes';

export function App() {
  return (
    <BrowserRouter>
      {/* The layout has a boundary of its own around each page; this one catches the rest. */}
      <ErrorBoundary standalone>
        <AppProviders>
          <AppRoutes />
        </AppProviders>
      </ErrorBoundary>
    </BrowserRouter>
  );
}
