import { Suspense, useEffect, useRef } from 'react';
import { Outlet, useLocation } from 'react-router';

import { FlashMessages } from '@/components/flash';
import { Loading } from '@/components/ui/Loading';
import { APP_TITLE } from '@/config/constants';

import { ErrorBoundary } from './ErrorBoundary';
import { Navbar } from './Navbar';

export function Layout() {
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After client-side navigation, start screen readers and keyboards at the new page.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Navbar title={APP_TITLE} />
      <main id="main" ref={main} className="section" tabIndex={-1}>
        <div className="container">
          <div className="page-column">
            <FlashMessages />
            <ErrorBoundary resetKey={pathname}>
              <Suspense fallback={<Loading />}>
                <Outlet />
              </Suspense>
            </ErrorBoundary>
          </div>
        </div>
      </main>
    </>
  );
}
