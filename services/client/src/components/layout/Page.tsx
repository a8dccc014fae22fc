import type { ReactNode } from 'react';

import { PageTitle } from './PageTitle';

/** A page under one title: the browser tab's, the heading's, with a rule between heading and content. */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <PageTitle title={title} />
      <h1 className="title is-1">{title}</h1>
      <hr />
      {children}
    </div>
  );
}
