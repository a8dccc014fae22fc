import { Suspense } from 'react';
import { Outlet } from 'react-router';

import { FlashMessages } from '@/components/flash';
import { Loading } from '@/components/ui/Loading';
import { APP_TITLE } from '@/config/paths';

import { Navbar } from './Navbar';

export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Navbar title={APP_TITLE} />
      <main id="main" className="section" tabIndex={-1}>
        <div className="container">
          <div className="columns is-centered">
            <div className="column is-three-quarters-desktop">
              <FlashMessages />
              <Suspense fallback={<Loading />}>
                <Outlet />
              </Suspense>
            </div>
          </div>
        </div>
      </main>
    </>
  );
}
