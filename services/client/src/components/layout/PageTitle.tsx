import { useEffect } from 'react';

import { APP_TITLE } from '@/config/constants';

/** Sets the browser tab's title while the page is shown; index.html's title comes back after. */
export function PageTitle({ title }: { title: string }) {
  useEffect(() => {
    document.title = `${title} · ${APP_TITLE}`;
    return () => {
      document.title = APP_TITLE;
    };
  }, [title]);
  return null;
}
